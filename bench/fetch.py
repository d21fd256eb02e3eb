#!/usr/bin/env python3
"""bench/fetch.py: mfetch beside mpop, fetchmail, getmail6 and mbsync, each
fetching the same messages over POP3S or IMAPS from the test suite's Dovecot,
beside the limit of the link (../shared/bench/rawpull.py), with no added
delay and with an emulated round-trip time; one very large message, for
peak memory; and, with --big-mailbox, 10 new messages in a mailbox of
100 000.

Rows (--tools):
  POP3: mfetch, mpop, fetchmail (+ procmail), getmail, raw-pop3
  IMAP: mfetch-imap, fetchmail-imap (+ procmail), getmail-imap, mbsync,
        raw-imap
raw-pop3 and raw-imap are rawpull.py: every message pulled with the least
protocol, written raw, one fsync: the limit row of each protocol.

Corpus (deterministic, seed 42): --count messages of 2 KB to 200 KB
(log-normal, median about 15 KB) with a few 5 MB ones, with "From " lines,
">From " lines, lone dots, 8-bit text and no final newline here and there;
put straight into alice's Maildir on the server, then indexed by Dovecot
once and pulled once (untimed) so that no row pays for the server's first
look.  Every tool keeps the messages on the server and starts from an empty
state, so each run fetches them all; \\Seen is cleared before every run
(fetchmail's IMAP newness is \\Seen).  Each mbox is then read with Python's
mailbox module and every body compared (mboxrd unquoting) with the corpus;
mbsync writes a Maildir, read back file by file.  A tool that fails (or
runs past --timeout) is reported as failed and the others go on.

Prints per tool and RTT: wall time, its ratio to the limit row of the same
protocol and RTT, CPU time (user+sys of the tree) and its ratio to mpop's
at the same RTT, peak RSS (GNU time's %M: the largest process of the
tree), protocol turns and bytes through the link.

The link (--link): "tun", the default, runs each tool in a network
namespace of its own behind ../shared/bench/netdelay.py, which delays every
IP packet by RTT/2 each way, so the tool's TCP sees the round trip;
"proxy" is the TCP-level delaying proxy of benchlib, blind to TCP's window
and slow start.  Standard library only.  Needs root (the servers, the
namespaces), GNU time, iproute2, and the peers it is asked for.
"""

import argparse
import hashlib
import json
import mailbox
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

from benchlib import (TOP, Direct, ProxyLink, TunLink, run_timed,
                      start_servers, stop_servers)

BODIES = [
    b"From the start of a line\n>From quoted\n",
    b".\n..\n. x\n",
    "caf\u00e9 \u20ac 8-bit\n".encode(),
    b"no final newline",
]
LINE = (b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        b"+/abcdefghij\n")

PROTO = {"mfetch": "pop3", "mpop": "pop3", "fetchmail": "pop3",
         "getmail": "pop3", "raw-pop3": "pop3",
         "mfetch-imap": "imap", "fetchmail-imap": "imap",
         "getmail-imap": "imap", "mbsync": "imap", "raw-imap": "imap"}
ALL_TOOLS = ("mfetch,mpop,fetchmail,getmail,raw-pop3,"
             "mfetch-imap,fetchmail-imap,getmail-imap,mbsync,raw-imap")
BIG_TOOLS = "mfetch-imap,fetchmail-imap,getmail-imap,mbsync,mfetch,mpop"
EXE = {"getmail-imap": "getmail", "fetchmail-imap": "fetchmail",
       "raw-pop3": "python3", "raw-imap": "python3"}
RAWPULL = os.path.join(os.path.dirname(TOP), "shared", "bench", "rawpull.py")


