#!/usr/bin/env python3
"""uidstate.py STATE: print mfetch's UID state as the next run reads it
(fetch/uidstate.h): the file, then its journal (STATE.journal) unless the
file says it holds it ("#folded N" and "#journal N"), a journal's last
line skipped when cut.  Output, sorted: "#login TIME DELAY" if any, the
folders "=ID UIDVALIDITY UIDNEXT NAME" by ID, the entries "SEEN KEY [FP]"
by key.  For the fake cases, which must not depend on whether a run
appended to the journal or rewrote the file.  Standard library only."""

import os
import re
import sys

ENTRY = re.compile(rb"(\d+) ([\x21-\x7e]{1,70})(?: ([0-9a-fA-F]{16}))?")
FORGET = re.compile(rb"- ([\x21-\x7e]{1,70})")
FOLDER = re.compile(rb"=([1-9]\d{0,8}) ([1-9]\d*) (0|[1-9]\d*) (\S+)")
HASHN = re.compile(rb"#(folded|journal|maxid) (\d+)")


def apply(state, lines, journal):
    for n, line in enumerate(lines):
        m = HASHN.fullmatch(line)
        if line.startswith(b"#login "):
            state["login"] = line
        elif m:
            if m.group(1) == b"folded" and not journal:
                state["folded"] = int(m.group(2))
        elif line == b"" or line.startswith(b"#"):
            pass
        elif FOLDER.fullmatch(line):
            fid, uv, un, name = FOLDER.fullmatch(line).groups()
            folders = state["folders"]
            for k in [k for k, v in folders.items()
                      if v[2] == name and k != int(fid)]:
                del folders[k]
            folders[int(fid)] = (uv, un, name)
        elif FORGET.fullmatch(line):
            state["entries"].pop(FORGET.fullmatch(line).group(1), None)
        elif ENTRY.fullmatch(line):
            seen, key, fp = ENTRY.fullmatch(line).groups()
            old = state["entries"].get(key)
            if old is not None:
                seen = min(int(seen), int(old[0]))
                fp = fp or old[1]
            state["entries"][key] = (int(seen), fp)
        elif not journal:
            sys.exit("%s: malformed line %d" % (sys.argv[1], n + 1))


def main():
    path = sys.argv[1]
    state = {"folders": {}, "entries": {}, "folded": None, "login": None}
    if os.path.exists(path):
        with open(path, "rb") as f:
            apply(state, f.read().split(b"\n"), False)
    if os.path.exists(path + ".journal"):
        with open(path + ".journal", "rb") as f:
            lines = f.read().split(b"\n")[:-1]  # a cut last line: skipped
        m = HASHN.fullmatch(lines[0]) if lines else None
        if not (m and m.group(1) == b"journal" and
                int(m.group(2)) == state["folded"]):
            apply(state, lines, True)
    out = sys.stdout.buffer
    if state["login"]:
        out.write(state["login"] + b"\n")
    for fid in sorted(state["folders"]):
        uv, un, name = state["folders"][fid]
        out.write(b"=%d %s %s %s\n" % (fid, uv, un, name))
    for key in sorted(state["entries"]):
        seen, fp = state["entries"][key]
        out.write(b"%d %s%s\n" % (seen, key, b" " + fp.lower() if fp
                                  else b""))


if __name__ == "__main__":
    main()
