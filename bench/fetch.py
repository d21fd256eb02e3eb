#!/usr/bin/env python3
"""bench/fetch.py: mfetch beside mpop, fetchmail (+ procmail) and getmail6,
each fetching the same messages over POP3S from the test suite's Dovecot
into an mbox, with no added delay and with an emulated round-trip time;
and one very large message, for peak memory.

Corpus (deterministic, seed 42): --count messages of 2 KB to 200 KB
(log-normal, median about 15 KB) with a few 5 MB ones, with "From " lines,
">From " lines, lone dots, 8-bit text and no final newline here and there;
put straight into alice's Maildir on the server.  Every tool keeps the
messages on the server and starts from an empty state, so each run fetches
them all.  Each mbox is then read with Python's mailbox module and every
body compared (mboxrd unquoting) with the corpus.

Prints wall time, CPU time (user+sys) and peak RSS (GNU time's %M: the
largest process of the tool's tree) per tool and RTT.  Standard library
only.  Needs root (the servers), GNU time, and the peers it is asked for.
"""

import argparse
import hashlib
import mailbox
import os
import pwd
import random
import re
import shutil
import subprocess
import sys
import tempfile

from benchlib import Proxy, run_timed, start_servers, stop_servers

BODIES = [
    b"From the start of a line\n>From quoted\n",
    b".\n..\n. x\n",
    "caf\u00e9 \u20ac 8-bit\n".encode(),
    b"no final newline",
]