def message(i, size, tag="bench"):
    """One corpus message: (Message-ID, file bytes, body hash)."""
    body = BODIES[i % len(BODIES)] + LINE * (size // len(LINE))
    if i % 9 == 4:
        body = body.rstrip(b"\n")
    mid = "<%s.%d@facteur.test>" % (tag, i)
    head = ("From: sender%d@example.org\nTo: alice@facteur.test\n"
            "Subject: %s %d\nMessage-ID: %s\n\n" % (i, tag, i, mid)).encode()
    return mid, head + body, body_hash(body)


def body_hash(body):
    return hashlib.sha256(body.rstrip(b"\n") + b"\n").hexdigest()


def make_corpus(maildir, count, seed=42):
    """Write messages into maildir/cur; return {message-id: body hash}."""
    rnd = random.Random(seed)
    os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
    want = {}
    for i in range(count):
        if i % 125 == 7:
            size = 5 * 1024 * 1024
        else:
            size = int(min(200 * 1024, max(2 * 1024,
                                           rnd.lognormvariate(9.6, 0.9))))
        mid, raw, h = message(i, size)
        with open(os.path.join(maildir, "cur", "%d.bench%d:2," % (i, i)),
                  "wb") as f:
            f.write(raw)
        want[mid] = h
    return want


def compare(got, want):
    bad = sum(1 for k in want if got.get(k) != want[k])
    if len(got) != len(want) or bad:
        return "%d of %d messages, %d bodies differ" % (len(got), len(want),
                                                        bad)
    return "ok"


def check_mbox(path, want):
    got = {}
    try:
        box = mailbox.mbox(path)
        for msg in box:
            raw = msg.as_bytes()
            body = raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
            body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
            got[msg["Message-ID"]] = body_hash(body)
    except (OSError, mailbox.Error) as e:
        return "unreadable mbox: %s" % e
    return compare(got, want)


def maildir_files(md):
    out = set()
    for sub in ("cur", "new"):
        d = os.path.join(md, sub)
        if os.path.isdir(d):
            out.update(os.path.join(d, n) for n in os.listdir(d))
    return out


def check_maildir(files, want):
    """Compare the bodies of Maildir files (mbsync's output) with want.

    CRLF is made LF first, as verify.py does: mbsync stores LF, but a
    Maildir may hold either."""
    got = {}
    for path in files:
        with open(path, "rb") as f:
            raw = f.read().replace(b"\r\n", b"\n")
        head, _, body = raw.partition(b"\n\n")
        m = re.search(rb"(?im)^message-id:\s*(\S+)", head)
        got[m.group(1).decode() if m else path] = body_hash(body)
    return compare(got, want)


def check_raw(errfile, want):
    """rawpull.py prints one JSON line; its count is all we can check."""
    try:
        with open(errfile) as f:
            res = json.loads(f.read().strip().splitlines()[-1])
    except (OSError, ValueError, IndexError):
        return "no result line"
    if res["messages"] != len(want):
        return "%d of %d messages" % (res["messages"], len(want))
    return "ok (%d messages, %.1f MB raw)" % (res["messages"],
                                              res["bytes"] / 1e6)


def write(path, text, mode=0o600):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def tool_cmd(tool, w, host, port, ca, user="alice", pw="alicepass"):
    """(argv, kind, output path) of a tool, after writing its config.

    kind: "mbox", "maildir" (mbsync) or "raw" (rawpull.py: the output is
    its JSON line, on stdout, which we read from the err file)."""
    mbox = os.path.join(w, "out.mbox")
    if tool in ("mfetch", "mfetch-imap"):
        # The POP3 row by URL, the IMAP row by keys: the same account.
        # incoming_host, not host: with a bare host and port the account
        # reads as mpop's and "protocol imap" was ignored (mfetch spoke
        # POP3 to the IMAP port).
        where = ("incoming pop3s://%s:%d\n" % (host, port)
                 if tool == "mfetch" else
                 "protocol imap\nincoming_host %s\nincoming_port %d\n"
                 "tls on\ntls_starttls off\n" % (host, port))
        write(os.path.join(w, "config"),
              "account bench\n%stls_trust_file %s\nuser %s\npassword %s\n"
              "delivery mbox,%s\nkeep on\nuidls_file %s/uids\n"
              % (where, ca, user, pw, mbox, w))
        return ([MFETCH, "-q", "-C", os.path.join(w, "config"), "bench"],
                "mbox", mbox)
    if tool == "mpop":
        write(os.path.join(w, "mpoprc"),
              "account bench\nhost %s\nport %d\ntls on\n"
              "tls_starttls off\ntls_trust_file %s\nuser %s\n"
              "password %s\ndelivery mbox %s\nkeep on\n"
              "uidls_file %s/mpop_uidls\n"
              % (host, port, ca, user, pw, mbox, w))
        return (["mpop", "-q", "-C", os.path.join(w, "mpoprc"), "bench"],
                "mbox", mbox)
    if tool in ("fetchmail", "fetchmail-imap"):
        # procmail refuses an rcfile in a world-writable directory.
        os.makedirs(os.path.join(w, "pm"), exist_ok=True)
        os.chmod(os.path.join(w, "pm"), 0o755)
        write(os.path.join(w, "pm", "procmailrc"), ":0:\n%s\n" % mbox,
              0o644)
        # IMAP: no uidl (a POP3 option); fetchmail's newness is \Seen.
        proto = "pop3 uidl" if tool == "fetchmail" else "imap"
        write(os.path.join(w, "fetchmailrc"),
              'poll %s service %d protocol %s\n'
              '  user "%s" there with password "%s"\n'
              '  ssl sslcertck sslcertfile "%s" sslcommonname "localhost" keep\n'
              '  mda "/usr/bin/procmail -f %%F -m %s/pm/procmailrc"\n'
              % (host, port, proto, user, pw, ca, w))
        return (["fetchmail", "-f", os.path.join(w, "fetchmailrc"), "--idfile",
                 os.path.join(w, "ids"), "--pidfile",
                 os.path.join(w, "pid"), "--nodetach", "-s"], "mbox", mbox)
    if tool in ("getmail", "getmail-imap"):
        gd = os.path.join(w, "getmaildir")
        os.makedirs(gd, exist_ok=True)
        os.chmod(gd, 0o777)      # getmail refuses to run as root
        imap = tool == "getmail-imap"
        # read_all: every message the state does not know (IMAP: by
        # UIDVALIDITY/UID in getmaildir's oldmail file), not only unseen.
        write(os.path.join(gd, "getmailrc"),
              "[retriever]\ntype = %s\n"
              "server = %s\nport = %d\nusername = %s\n"
              "password = %s\nca_certs = %s\n%s"
              "[destination]\ntype = Mboxrd\npath = %s\n"
              "[options]\nread_all = %s\ndelete = false\nverbose = 0\n"
              % ("SimpleIMAPSSLRetriever" if imap else
                 "SimplePOP3SSLRetriever", host, port, user, pw, ca,
                 'mailboxes = ("INBOX",)\n' if imap else "", mbox,
                 "false" if BIG else "true"), 0o644)
        open(mbox, "a").close()
        os.chmod(mbox, 0o666)
        return (["setpriv", "--reuid", "nobody", "--regid", "nogroup",
                 "--clear-groups", "getmail", "--rcfile",
                 os.path.join(gd, "getmailrc"), "--getmaildir", gd],
                "mbox", mbox)
    if tool == "mbsync":
        # mbsync checks the name in the certificate (CN=localhost), not
        # its IP address: always localhost, which also names 127.0.0.1
        # where the proxy listens.  No mbox writer: a Maildir.
        md = os.path.join(w, "maildir")
        os.makedirs(md, exist_ok=True)
        write(os.path.join(w, "mbsyncrc"),
              "IMAPAccount bench\nHost localhost\nPort %d\nUser %s\n"
              "Pass %s\nSSLType IMAPS\nCertificateFile %s\n\n"
              "IMAPStore remote\nAccount bench\n\n"
              "MaildirStore local\nPath %s/\nInbox %s/INBOX\n"
              "SubFolders Verbatim\n\n"
              "Channel bench\nFar :remote:\nNear :local:\nPatterns INBOX\n"
              "Create Near\nSync Pull\nExpunge None\nSyncState *\n"
              % (port, user, pw, ca, md, md))
        return (["mbsync", "-c", os.path.join(w, "mbsyncrc"), "-a"],
                "maildir", os.path.join(md, "INBOX"))
    if tool in ("raw-pop3", "raw-imap"):
        out = os.path.join(w, "raw.out")
        return (["python3", RAWPULL, PROTO[tool], host, str(port),
                 user, pw, ca, out], "raw", out)
    raise SystemExit("unknown tool " + tool)


class Bench:
    """The servers, and running one tool once with everything measured."""

    def __init__(self, vals, state, timeout, linkkind):
        self.linkkind = linkkind
        self.vals = vals
        self.state = state
        self.timeout = timeout
        self.conf = vals["FT_DOVECOT_CONF"]

    def doveadm(self, *args, stdin=None):
        return subprocess.run(["doveadm", "-c", self.conf] + list(args),
                              input=stdin, check=True, capture_output=True)

    def unseen(self, user, uids="1:*"):
        """Clear \\Seen: fetchmail IMAP fetches unseen mail only, and
        Dovecot's POP3 RETR sets it; every run starts alike."""
        self.doveadm("flags", "remove", "-u", user, "\\Seen",
                     "mailbox", "INBOX", "uid", uids)

    def link(self, rtt):
        ports = [self.port("mfetch"), self.port("mbsync")]
        if self.linkkind == "tun":
            return TunLink(ports, rtt, self.state)
        return ProxyLink(ports, rtt)

    def port(self, tool):
        return int(self.vals["FT_PORT_POP3S" if PROTO[tool] == "pop3"
                             else "FT_PORT_IMAPS"])

    def run(self, tool, w, link, want, user="alice", pw="alicepass",
            files_before=None):
        """Run tool in work dir w through link; returns a result dict."""
        host, port = link.addr(self.port(tool))
        argv, kind, out = tool_cmd(tool, w, host, port, self.vals["FT_CA"],
                                   user, pw)
        err = os.path.join(w, "stderr")
        if kind == "raw":
            # rawpull.py prints its JSON line on stdout: keep it.
            argv = ["sh", "-c", 'exec "$@" >&2', "sh"] + argv
        link.counters()
        rc, wall, cpu, rss = run_timed(link.wrap(argv), b"",
                                       os.path.join(w, "time"),
                                       errfile=err, timeout=self.timeout)
        r = {"tool": tool, "proto": PROTO[tool], "wall": wall, "cpu": cpu,
             "rss": rss}
        r.update(link.counters())
        if rc is None:
            r["check"] = "failed (timeout after %d s)" % self.timeout
        elif rc not in (0, 1):
            r["check"] = "failed (exit %d: %s)" % (rc, last_line(err))
        elif want is None:
            r["check"] = "ok (not checked)"
        elif kind == "mbox":
            r["check"] = check_mbox(out, want)
        elif kind == "maildir":
            r["check"] = check_maildir(maildir_files(out)
                                       - (files_before or set()), want)
        else:
            r["check"] = check_raw(err, want)
        r["ok"] = r["check"].startswith("ok")
        return r


def last_line(path):
    try:
        with open(path, "rb") as f:
            lines = f.read().decode(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:100] if lines else ""


def loadavg():
    """The 1-minute load average: other work on the machine skews a
    figure, and the figure alone does not say so."""
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


def chown_tree(top, owner):
    for root, dirs, files in os.walk(top):
        for n in dirs + files:
            os.chown(os.path.join(root, n), owner, -1)


def workdir(state, name):
    w = os.path.join(state, name)
    shutil.rmtree(w, ignore_errors=True)
    os.makedirs(w)
    os.chmod(w, 0o777)
    return w


def median_run(results):
    """The run of median wall time (of an odd number; else the lower)."""
    results = sorted(results, key=lambda r: r["wall"])
    r = dict(results[(len(results) - 1) // 2])
    r["walls"] = [x["wall"] for x in results]
    if not all(x["ok"] for x in results):
        r["check"] = next(x["check"] for x in results if not x["ok"])
        r["ok"] = False
    return r


def add_ratios(rows):
    """wall / the limit row's wall (same protocol, RTT, case), and
    CPU / mpop's CPU (same RTT, case)."""
    # A row whose bodies differ (fetchmail's mboxo) still moved every
    # message: its time counts; a failed or timed-out one does not.
    done = [r for r in rows if not r["check"].startswith("failed")]
    lim = {(r["case"], r["proto"], r["rtt"]): r["wall"] for r in done
           if r["tool"].startswith("raw-")}
    mpop = {(r["case"], r["rtt"]): r["cpu"] for r in done
            if r["tool"] == "mpop"}
    for r in rows:
        ok = r in done
        limit = lim.get((r["case"], r["proto"], r["rtt"]))
        r["xlim"] = r["wall"] / limit if limit and ok else None
        m = mpop.get((r["case"], r["rtt"]))
        r["xmpop"] = r["cpu"] / m if m and ok else None


def print_rows(rows, title):
    print("\n# " + title)
    print("%-15s %-5s %4s %6s %8s %6s %7s %6s %8s %6s %9s %9s  %s" % (
        "tool", "proto", "RTT", "msgs", "wall s", "xlimit", "CPU s",
        "xmpop", "RSS KiB", "turns", "KB up", "KB down", "check"))
    for r in rows:
        print("%-15s %-5s %4g %6d %8.2f %6s %7.2f %6s %8d %6d %9.1f %9.1f  "
              "%s%s" % (r["tool"], r["proto"], r["rtt"], r["msgs"],
                        r["wall"], "%.2f" % r["xlim"] if r["xlim"] else "-",
                        r["cpu"], "%.2f" % r["xmpop"] if r["xmpop"] else "-",
                        r["rss"], r["turns"], r["up"] / 1024.0,
                        r["down"] / 1024.0, r["check"],
                        "" if len(r.get("walls", [])) < 2 else
                        " (walls %s)" % " ".join("%.2f" % x
                                                 for x in r["walls"])))


def mixed(b, args, tools, rows):
    """The 1000 mixed messages at each RTT, then the --huge message."""
    vals, state = b.vals, b.state
    maildir = vals["FT_ALICE_MAILDIR"]
    shutil.rmtree(os.path.join(maildir, "cur"), ignore_errors=True)
    shutil.rmtree(os.path.join(maildir, "new"), ignore_errors=True)
    want = make_corpus(maildir, args.count)
    owner = os.stat(maildir).st_uid
    chown_tree(maildir, owner)
    # Dovecot indexes the new files once and every row finds the index
    # and the page cache warm: one untimed pull by each protocol.
    b.doveadm("force-resync", "-u", "alice", "INBOX")
    for tool in ("raw-pop3", "raw-imap"):
        w = workdir(state, "w-warm")
        b.run(tool, w, Direct(), want)
    for rtt in args.rtt:
        link = b.link(rtt)
        link.start()
        try:
            mixed_rtt(b, args, tools, rows, link, rtt, want)
        finally:
            link.stop()
    if args.huge > 0:
        huge(b, args, tools, rows, owner)


def mixed_rtt(b, args, tools, rows, link, rtt, want):
    for tool in tools:
        runs = []
        for n in range(args.runs):
            w = workdir(b.state, "w-%s-%g" % (tool, rtt))
            b.unseen("alice")
            r = b.run(tool, w, link, want)
            runs.append(r)
            print("# %s at %g ms: %.2f s, %s (load %s)" % (
                tool, rtt, r["wall"], r["check"], loadavg()),
                file=sys.stderr)
            shutil.rmtree(w, ignore_errors=True)
        r = median_run(runs)
        r.update(case="mixed", rtt=rtt, msgs=args.count)
        rows.append(r)


def huge(b, args, tools, rows, owner):
    """One --huge MB message, no added delay: peak memory."""
    maildir = b.vals["FT_ALICE_MAILDIR"]
    shutil.rmtree(os.path.join(maildir, "cur"), ignore_errors=True)
    os.makedirs(os.path.join(maildir, "cur"))
    body = b"x" * 75 + b"\n"
    path = os.path.join(maildir, "cur", "huge:2,")
    with open(path, "wb") as f:
        f.write(b"Subject: huge\nMessage-ID: <huge@test>\n\n")
        for _ in range(args.huge * 1024 * 1024 // len(body)):
            f.write(body)
    os.chown(path, owner, -1)
    want = {"<huge@test>": body_hash(body * (args.huge * 1024 * 1024
                                             // len(body)))}
    b.doveadm("force-resync", "-u", "alice", "INBOX")
    for tool in tools:
        w = workdir(b.state, "w-%s-huge" % tool)
        b.unseen("alice")
        r = b.run(tool, w, Direct(), want)
        r.update(case="huge", rtt=0, msgs=1)
        rows.append(r)
        shutil.rmtree(w, ignore_errors=True)


# --- the 100 000-message mailbox ------------------------------------------

def snapshot(src, dst):
    """Copy a work dir; Maildir messages (never changed in place) are
    hard links, so that a 100 000-message Maildir copies in a second."""
    shutil.rmtree(dst, ignore_errors=True)
    for root, dirs, files in os.walk(src):
        rel = os.path.relpath(root, src)
        os.makedirs(os.path.join(dst, rel), exist_ok=True)
        shutil.copystat(root, os.path.join(dst, rel))
        for n in files:
            s, d = os.path.join(root, n), os.path.join(dst, rel, n)
            if os.path.basename(root) in ("cur", "new"):
                os.link(s, d)
            else:
                shutil.copy2(s, d)


def write_oldmail(w, host, port, uidvalidity, uids):
    """getmail's state after a first run that fetched uids: its oldmail
    file (named after server, port and user) lists UIDVALIDITY/UID."""
    now = int(time.time())
    write(os.path.join(w, "getmaildir",
                       "oldmail-%s-%d-alice-INBOX" % (host, port)),
          "".join("%s/%d\0%d\n" % (uidvalidity, u, now) for u in uids),
          0o666)


def big_mailbox(b, args, tools, rows):
    vals, state = b.vals, b.state
    n = args.big_count
    maildir = vals["FT_ALICE_MAILDIR"]
    owner = os.stat(maildir).st_uid
    for name in os.listdir(maildir):
        p = os.path.join(maildir, name)
        shutil.rmtree(p) if os.path.isdir(p) else os.unlink(p)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, sub))
    # Small messages (1 to 4 KB), already \Seen ("S"): the state a first
    # fetchmail IMAP run leaves, and nothing to the others.
    rnd = random.Random(7)
    t0 = time.monotonic()
    cur = os.path.join(maildir, "cur")
    for i in range(n):
        _, raw, _ = message(i, rnd.randint(1024, 4096), "big")
        with open(os.path.join(cur, "%d.big%d:2,S" % (i, i)), "wb") as f:
            f.write(raw)
    chown_tree(maildir, owner)
    t_write = time.monotonic() - t0
    t0 = time.monotonic()
    b.doveadm("force-resync", "-u", "alice", "INBOX")
    t_sync = time.monotonic() - t0
    t0 = time.monotonic()
    b.doveadm("index", "-u", "alice", "INBOX")
    t_index = time.monotonic() - t0
    st = b.doveadm("mailbox", "status", "-u", "alice",
                   "uidvalidity uidnext messages", "INBOX").stdout.decode()
    f = dict(x.split("=") for x in st.split()[1:])
    uidvalidity, uidnext = f["uidvalidity"], int(f["uidnext"])
    print("# %d messages written in %.1f s; doveadm force-resync %.1f s, "
          "doveadm index %.1f s; uidvalidity %s, uidnext %d"
          % (n, t_write, t_sync, t_index, uidvalidity, uidnext),
          file=sys.stderr)
    rows.append({"tool": "(server)", "case": "big-setup", "proto": "-",
                 "rtt": 0, "msgs": n, "wall": t_sync + t_index, "cpu": 0,
                 "rss": 0, "turns": 0, "up": 0, "down": 0, "ok": True,
                 "check": "write %.1f s, force-resync %.1f s, index %.1f s"
                 % (t_write, t_sync, t_index)})

    # First runs: each tool learns the 100 000 (untimed by the
    # comparison, but shown).  fetchmail's state is the \Seen flags;
    # getmail's oldmail file is written (fetching 100 000 messages one
    # round trip each would take getmail half an hour), see below.
    snaps = {}
    for tool in tools:
        w = workdir(state, "w-big-%s" % tool)
        if tool in ("fetchmail-imap", "getmail-imap"):
            tool_cmd(tool, w, "localhost", 1, vals["FT_CA"])  # the dirs
            r = {"tool": tool, "wall": 0, "cpu": 0, "rss": 0, "turns": 0,
                 "up": 0, "down": 0, "ok": True, "proto": PROTO[tool],
                 "check": "state seeded (%s)" % (
                     "all \\Seen" if tool == "fetchmail-imap" else
                     "oldmail file of %d UIDs" % n)}
        else:
            # The host name of the timed runs: mpop's UID list is
            # per user@host, and would not know the messages otherwise.
            direct = Direct(b.link(0).addr(b.port(tool))[0])
            r = b.run(tool, w, direct, None)
            # Not parsed: count the messages it wrote instead.
            _, kind, out = tool_cmd(tool, w, direct.host, b.port(tool),
                                    vals["FT_CA"])
            r["ok"] = not r["check"].startswith("failed")
            if r["ok"]:
                got = (len(maildir_files(out)) if kind == "maildir" else
                       count_from_lines(out))
                r["check"] = "%d of %d messages" % (got, n)
            if kind == "mbox" and os.path.exists(out):
                os.unlink(out)
        r.update(case="big-first", rtt=0, msgs=n)
        rows.append(r)
        print("# first run %s: %.1f s, %s (load %s)" % (
            tool, r["wall"], r["check"], loadavg()), file=sys.stderr)
        snaps[tool] = w + ".snap"
        snapshot(w, snaps[tool])

    # Ten new messages, delivered as a delivery agent would (the index is
    # updated; no resync of 100 000 files on the next login).
    want = {}
    new = []
    for i in range(10):
        mid, raw, h = message(i, 3000 + 1000 * i, "new")
        want[mid] = h
        new.append(raw)
        b.doveadm("save", "-u", "alice", "-m", "INBOX", stdin=raw)
    # The same ten alone in bob's mailbox: the cost of 10 messages.
    for raw in new:
        b.doveadm("save", "-u", "bob", "-m", "INBOX", stdin=raw)

    for rtt in args.rtt:
        link = b.link(rtt)
        link.start()
        try:
            for tool in tools:
                big_rtt(b, args, tool, rows, link, rtt, snaps[tool], want,
                        uidvalidity, uidnext)
        finally:
            link.stop()


def big_rtt(b, args, tool, rows, link, rtt, snap, want, uidvalidity,
            uidnext):
    w = os.path.join(b.state, "w-big-%s" % tool)
    runs = []
    for k in range(args.runs):
        snapshot(snap, w)
        if tool == "getmail-imap":
            host, port = link.addr(b.port(tool))
            write_oldmail(w, host, port, uidvalidity, range(1, uidnext))
        before = (maildir_files(os.path.join(w, "maildir", "INBOX"))
                  if tool == "mbsync" else None)
        b.unseen("alice", "%d:*" % uidnext)
        runs.append(b.run(tool, w, link, want, files_before=before))
    r = median_run(runs)
    r.update(case="big-10-new", rtt=rtt, msgs=10)
    rows.append(r)
    print("# %s, 10 new of %d, %g ms: %.2f s, %s (load %s)" % (
        tool, args.big_count + 10, rtt, r["wall"], r["check"], loadavg()),
        file=sys.stderr)
    runs = []
    for k in range(args.runs):
        w10 = workdir(b.state, "w-10-%s" % tool)
        b.unseen("bob")
        runs.append(b.run(tool, w10, link, want, "bob", "bobpass"))
        shutil.rmtree(w10, ignore_errors=True)
    r = median_run(runs)
    r.update(case="10-only", rtt=rtt, msgs=10)
    rows.append(r)
    print("# %s, 10 of 10, %g ms: %.2f s, %s (load %s)" % (
        tool, rtt, r["wall"], r["check"], loadavg()), file=sys.stderr)


def count_from_lines(mbox):
    n = 0
    try:
        with open(mbox, "rb") as f:
            prev_blank = True
            for line in f:
                if prev_blank and line.startswith(b"From "):
                    n += 1
                prev_blank = line == b"\n"
    except OSError:
        pass
    return n


def main():
    global MFETCH, BIG
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--rtt", type=float, nargs="+", default=[0, 20, 100])
    ap.add_argument("--tools", default=None,
                    help="comma-separated rows (default: all; with "
                    "--big-mailbox: %s)" % BIG_TOOLS)
    ap.add_argument("--huge", type=int, default=200,
                    help="size in MB of the one-message run (0: none)")
    ap.add_argument("--runs", type=int, default=1,
                    help="runs per cell; the median is shown")
    ap.add_argument("--timeout", type=int, default=900,
                    help="seconds before a run is killed and failed")
    ap.add_argument("--link", choices=("tun", "proxy"), default="tun",
                    help="tun: packet-level delay (netdelay.py, the "
                    "default); proxy: the TCP-level delaying proxy")
    ap.add_argument("--big-mailbox", action="store_true",
                    help="instead: 10 new messages in a mailbox of "
                    "--big-count, beside 10 in a mailbox of 10")
    ap.add_argument("--big-count", type=int, default=100000)
    ap.add_argument("--mfetch", default=os.path.join(os.getcwd(), "fetch",
                                                     "mfetch"))
    args = ap.parse_args()
    MFETCH = os.path.abspath(args.mfetch)
    BIG = args.big_mailbox
    asked = (args.tools or (BIG_TOOLS if BIG else ALL_TOOLS)).split(",")
    for t in asked:
        if t not in PROTO:
            ap.error("unknown tool %s (choose from %s)" % (t, ALL_TOOLS))
    tools = [t for t in asked if t.startswith("mfetch") or
             shutil.which(EXE.get(t, t)) is not None]
    missing = set(asked) - set(tools)
    if missing:
        print("# not installed, left out: %s" % ", ".join(sorted(missing)),
              file=sys.stderr)
    if any(t.startswith("raw-") for t in tools) and \
            not os.path.exists(RAWPULL):
        raise SystemExit("fetch.py: %s: not found" % RAWPULL)
    state = tempfile.mkdtemp(prefix="facteur-fbench.")
    os.chmod(state, 0o755)
    srv, vals = start_servers(state)
    rows = []
    print("# load average at start: %s" % loadavg(), file=sys.stderr)
    try:
        b = Bench(vals, state, args.timeout, args.link)
        (big_mailbox if BIG else mixed)(b, args, tools, rows)
    finally:
        stop_servers(srv)
        shutil.rmtree(state, ignore_errors=True)
        print("# load average at end: %s" % loadavg(), file=sys.stderr)
        add_ratios(rows)
        for case in ("mixed", "huge", "big-setup", "big-first",
                     "big-10-new", "10-only"):
            part = [r for r in rows if r["case"] == case]
            if part:
                print_rows(part, case)


if __name__ == "__main__":
    main()
