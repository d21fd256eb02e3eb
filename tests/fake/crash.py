#!/usr/bin/env python3
"""crash.py: mfetch's crash safety (issue 10, section 2), fast: no root, no
real server.  Prints TAP; standard library only.

A POP3 server of our own (threads, 127.0.0.1, an ephemeral port, plain
TCP) keeps a maildrop per user across connections, deletes only at QUIT
(RFC 1939) and throttles RETR, so that kills land in the middle of large
messages (2-6 MB).  Each message has a unique Message-ID and an X-Check
header, the SHA-256 of its body as it must be delivered (LF line ends: the
server sends CRLF and dot-stuffs); bodies are full of "From " and "." lines.

 1. kill -9 of mfetch's whole process group (and, for the MDA, of mfetch
    alone, as the OOM killer does) at random instants, for mbox, Maildir
    and an MDA, keep off and on; between kills another program appends
    its own message to the mbox.  Then a run to completion and the checks.
 2. SIGTERM, SIGINT, SIGHUP to mfetch: exit 75 within 2 s, nothing left.
 3. Two accounts, --jobs=2, the parent killed: the children go too.
 4. An MDA that never ends, --timeout=2: killed, exit 75, message kept.

Environment: MFETCH and TOP_BUILDDIR (from make check); CRASH_SEED (seed
of every random choice, printed; "random" for a new one), CRASH_RATE
(MB/s, default 30), CRASH_KILLS (per sink and keep, default 8),
CRASH_TIMEOUT (for everything, default 180 s), CRASH_KEEP=1 (keep the
mailboxes of a failed run, not only its logs).  Only
processes started here are signalled: by PID, or by the PGID of a session
created here.  "crash.py mda OUT MARKER" and "crash.py sleeper PIDFILE"
are the MDAs the tests use.
"""

import fcntl
import hashlib
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

MB = 1 << 20
MFETCH = os.environ.get("MFETCH", "")
BUILD = os.environ.get("TOP_BUILDDIR", os.getcwd())
RATE = float(os.environ.get("CRASH_RATE", "30")) * MB
KILLS = int(os.environ.get("CRASH_KILLS", "8"))
GLOBAL_TIMEOUT = int(os.environ.get("CRASH_TIMEOUT", "180"))
KEEP_FILES = os.environ.get("CRASH_KEEP", "") == "1"
_seed = os.environ.get("CRASH_SEED", "")
SEED = (random.SystemRandom().randrange(1 << 31) if _seed == "random"
        else int(_seed or "20261123"))
rng = random.Random(SEED)
n_tests = n_failed = 0
groups = []             # PGIDs of the sessions started here
sinks = []
server = TMP = ENV = None


def tap(ok, desc, diag=""):
    global n_tests, n_failed
    n_tests += 1
    n_failed += not ok
    print("%s %d - %s" % ("ok" if ok else "not ok", n_tests, desc))
    for line in ("" if ok else diag).rstrip("\n").splitlines()[:30]:
        print("#   " + line)


def note(text):
    print("# " + text)


def sha(b):
    return hashlib.sha256(b).hexdigest()


# ---------------------------------------------------------------- messages

# Lines that mboxrd quoting, POP3 dot-stuffing and the CR LF to LF
# conversion (a bare CR stays) must get right.
SPECIAL = [b"From here on", b">From quoted once", b">>From quoted twice",
           b"From", b"From  two spaces", b".", b"..", b"...", b". dot space",
           b".leading dot", b"", b"", b"trailing spaces   ", b"\tindented",
           b"x" * 1500, b"bare\rCR inside", b"CR at the end\r"]
WORDS = [w.encode() for w in "alpha bravo charlie delta echo foxtrot golf "
         "hotel india juliet kilo lima mike oscar papa romeo sierra tango "
         "caf\u00e9 \u20ac 0 42 (x) [y] =?utf-8?q?z?= <a@b> ; : -- ... >"
         .split()]


