#!/usr/bin/env python3
"""groupcommit.py: mfetch's group commit (issue 12), against crash.py's
POP3 server (127.0.0.1, PIPELINING, deletions at QUIT).  Prints TAP;
standard library only, plus strace(1) for the parts that count or inject
system calls (skipped without it, or where ptrace is not allowed).

 1. The order, witnessed: at every DELE, before answering, the server
    checks that the message is whole in the target and its UID in the
    state (file or journal), for an mbox and a Maildir, keep off.
 2. fsyncs counted (strace -f -c): N messages into an mbox cost
    O(N / FETCH_BATCH) fsync + fdatasync calls, not O(N); into a Maildir
    one per message plus O(N / FETCH_BATCH).
 3. Killed between the target's sync and the record (strace injects
    SIGKILL at the first journal write of the second batch): the mbox
    holds exactly the two synced batches, whole; the next run delivers
    everything, at most one batch twice, nothing partial.
 4. Killed between the record and the deletion (the server kills mfetch's
    process group at the first DELE): the next run delivers everything,
    the messages recorded before the kill exactly once, nothing partial,
    and empties the maildrop.

Environment: MFETCH and TOP_BUILDDIR (from make check); GC_MSGS (default
200); CRASH_SEED as for crash.py.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import crash                                    # noqa: E402
from crash import tap, note, sha                # noqa: E402

BATCH = 64                                      # FETCH_BATCH, engine.h
N = int(os.environ.get("GC_MSGS", "200"))
RATE = 200 * crash.MB


def recorded(uids):
    """The keys the state holds (file, then journal; '- KEY' forgets)."""
    keys = set()
    for path in (uids, uids + ".journal"):
        try:
            with open(path) as f:
                lines = f.read().split("\n")[:-1]   # a cut line: not yet
        except FileNotFoundError:
            continue
        for line in lines:
            w = line.split()
            if len(w) >= 2 and w[0] == "-":
                keys.discard(w[1])
            elif len(w) >= 2 and w[0].isdigit():
                keys.add(w[1])
    return keys


def whole(sink):
    """Message-IDs of the messages whole in the sink (body matches its
    X-Check), with their counts; the number of bad pieces."""
    count, bad = {}, 0
    for _, msg, _ in sink.messages():
        head, _, body = msg.partition(b"\n\n")
        mid = re.search(rb"(?im)^Message-ID: *(.*)$", head)
        chk = re.search(rb"(?im)^X-Check: *([0-9a-f]{64})", head)
        if mid and chk and sha(body) == chk.group(1).decode():
            k = mid.group(1).decode().strip()
            count[k] = count.get(k, 0) + 1
        else:
            bad += 1
    return count, bad


def campaign(kind, tag):
    """A maildrop of N messages for a new user, and its sink."""
    user = "%s-%s" % (tag, kind)
    msgs = [crash.Msg(user, i, crash.rng.randint(2000, 20000))
            for i in range(N)]
    crash.server.add(user, msgs, RATE)
    return user, msgs, crash.Sink(kind, user)


def witness(kind):
    user, msgs, sink = campaign(kind, "witness")
    seen, wrong = [], []

    def on_dele(u, m):
        if u != user:
            return
        seen.append(m.mid)
        count, _ = whole(sink)
        if m.uid not in recorded(sink.uids):
            wrong.append("%s deleted before its UID was recorded" % m.mid)
        if count.get(m.mid, 0) == 0:
            wrong.append("%s deleted before it was whole in the %s" % (
                m.mid, kind))

    crash.server.on_dele = on_dele
    rc = crash.run(crash.mfetch_argv(user, sink, "off"), sink.log, 120)
    crash.server.on_dele = None
    tap(rc == 0, "witness %s: the run succeeds" % kind, "%s\n%s" % (
        crash.describe_rc(rc), crash.output(sink.log)))
    tap(len(seen) == N and not wrong, "witness %s: each of %d DELEs came "
        "after its message was whole in the target and recorded" % (kind, N),
        "%d DELEs seen\n%s" % (len(seen), "\n".join(wrong[:20])))
    crash.verify(sink, "witness " + kind, msgs, 0, [])
    tap(not crash.server.drop(user), "witness %s: the maildrop is empty" %
        kind)


def traced(argv, log):
    """Run argv to its end under strace (argv starts with strace):
    LeakSanitizer cannot run under ptrace, so it is off for this run."""
    env = crash.ENV
    crash.ENV = dict(env, ASAN_OPTIONS=(env.get("ASAN_OPTIONS", "") +
                                        ":detect_leaks=0").lstrip(":"))
    try:
        return crash.run(argv, log, 120)
    finally:
        crash.ENV = env


def strace_ok():
    if shutil.which("strace") is None:
        return "strace is not installed"
    r = subprocess.run(["strace", "-f", "-o", os.devnull, "true"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return None if r.returncode == 0 else "strace cannot trace here"


def count_fsyncs(kind, why):
    label = "fsyncs %s" % kind
    if why:
        tap(True, "%s # SKIP %s" % (label, why))
        return
    user, msgs, sink = campaign(kind, "count")
    out = os.path.join(sink.dir, "strace")
    rc = traced(["strace", "-f", "-c", "-o", out, "-e",
                 "trace=fsync,fdatasync"] +
                crash.mfetch_argv(user, sink, "off"), sink.log)
    calls = 0
    with open(out) as f:
        for line in f:
            w = line.split()
            if w and w[-1] in ("fsync", "fdatasync"):
                calls += int(w[3])
    batches = (N + BATCH - 1) // BATCH
    # Per batch: mbox journal + mbox (or new/), the UID journal; the
    # run's fixed costs (deletions journaled, state saved, ...) below 16.
    bound = 3 * batches + 16 + (N if kind == "maildir" else 0)
    tap(rc == 0, "%s: the run succeeds" % label, "%s\n%s" % (
        crash.describe_rc(rc), crash.output(sink.log)))
    tap(calls <= bound, "%s: %d messages cost %d fsync + fdatasync calls "
        "(at most %d)" % (label, N, calls, bound))
    crash.verify(sink, label, msgs, 0, [])


def kill_before_record(why):
    label = "kill after the sync, before the record"
    if why:
        tap(True, "%s # SKIP %s" % (label, why))
        return
    user, msgs, sink = campaign("mbox", "presync")
    # The first journal write of the second batch (one write per UID).
    argv = crash.mfetch_argv(user, sink, "off")
    journal = os.path.realpath(sink.uids) + ".journal"
    rc = traced(["strace", "-f", "-o", os.devnull, "-P", journal, "-e",
                 "trace=write", "-e",
                 "inject=write:signal=KILL:when=%d" % (BATCH + 1)] + argv,
                sink.log)
    count, bad = whole(sink)
    have = recorded(sink.uids)
    tap(rc == -signal.SIGKILL or rc == 128 + signal.SIGKILL,
        "%s: mfetch was killed" % label, crash.describe_rc(rc))
    tap(sum(count.values()) == 2 * BATCH and bad == 0 and
        len(have) == BATCH, "%s: the mbox holds the two synced batches, "
        "whole; the state only the first" % label, "%d whole, %d bad, %d "
        "recorded" % (sum(count.values()), bad, len(have)))
    rc = crash.run(argv, sink.log, 120)
    tap(rc == 0, "%s: the next run succeeds" % label, "%s\n%s" % (
        crash.describe_rc(rc), crash.output(sink.log)))
    count, bad = whole(sink)
    dups = sum(c - 1 for c in count.values())
    tap(dups == BATCH, "%s: the unrecorded batch, and only it, was "
        "delivered twice" % label, "%d duplicates" % dups)
    crash.verify(sink, label, msgs, 1, [], BATCH)
    tap(not crash.server.drop(user), "%s: the maildrop is empty" % label)


def kill_at_dele():
    label = "kill after the record, at the first DELE"
    user, msgs, sink = campaign("mbox", "atdele")
    groups = []

    def on_dele(u, m):
        if u == user and groups:
            os.killpg(groups.pop(), signal.SIGKILL)

    argv = crash.mfetch_argv(user, sink, "off")
    crash.server.on_dele = on_dele
    p = crash.spawn(argv, sink.log)
    groups.append(p.pid)
    rc = crash.wait(p, 120)
    crash.server.on_dele = None
    crash.kill_group(p.pid)
    have = recorded(sink.uids)
    tap(rc == -signal.SIGKILL and len(have) >= BATCH, "%s: killed with at "
        "least one batch recorded" % label, "%s, %d recorded" % (
            crash.describe_rc(rc), len(have)))
    rc = crash.run(argv, sink.log, 120)
    tap(rc == 0, "%s: the next run succeeds" % label, "%s\n%s" % (
        crash.describe_rc(rc), crash.output(sink.log)))
    count, bad = whole(sink)
    twice = [m.mid for m in msgs if m.uid in have and count.get(m.mid) != 1]
    tap(not twice, "%s: none of the %d messages recorded before the kill "
        "was delivered again" % (label, len(have)), "%d twice: %s" % (
            len(twice), " ".join(twice[:5])))
    # Others may have been synced after the DELE was sent: one batch.
    crash.verify(sink, label, msgs, 1, [], BATCH)
    tap(not crash.server.drop(user), "%s: the maildrop is empty" % label)


def main():
    sys.stdout.reconfigure(line_buffering=True)
    if not crash.MFETCH or not os.access(crash.MFETCH, os.X_OK):
        print("1..0 # SKIP MFETCH must be set (make check)")
        return 0
    os.makedirs(os.path.join(crash.BUILD, "tests", "tmp"), exist_ok=True)
    crash.TMP = tempfile.mkdtemp(prefix="groupcommit.", dir=os.path.join(
        crash.BUILD, "tests", "tmp"))
    crash.ENV = dict(os.environ, HOME=crash.TMP,
                     XDG_CONFIG_HOME=crash.TMP + "/config",
                     XDG_STATE_HOME=crash.TMP + "/state", LC_ALL="C",
                     TZ="UTC")
    crash.server = crash.Pop3Server()
    note("seed %d, %d messages, batches of %d" % (crash.SEED, N, BATCH))
    why = strace_ok()
    try:
        for kind in ("mbox", "maildir"):
            witness(kind)
        for kind in ("mbox", "maildir"):
            count_fsyncs(kind, why)
        kill_before_record(why)
        kill_at_dele()
    finally:
        for g in list(crash.groups):
            crash.kill_group(g)
    print("1..%d" % crash.n_tests)
    if not crash.n_failed:
        shutil.rmtree(crash.TMP, ignore_errors=True)
    else:
        note("%d of %d checks failed; files kept in %s" % (
            crash.n_failed, crash.n_tests, crash.TMP))
    return 0


if __name__ == "__main__":
    sys.exit(main())