def make_corpus(maildir, count, seed=42):
    """Write messages into maildir/cur; return {message-id: body hash}."""
    rnd = random.Random(seed)
    os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
    want = {}
    line = (b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            b"+/abcdefghij\n")
    for i in range(count):
        if i % 125 == 7:
            size = 5 * 1024 * 1024
        else:
            size = int(min(200 * 1024, max(2 * 1024,
                                           rnd.lognormvariate(9.6, 0.9))))
        body = BODIES[i % len(BODIES)] + line * (size // len(line))
        if i % 9 == 4:
            body = body.rstrip(b"\n")
        mid = "<bench.%d@facteur.test>" % i
        head = ("From: sender%d@example.org\nTo: alice@facteur.test\n"
                "Subject: bench %d\nMessage-ID: %s\n\n" % (i, i, mid)).encode()
        with open(os.path.join(maildir, "cur", "%d.bench%d:2," % (i, i)),
                  "wb") as f:
            f.write(head + body)
        want[mid] = hashlib.sha256(body.rstrip(b"\n") + b"\n").hexdigest()
    return want


def check_mbox(path, want):
    got = {}
    try:
        box = mailbox.mbox(path)
        for msg in box:
            raw = msg.as_bytes()
            body = raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
            body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
            got[msg["Message-ID"]] = hashlib.sha256(
                body.rstrip(b"\n") + b"\n").hexdigest()
    except (OSError, mailbox.Error) as e:
        return "unreadable mbox: %s" % e
    bad = sum(1 for k in want if got.get(k) != want[k])
    if len(got) != len(want) or bad:
        return "%d of %d messages, %d bodies differ" % (len(got), len(want),
                                                        bad)
    return "ok"


def write(path, text, mode=0o600):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def tool_cmd(tool, w, port, ca, mbox):
    """The command line of a tool, after writing its configuration."""
    if tool == "mfetch":
        write(os.path.join(w, "config"),
              "account bench\nincoming pop3s://127.0.0.1:%d\n"
              "tls_trust_file %s\nuser alice\npassword alicepass\n"
              "delivery mbox,%s\nkeep on\nuidls_file %s/uids\n"
              % (port, ca, mbox, w))
        return [MFETCH, "-q", "-C", os.path.join(w, "config"), "bench"]
    if tool == "mpop":
        write(os.path.join(w, "mpoprc"),
              "account bench\nhost 127.0.0.1\nport %d\ntls on\n"
              "tls_starttls off\ntls_trust_file %s\nuser alice\n"
              "password alicepass\ndelivery mbox %s\nkeep on\n"
              "uidls_file %s/mpop_uidls\n" % (port, ca, mbox, w))
        return ["mpop", "-q", "-C", os.path.join(w, "mpoprc"), "bench"]
    if tool == "fetchmail":
        # procmail refuses an rcfile in a world-writable directory.
        os.makedirs(os.path.join(w, "pm"), exist_ok=True)
        os.chmod(os.path.join(w, "pm"), 0o755)
        write(os.path.join(w, "pm", "procmailrc"), ":0:\n%s\n" % mbox,
              0o644)
        write(os.path.join(w, "fetchmailrc"),
              'poll 127.0.0.1 service %d protocol pop3 uidl\n'
              '  user "alice" there with password "alicepass"\n'
              '  ssl sslcertck sslcertfile "%s" sslcommonname "localhost" keep\n'
              '  mda "/usr/bin/procmail -f %%F -m %s/pm/procmailrc"\n'
              % (port, ca, w))
        return ["fetchmail", "-f", os.path.join(w, "fetchmailrc"), "--idfile",
                os.path.join(w, "ids"), "--pidfile",
                os.path.join(w, "pid"), "--nodetach", "-s"]
    if tool == "getmail":
        gd = os.path.join(w, "getmaildir")
        os.makedirs(gd, exist_ok=True)
        os.chmod(gd, 0o777)      # getmail refuses to run as root
        write(os.path.join(gd, "getmailrc"),
              "[retriever]\ntype = SimplePOP3SSLRetriever\n"
              "server = 127.0.0.1\nport = %d\nusername = alice\n"
              "password = alicepass\nca_certs = %s\n"
              "[destination]\ntype = Mboxrd\npath = %s\n"
              "[options]\nread_all = true\ndelete = false\nverbose = 0\n"
              % (port, ca, mbox), 0o644)
        open(mbox, "a").close()
        os.chmod(mbox, 0o666)
        return ["setpriv", "--reuid", "nobody", "--regid", "nogroup",
                "--clear-groups", "getmail", "--rcfile",
                os.path.join(gd, "getmailrc"), "--getmaildir", gd]
    raise SystemExit("unknown tool " + tool)


def main():
    global MFETCH
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--rtt", type=float, nargs="+", default=[0, 20])
    ap.add_argument("--tools", default="mfetch,mpop,fetchmail,getmail")
    ap.add_argument("--huge", type=int, default=200,
                    help="size in MB of the one-message run (0: none)")
    ap.add_argument("--mfetch", default=os.path.join(os.getcwd(), "fetch",
                                                     "mfetch"))
    args = ap.parse_args()
    MFETCH = os.path.abspath(args.mfetch)
    tools = [t for t in args.tools.split(",")
             if t == "mfetch" or shutil.which(
                 {"getmail": "getmail"}.get(t, t)) is not None]
    missing = set(args.tools.split(",")) - set(tools)
    if missing:
        print("# not installed, left out: %s" % ", ".join(sorted(missing)),
              file=sys.stderr)
    state = tempfile.mkdtemp(prefix="facteur-fbench.")
    os.chmod(state, 0o755)
    srv, vals = start_servers(state)
    rows = []
    try:
        maildir = vals["FT_ALICE_MAILDIR"]
        shutil.rmtree(os.path.join(maildir, "cur"), ignore_errors=True)
        shutil.rmtree(os.path.join(maildir, "new"), ignore_errors=True)
        want = make_corpus(maildir, args.count)
        owner = os.stat(maildir).st_uid
        for root, dirs, files in os.walk(maildir):
            for n in dirs + files:
                os.chown(os.path.join(root, n), owner, -1)
        port = int(vals["FT_PORT_POP3S"])
        for rtt in args.rtt:
            proxy = Proxy(port, rtt)
            proxy.start()
            for tool in tools:
                w = os.path.join(state, "w-%s-%g" % (tool, rtt))
                os.makedirs(w)
                os.chmod(w, 0o777)
                mbox = os.path.join(w, "out.mbox")
                argv = tool_cmd(tool, w, proxy.port, vals["FT_CA"], mbox)
                rc, wall, cpu, rss = run_timed(argv, b"",
                                               os.path.join(w, "time"))
                rows.append((tool, rtt, args.count, wall, cpu, rss,
                             "exit %d" % rc if rc not in (0, 1) else
                             check_mbox(mbox, want)))
                print("# %s at %g ms: %.1f s" % (tool, rtt, wall),
                      file=sys.stderr)
                shutil.rmtree(w, ignore_errors=True)
            proxy.stop()
        if args.huge > 0:
            shutil.rmtree(os.path.join(maildir, "cur"), ignore_errors=True)
            os.makedirs(os.path.join(maildir, "cur"))
            body = b"x" * 75 + b"\n"
            with open(os.path.join(maildir, "cur", "huge:2,"), "wb") as f:
                f.write(b"Subject: huge\nMessage-ID: <huge@test>\n\n")
                for _ in range(args.huge * 1024 * 1024 // len(body)):
                    f.write(body)
            os.chown(os.path.join(maildir, "cur", "huge:2,"), owner, -1)
            for tool in tools:
                w = os.path.join(state, "w-%s-huge" % tool)
                os.makedirs(w)
                os.chmod(w, 0o777)
                mbox = os.path.join(w, "out.mbox")
                argv = tool_cmd(tool, w, port, vals["FT_CA"], mbox)
                rc, wall, cpu, rss = run_timed(argv, b"",
                                               os.path.join(w, "time"))
                size = os.path.getsize(mbox) if os.path.exists(mbox) else 0
                rows.append((tool + " (%d MB msg)" % args.huge, 0, 1, wall,
                             cpu, rss, "exit %d, mbox %d MB" % (
                                 rc, size // (1024 * 1024))))
                shutil.rmtree(w, ignore_errors=True)
    finally:
        stop_servers(srv)
        shutil.rmtree(state, ignore_errors=True)
    print("%-26s %6s %6s %9s %8s %9s  %s" % ("tool", "RTT ms", "msgs",
                                            "wall s", "CPU s", "RSS KiB",
                                            "check"))
    for r in rows:
        print("%-26s %6g %6d %9.2f %8.2f %9d  %s" % r)


if __name__ == "__main__":
    main()