class Msg:
    """A server message; wire is what RETR sends (CRLF, dot-stuffed, the
    final dot), sha the SHA-256 of the body as delivered (LF)."""
    pool = None

    def __init__(self, tag, i, size):
        if Msg.pool is None:
            Msg.pool = SPECIAL * 12 + [b" ".join(rng.choices(
                WORDS, k=rng.randint(1, 16))) for _ in range(3000)]
        self.mid = "<%s.%d.%d@crash.test>" % (tag, i, SEED)
        self.uid = "%s-%d-%d" % (tag, i, SEED)
        body = (b"\n".join(rng.choices(Msg.pool, k=max(1, size // 46))) +
                b"\nend of " + self.mid.encode() + b"\n")
        self.sha, self.body_len = sha(body), len(body)
        lf = ("Return-Path: <sender%d@example.org>\nFrom: Sender "
              "<sender%d@example.org>\nTo: u@example.test\nSubject: crash "
              "test %d\nMessage-ID: %s\nX-Check: %s\n\n" % (
                  i, i, i, self.mid, self.sha)).encode() + body
        crlf = lf.replace(b"\n", b"\r\n")
        self.size = len(crlf)
        self.wire = re.sub(rb"(?m)^\.", b"..", crlf) + b".\r\n"


class Foreign:
    """A message another program (procmail, a mail client) appends to the
    mbox: its From_ line and trailing blank line included."""

    def __init__(self, n, midline):
        self.mid, self.midline = "<f.%d.%d@foreign.test>" % (n, SEED), midline
        self.raw = ("From other@example.net Thu Nov 23 10:00:%02d 2026\n"
                    "From: other@example.net\nMessage-ID: %s\nSubject: "
                    "appended by another program\n\nforeign body %d\n"
                    "second line\n\n" % (n % 60, self.mid, n)).encode()


# ------------------------------------------------------------------ server

class Pop3Server:
    """POP3 (RFC 1939; CAPA: USER, UIDL, PIPELINING) on 127.0.0.1, a thread
    per connection.  One maildrop per user, persistent across connections;
    a session sees the maildrop as it was at PASS, its DELEs take effect at
    QUIT's +OK only.  RETR goes at the maildrop's rate (bytes/s), in 64 KiB
    pieces; progress[user] says what that user's last session is doing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.drops, self.rates, self.progress = {}, {}, {}
        # on_dele(user, msg): called at each DELE before its answer (a
        # witness of the delivery order; groupcommit.py).
        self.on_dele = None
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self.serve, daemon=True).start()

    def add(self, user, msgs, rate=None):
        with self.lock:
            self.drops[user] = self.drops.get(user, []) + list(msgs)
            self.rates[user] = rate or self.rates[user]

    def drop(self, user):
        with self.lock:
            return list(self.drops[user])

    def serve(self):
        while True:
            c, _ = self.sock.accept()
            threading.Thread(target=self.session, args=(c,),
                             daemon=True).start()

    def session(self, c):
        try:
            self.converse(c)
        except (OSError, ValueError):
            pass                # the client is gone: nothing is deleted
        finally:
            c.close()

    def converse(self, c):
        c.settimeout(60)
        # A small send buffer: progress stays close to what mfetch read.
        c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 1024)
        rf, send = c.makefile("rb"), c.sendall
        user, msgs, deleted = None, None, set()
        send(b"+OK crash.py ready\r\n")

        def pick(arg):          # message number arg[0], if not deleted
            if arg and arg[0].isdigit() and 0 < int(arg[0]) <= len(msgs):
                m = msgs[int(arg[0]) - 1]
                return None if m in deleted else m
            return None

        def listing(val):       # UIDL and LIST, all or one
            if not arg:
                return b"+OK\r\n" + b"".join(
                    b"%d %s\r\n" % (i + 1, val(m)) for i, m in
                    enumerate(msgs) if m not in deleted) + b".\r\n"
            return (b"+OK %s %s\r\n" % (arg[0].encode(), val(pick(arg)))
                    if pick(arg) else b"-ERR no such message\r\n")

        while True:
            line = rf.readline(1024)
            if not line:
                return
            words = line.decode("ascii", "replace").split()
            cmd, arg = (words[0].upper(), words[1:]) if words else ("", [])
            if user in self.progress and cmd not in ("RETR", "DELE"):
                self.progress[user] = "after %s" % cmd
            if cmd == "CAPA":
                send(b"+OK\r\nUSER\r\nUIDL\r\nPIPELINING\r\n.\r\n")
            elif cmd == "QUIT":
                if msgs is not None and deleted:
                    with self.lock:
                        self.drops[user] = [m for m in self.drops[user]
                                            if m not in deleted]
                send(b"+OK bye\r\n")
                return
            elif cmd == "USER" and msgs is None and arg:
                user = arg[0]
                self.progress[user] = "logging in"
                send(b"+OK\r\n")
            elif cmd == "PASS" and msgs is None and user in self.drops:
                msgs = self.drop(user)
                send(b"+OK logged in\r\n")
            elif msgs is None:
                send(b"-ERR log in first\r\n")
            elif cmd in ("NOOP", "RSET"):
                if cmd == "RSET":
                    deleted.clear()
                send(b"+OK\r\n")
            elif cmd == "STAT":
                live = [m for m in msgs if m not in deleted]
                send(b"+OK %d %d\r\n" % (len(live),
                                         sum(m.size for m in live)))
            elif cmd == "UIDL":
                send(listing(lambda m: m.uid.encode()))
            elif cmd == "LIST":
                send(listing(lambda m: b"%d" % m.size))
            elif cmd == "RETR" and pick(arg):
                send(b"+OK %d octets\r\n" % pick(arg).size)
                self.send_msg(c, user, arg[0], pick(arg))
            elif cmd == "DELE" and pick(arg):
                if self.on_dele is not None:
                    self.on_dele(user, pick(arg))
                deleted.add(pick(arg))
                self.progress[user] = "after DELE " + arg[0]
                send(b"+OK deleted\r\n")
            else:
                send(b"-ERR no\r\n")

    def send_msg(self, c, user, n, m):
        rate, t0, off, mv = (self.rates[user], time.monotonic(), 0,
                             memoryview(m.wire))
        while off < len(mv):
            c.sendall(mv[off:off + 65536])
            off = min(off + 65536, len(mv))
            self.progress[user] = ("RETR %s %s: %.1f of %.1f MB sent" % (
                n, m.mid, off / MB, len(mv) / MB))
            delay = t0 + off / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        self.progress[user] = "RETR %s %s: sent whole" % (n, m.mid)


# --------------------------------------------------------------- processes

def spawn(argv, log):
    """Start argv in a new session (its PGID is its PID), output to log."""
    with open(log, "ab") as out:
        out.write(("\n$ %s\n" % " ".join(map(shlex.quote, argv))).encode())
        out.flush()
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, cwd=TMP, env=ENV,
                             start_new_session=True)
    groups.append(p.pid)
    return p


def wait(p, secs):
    """p's exit status (negative: its signal), or None if still running."""
    try:
        return p.wait(secs)
    except subprocess.TimeoutExpired:
        return None


def procs():
    """(pid, state, ppid, pgrp) of every process, zombies left out."""
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/stat" % name) as f:
                s = f.read()
        except OSError:
            continue
        f = s[s.rindex(")") + 2:].split()
        if f[0] != "Z":
            yield int(name), f[0], int(f[1]), int(f[2])


def alive(pid):
    return any(p == pid for p, _, _, _ in procs())


def members(pgid):
    return [p for p, _, _, g in procs() if g == pgid]


def kill_group(pgid):
    """SIGKILL what is left of a session started here; once it is empty,
    forget it (its number may be reused by someone else's session)."""
    if members(pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if not settle(pgid, 2) and pgid in groups:
        groups.remove(pgid)


def until(cond, secs):
    """Poll cond every 50 ms until it holds, for secs at most."""
    end = time.monotonic() + secs
    while not cond() and time.monotonic() < end:
        time.sleep(0.05)
    return cond()


def settle(pgid, secs):
    """Wait up to secs for a group to end; what is left of it."""
    until(lambda: not members(pgid), secs)
    return members(pgid)


def run(argv, log, secs=60):
    """Run argv to its end (secs at most); its exit status."""
    p = spawn(argv, log)
    rc = wait(p, secs)
    kill_group(p.pid)
    return rc


def output(log, n=15):
    """The first n lines of what the last run in log printed."""
    try:
        with open(log, "rb") as f:
            text = f.read().decode("utf-8", "replace")
    except OSError:
        return ""
    lines = text.rsplit("\n$ ", 1)[-1].splitlines()[1:]
    return "\n".join(lines[:n]) if lines else "(no output)"


def describe_rc(rc):
    if rc is None:
        return "still running"
    if rc < 0:
        return "killed by %s (no handler)" % signal.Signals(-rc).name
    return "exit status %d" % rc


# ---------------------------------------------------------------- the MDAs

def mda_main(out, marker):
    """An atomic MDA: reads its input whole into a file of its own, then
    renames it into out.  As a real MDA it delivers whatever it got, but it
    notes in marker a message whose body does not match its X-Check."""
    data = sys.stdin.buffer.read()
    fd, tmp = tempfile.mkstemp(dir=out + ".tmp")
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
    head, sep, body = data.partition(b"\n\n")
    m = re.search(rb"(?im)^X-Check: *([0-9a-f]{64})", head)
    os.rename(tmp, os.path.join(out, "%d.%d" % (time.time_ns(),
                                                os.getpid())))
    if not (sep and m and sha(body) == m.group(1).decode()):
        with open(marker, "a") as f:
            f.write("MDA %d got %d bytes, X-Check %s\n" % (
                os.getpid(), len(data), "mismatch" if m else "missing"))


def sleeper_main(pidfile):
    """An MDA that reads its input, then never ends."""
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    sys.stdin.buffer.read()
    time.sleep(600)


# ------------------------------------------------------- sinks, verifiers

class Sink:
    """A delivery target in a directory of its own: the --delivery value,
    the messages in it, what a stopped run must not leave behind."""

    def __init__(self, kind, name):
        self.kind, self.dir = kind, os.path.join(TMP, name)
        self.path = os.path.join(self.dir, kind)
        self.marker = os.path.join(self.dir, "TRUNCATED")
        self.uids = os.path.join(self.dir, "uids")
        self.log = os.path.join(self.dir, "log")
        os.makedirs(self.dir)
        sinks.append(self)
        if kind == "mda":
            os.makedirs(self.path)
            os.makedirs(self.path + ".tmp")

    def delivery(self):
        if self.kind != "mda":
            return "%s,%s" % (self.kind, self.path)
        return "mda," + " ".join(map(shlex.quote, (
            sys.executable, os.path.abspath(__file__), "mda", self.path,
            self.marker)))

    def messages(self):
        """[(where, message as delivered, raw bytes)]."""
        if self.kind == "mbox":
            return mbox_messages(self.path)
        r = []
        for d in ([self.path + "/new", self.path + "/cur"]
                  if self.kind == "maildir" else [self.path]):
            for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
                with open(os.path.join(d, name), "rb") as f:
                    data = f.read()
                r.append((os.path.basename(d) + "/" + name, data, data))
        return r

    def tmp_files(self):
        tmp = os.path.join(self.path, "tmp")
        return set(os.listdir(tmp)) if os.path.isdir(tmp) else set()

    def leftovers(self, old=()):
        """What a stopped run left behind (tmp/ files not in old)."""
        left = []
        if self.kind == "mbox" and os.path.exists(self.path + ".lock"):
            left.append("lock file " + self.path + ".lock")
        if self.tmp_files() - set(old):
            left.append("%d files left in tmp/" % len(self.tmp_files() -
                                                      set(old)))
        if self.kind == "mda" and os.path.exists(self.marker):
            with open(self.marker) as f:
                left.append("truncated deliveries:\n" + f.read())
        return left

    def ends_midline(self):
        if not os.path.exists(self.path):
            return False
        with open(self.path, "rb") as f:
            return f.seek(0, 2) > 0 and f.seek(-1, 2) and f.read(1) != b"\n"


def mbox_messages(path):
    """Split an mbox at lines starting "From ": each message without its
    From_ line, mboxrd-unquoted, one line end at its end (blank lines
    between messages do not matter: no body ends with one)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    starts = [m.start() for m in re.finditer(rb"(?m)^From ", data)]
    if data and (not starts or starts[0] != 0):
        starts.insert(0, 0)     # bytes before the first From_: a fragment
    r = []
    for s, e in zip(starts, starts[1:] + [len(data)]):
        raw = data[s:e]
        msg = raw.split(b"\n", 1)[-1] if raw.startswith(b"From ") else raw
        msg = re.sub(rb"(?m)^>(>*From )", rb"\1", msg).rstrip(b"\n") + b"\n"
        r.append(("offset %d" % s, msg, raw))
    return r


def batch_max(kind, msgs):
    """How many messages a kill may deliver twice (fetch/engine.h): the
    MDA records each as soon as it is delivered (the one in flight);
    an mbox or a Maildir one batch, up to 64 messages, closed once it
    holds 8 MiB (so at most one message past it)."""
    if kind == "mda":
        return 1
    return min(64, (8 * MB - 1) // min(m.body_len for m in msgs) + 1)


def verify(sink, label, msgs, kills, foreign, per_kill=None):
    """The checks of a sink after the final run; per_kill duplicates may
    follow each kill (default: one batch, batch_max())."""
    if per_kill is None:
        per_kill = batch_max(sink.kind, msgs)
    byid, fmap = {m.mid: m for m in msgs}, {f.mid: f for f in foreign}
    count, fcount, bad = dict.fromkeys(byid, 0), dict.fromkeys(fmap, 0), []
    for where, msg, raw in sink.messages():
        head, _, body = msg.partition(b"\n\n")
        mid = re.search(rb"(?im)^Message-ID: *(.*)$", head)
        mid = mid.group(1).decode("ascii", "replace").strip() if mid else ""
        if mid in byid and sha(body) == byid[mid].sha:
            count[mid] += 1
        elif mid in fmap and raw.rstrip(b"\n") == fmap[mid].raw.rstrip(b"\n"):
            fcount[mid] += 1
        elif mid in byid:
            glued = [f.mid for f in foreign if f.mid.encode() in body]
            bad.append("%s: %s, body %d bytes of %d%s" % (
                where, mid, len(body), byid[mid].body_len,
                ", foreign %s glued inside" % glued[0] if glued else
                " (truncated)" if len(body) < byid[mid].body_len else
                " (more glued to it)"))
        else:
            bad.append("%s: %d bytes, %s, starting %r" % (
                where, len(raw), mid or "no Message-ID", raw[:50]))
    missing = [m for m in byid if count[m] == 0]
    dups = sum(c - 1 for c in count.values() if c > 1)
    tap(not missing, "%s: every server message delivered whole" % label,
        "no whole copy of " + ", ".join(missing))
    tap(dups <= kills * per_kill, "%s: at most %d duplicate%s per kill (%d "
        "duplicates, %d kills)" % (label, per_kill, "s" if per_kill > 1
                                   else "", dups, kills))
    tap(not bad, "%s: no fragment (each message whole: body matches "
        "X-Check, or an intact foreign message)" % label,
        "%d bad:\n%s" % (len(bad), "\n".join(bad)))
    for midline in (False, True):
        fs = [f for f in foreign if f.midline == midline]
        wrong = ["%s found %d times" % (f.mid, fcount[f.mid]) for f in fs
                 if fcount[f.mid] != 1]
        if fs:
            tap(not wrong, "%s: each foreign message appended %s is there "
                "once, byte for byte (%d)" % (label, "right after the "
                                              "file's last byte" if midline
                                              else "on a line of its own",
                                              len(fs)), "\n".join(wrong))
    if sink.kind != "mbox":
        tap(not sink.leftovers(), "%s: %s" % (label, {
            "maildir": "tmp/ is empty", "mda": "no TRUNCATED marker"}[
            sink.kind]), "\n".join(sink.leftovers()))


# ------------------------------------------------------------------ driver

def mfetch_argv(user, sink, keep, extra=(), delivery=None):
    return [MFETCH, "--host=127.0.0.1", "--port=%d" % server.port,
            "--tls=off", "--auth=user", "--auth-plaintext", "--user=" + user,
            "--passwordeval=echo p", "--delivery=" + (delivery or
                                                      sink.delivery()),
            "--keep=" + keep, "--uidls-file=" + sink.uids] + list(extra)


def unfetched(user, uids):
    """Bytes the next run will fetch: the messages on the server that are
    not recorded (state file and journal) as delivered."""
    done = set()
    for path in (uids, uids + ".journal"):
        if os.path.exists(path):
            with open(path) as f:
                done.update(l.split()[1] for l in f if len(l.split()) > 1)
    return sum(m.size for m in server.drop(user) if m.uid not in done)


def refill(user, msgs, new=None):
    """Put new messages (3 of 2-6 MB by default) on the server, in msgs."""
    new = new or [Msg(user, len(msgs) + i, rng.randint(2 * MB, 6 * MB))
                  for i in range(3)]
    msgs += new
    server.add(user, new)


def random_delay(user, uids, msgs):
    """A random instant within the time the next run will take.  When all
    is fetched, 3 new messages go to the server first, so that every kill
    may land in the middle of a message."""
    if unfetched(user, uids) == 0:
        refill(user, msgs)
        note("  all fetched: 3 more messages on the server")
    return rng.uniform(0.04, 0.15 + unfetched(user, uids) /
                       server.rates[user])


def append_foreign(sink, n, midline):
    """Another program appends a message to the mbox, removing a stale
    lock first (its PID gone), as procmail forces one after a timeout."""
    f, lock = Foreign(n, midline), sink.path + ".lock"
    if os.path.exists(lock):
        with open(lock) as lf:
            pid = lf.read().strip()
        if pid.isdigit() and alive(int(pid)):
            note("  %s held by a live process: nothing appended" % lock)
            return None
        os.unlink(lock)
    ended = sink.ends_midline()
    fd = os.open(sink.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(fd, (b"\n" if ended and not midline else b"") + f.raw)
        os.fsync(fd)
    finally:
        os.close(fd)
    note("  foreign %s appended %s (the mbox ended %s)" % (
        f.mid, "right after its last byte" if midline else
        "on a line of its own", "mid-line" if ended else "with a line end"))
    return f


def final_run(sink, user, argv, keep, msgs, kills, foreign, label):
    """A run to completion, then the checks of the sink and the maildrop;
    with keep on, one more run that must fetch nothing."""
    rc = run(argv, sink.log)
    tap(rc == 0, "%s: the run after %d interruptions succeeds" % (
        label, kills), "%s\n%s" % (describe_rc(rc), output(sink.log)))
    verify(sink, label, msgs, kills, foreign)
    left = server.drop(user)
    if keep == "off":
        tap(not left, "%s: the maildrop is empty at the end" % label,
            "%d messages left on the server" % len(left))
        return
    tap(len(left) == len(msgs), "%s: the maildrop still holds all %d "
        "messages" % (label, len(msgs)), "%d left" % len(left))
    before = [(w, sha(m)) for w, m, _ in sink.messages()]
    rc = run(argv, sink.log)
    same = before == [(w, sha(m)) for w, m, _ in sink.messages()]
    tap(rc == 0 and same and re.search(r"\b0 messages fetched",
                                       output(sink.log, 100)),
        "%s: a further run fetches nothing new" % label, "%s, sink %s\n%s" % (
            describe_rc(rc), "unchanged" if same else "changed",
            output(sink.log)))


def kill_campaign(kind, keep, msgs):
    """KILLS kill -9 at random instants, then the checks.  The whole
    process group is killed; for the MDA every other kill hits mfetch
    alone (the OOM killer), and its MDA may go on."""
    user = label = "%s-keep-%s" % (kind, keep)
    msgs = list(msgs)
    server.add(user, msgs, RATE)
    sink = Sink(kind, user)
    argv = mfetch_argv(user, sink, keep)
    kills, foreign = 0, []
    note("%s: %d kill -9" % (label, KILLS))
    for i in range(KILLS):
        delay = random_delay(user, sink.uids, msgs)
        server.progress[user] = "not logged in yet"
        p = spawn(argv, sink.log)
        time.sleep(delay)
        where, alone = server.progress[user], kind == "mda" and i % 2 == 1
        if p.poll() is None:
            (os.kill if alone else os.killpg)(p.pid, signal.SIGKILL)
            kills += 1
            what = "%s killed at %.2f s (%s)" % (
                "mfetch alone" if alone else "group", delay, where)
        else:
            what = "ended (%s) before %.2f s" % (describe_rc(p.returncode),
                                                  delay)
        wait(p, 10)
        settle(p.pid, 5)        # an MDA left alone finishes its delivery
        kill_group(p.pid)
        if kind == "mbox":
            what += "; the mbox ends %s" % ("mid-line" if sink.ends_midline()
                                            else "with a line end")
        note("  run %d: %s" % (i + 1, what))
        if kind == "mbox" and i % 2 == 1:
            f = append_foreign(sink, len(foreign) + 100 * (keep == "on"),
                               midline=i % 4 == 3)
            foreign += [f] if f else []
    final_run(sink, user, argv, keep, msgs, kills, foreign, label)


def signal_campaign(kind, msgs):
    """SIGTERM, SIGINT, SIGHUP to mfetch alone at random instants; each
    run checked at once, the sink after a final run."""
    user = "%s-signals" % kind
    msgs = list(msgs)
    server.add(user, msgs, RATE)
    sink = Sink(kind, user)
    argv = mfetch_argv(user, sink, "off")
    n = 0
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        label = "%s %s" % (kind, sig.name)
        for attempt in range(3):
            delay = random_delay(user, sink.uids, msgs) / (attempt + 1)
            server.progress[user] = "not logged in yet"
            old = sink.tmp_files()
            p = spawn(argv, sink.log)
            time.sleep(delay)
            where = server.progress[user]
            if p.poll() is None:
                break
            kill_group(p.pid)
        else:
            tap(True, "%s # SKIP mfetch ended before the signal" % label)
            continue
        os.kill(p.pid, sig)
        n += 1
        t0 = time.monotonic()
        rc = wait(p, 2.0)
        if rc is None:
            rc = wait(p, 8.0)
        took = time.monotonic() - t0
        tap(rc == 75 and took <= 2.0, "%s at %.2f s (%s): mfetch exits 75 "
            "within 2 s" % (label, delay, where), "%s after %.2f s\n%s" % (
                describe_rc(rc), took, output(sink.log, 5)))
        left = settle(p.pid, 3.0)
        problems = sink.leftovers(old) + (["processes of its group still "
                                        "running: %s" % left] if left else [])
        kill_group(p.pid)
        wait(p, 5)
        tap(not problems, "%s: no lock file, no tmp/ file, no MDA left, no "
            "truncated delivery" % label, "\n".join(problems))
        if os.path.exists(sink.marker):         # reported: start afresh
            os.rename(sink.marker, "%s.%d" % (sink.marker, n))
    final_run(sink, user, argv, "off", msgs, n, [], "%s signals" % kind)


def jobs_campaign(msgs):
    """Two accounts, --jobs=2.  SIGKILL to the parent alone: the children
    must go within 2 s (they get SIGTERM and roll back); SIGTERM to the
    parent: it exits 75 within 2 s, its children too.  Both followed by a
    run to completion and the checks of both mboxes."""
    users = ("jobs-1", "jobs-2")
    conf, boxes, drops = os.path.join(TMP, "jobs.conf"), {}, {}
    with open(conf, "w") as f:
        f.write("defaults\ntls off\nauth user\nauth_plaintext on\n"
                "password p\nkeep off\nincoming_host 127.0.0.1\n"
                "incoming_port %d\n" % server.port)
        for u in users:
            drops[u] = []
            server.add(u, [], RATE)
            boxes[u] = Sink("mbox", u)
            f.write("\naccount %s\nuser %s\ndelivery %s\nuidls_file %s\n" % (
                u, u, boxes[u].delivery(), boxes[u].uids))
    os.chmod(conf, 0o600)
    argv, log = [MFETCH, "-C", conf, "--jobs=2"], os.path.join(TMP, "jobs")
    for n, sig in enumerate((signal.SIGKILL, signal.SIGTERM)):
        label = "jobs %s" % sig.name
        for u in users:                 # a run lasts about 6 s
            k = len(drops[u])
            refill(u, drops[u], msgs if n == 0 else None)
            server.rates[u] = sum(m.size for m in drops[u][k:]) / 6.0
        p = spawn(argv, log)
        until(lambda: sum(pp == p.pid for _, _, pp, _ in procs()) >= 2, 5)
        time.sleep(rng.uniform(0.5, 1.5))
        children = [c for c, _, pp, _ in procs() if pp == p.pid]
        where = "; ".join(server.progress.get(u, "") for u in users)
        os.kill(p.pid, sig)
        rc = wait(p, 2)
        if sig == signal.SIGTERM:
            tap(rc == 75, "%s: the parent exits 75 within 2 s" % label,
                describe_rc(rc))
        wait(p, 5)
        until(lambda: not any(map(alive, children)), 2)
        left = [c for c in children if alive(c)]
        tap(bool(children and not left), "%s to the parent (%s): its "
            "children exit within 2 s" % (label, where), "children %s, "
            "still running after 2 s: %s\n%s" % (children, left,
                                                 output(log, 5)))
        settle(p.pid, 10)
        kill_group(p.pid)
        problems = [u + ": " + s for u in users for s in boxes[u].leftovers()]
        tap(not problems, "%s: no lock file left" % label,
            "\n".join(problems))
        rc = run(argv, log)
        tap(rc == 0, "%s: the run after it succeeds" % label, "%s\n%s" % (
            describe_rc(rc), output(log)))
        for u in users:
            verify(boxes[u], "%s %s" % (label, u), drops[u], n + 1, [])
            tap(not server.drop(u), "%s %s: the maildrop is empty at the "
                "end" % (label, u))


def mda_timeout_test():
    """An MDA that never ends, --timeout=2: killed, exit 75, kept."""
    user = "mda-timeout"
    server.add(user, [Msg("t", 0, 100000)], RATE)
    sink = Sink("mda", user)
    pidfile = os.path.join(sink.dir, "mda.pid")
    p = spawn(mfetch_argv(user, sink, "off", ["--timeout=2"], "mda," +
                          " ".join(map(shlex.quote, (
                              sys.executable, os.path.abspath(__file__),
                              "sleeper", pidfile)))), sink.log)
    t0 = time.monotonic()
    rc = wait(p, 8)
    took = time.monotonic() - t0
    tap(rc == 75 and took <= 5, "mda timeout: mfetch exits 75 within 5 s",
        "%s after %.1f s\n%s" % (describe_rc(rc), took, output(sink.log, 5)))
    try:
        with open(pidfile) as f:
            mda = int(f.read())
    except (OSError, ValueError):
        mda = None
    until(lambda: not mda or not alive(mda), 1)
    tap(mda and not alive(mda), "mda timeout: the MDA was killed",
        "MDA %s" % ("%d still running" % mda if mda else "never started"))
    if mda and alive(mda):      # ours, even if not in our group any more
        os.kill(mda, signal.SIGKILL)
    kill_group(p.pid)
    wait(p, 5)
    tap(len(server.drop(user)) == 1, "mda timeout: nothing deleted on the "
        "server")


def prune():
    """After a failure: remove the mailboxes (hundreds of MB), keep the
    logs and state files, unless CRASH_KEEP=1."""
    for path in [] if KEEP_FILES else [p for s in sinks for p in (
            s.path, s.path + ".tmp")]:
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            os.unlink(path)


def bail():
    """The global timeout: stop everything started here, say so, exit."""
    print("Bail out! global timeout of %d s; files in %s" % (
        GLOBAL_TIMEOUT, TMP), flush=True)
    for g in list(groups):
        kill_group(g)
    prune()
    os._exit(99)


def main():
    global server, TMP, ENV
    if sys.argv[1:2] == ["mda"]:
        return mda_main(*sys.argv[2:4])
    if sys.argv[1:2] == ["sleeper"]:
        return sleeper_main(sys.argv[2])
    sys.stdout.reconfigure(line_buffering=True)
    if not MFETCH or not os.access(MFETCH, os.X_OK):
        print("1..0 # SKIP MFETCH must be set (make check)")
        return 0
    watchdog = threading.Timer(GLOBAL_TIMEOUT, bail)
    watchdog.daemon = True
    watchdog.start()
    note("seed %d (CRASH_SEED=%d replays the random choices), %.0f MB/s, "
         "%d kills per sink and keep" % (SEED, SEED, RATE / MB, KILLS))
    os.makedirs(os.path.join(BUILD, "tests", "tmp"), exist_ok=True)
    TMP = tempfile.mkdtemp(prefix="crash.", dir=os.path.join(BUILD, "tests",
                                                              "tmp"))
    ENV = dict(os.environ, HOME=TMP, XDG_CONFIG_HOME=TMP + "/config",
               XDG_STATE_HOME=TMP + "/state", LC_ALL="C", TZ="UTC")
    msgs = [Msg("m", i, rng.randint(2 * MB, 6 * MB)) for i in range(6)]
    note("%d messages: %s MB" % (len(msgs), ", ".join(
        "%.1f" % (m.size / MB) for m in msgs)))
    server = Pop3Server()
    t0 = time.monotonic()
    try:
        for kind in ("mbox", "maildir", "mda"):
            for keep in ("off", "on"):
                kill_campaign(kind, keep, msgs)
        for kind in ("mbox", "maildir", "mda"):
            signal_campaign(kind, msgs)
        jobs_campaign(msgs[:3])
        mda_timeout_test()
    finally:
        for g in list(groups):
            kill_group(g)
    watchdog.cancel()
    note("%.0f s" % (time.monotonic() - t0))
    print("1..%d" % n_tests)
    if not n_failed:
        shutil.rmtree(TMP, ignore_errors=True)
        return 0
    prune()
    note("%d of %d checks failed (CRASH_SEED=%d); logs and state files "
         "kept in %s%s" % (n_failed, n_tests, SEED, TMP, "" if KEEP_FILES
                           else ", mailboxes too with CRASH_KEEP=1"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
