#!/usr/bin/env python3
"""bench/send.py: msend beside msmtp, one process per message (the cron and
sendmail pattern), through a local Postfix submission server (STARTTLS and
login), with no added delay and with an emulated round-trip time.

It starts the test suite's own servers (tests/integration/servers.sh, root
needed) unless --no-servers with --port/--ca/--maildir are given, puts a
delaying TCP proxy in front of the submission port, sends N generated
messages with each tool, checks that every message arrived intact (body
hashes from the recipient's Maildir), and prints per tool and RTT:

  wall time per message (median, mean), protocol turns per message (times
  the client sent data after receiving data, counted by the proxy),
  effective RTTs per message ((wall at RTT - wall at 0) / RTT), and the
  peak RSS of the tool's process (GNU time's %M).

The proxy delays every chunk, in each direction, by RTT/2 (order kept);
the TCP handshake to the proxy itself is not delayed, for every tool
alike.  Standard library only.

The msend-queue row is the queue's flush (issue 13): the N messages are
queued while the server is unreachable, then ONE `msend -q` sends them
all over the link (one connection, several messages in flight); its
wall time is divided by N, so that it reads beside the others' per
message figures.
"""

import argparse
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

from benchlib import Proxy, run_timed, start_servers, stop_servers


# --- messages ---------------------------------------------------------------

def make_messages(n, seed=42):
    rnd = random.Random(seed)
    msgs = []
    for i in range(n):
        size = rnd.randint(1000, 8000)
        lines = []
        total = 0
        while total < size:
            k = rnd.randint(10, 76)
            line = "".join(rnd.choice("abcdefghij klmnopqrstuvwxyz.,")
                           for _ in range(k))
            if rnd.random() < 0.05:
                line = "." + line
            if i % 10 == 3 and rnd.random() < 0.1:
                line += " caf\u00e9"
            lines.append(line)
            total += len(line) + 1
        body = "\n".join(lines) + "\n"
        head = ("From: alice@facteur.test\nTo: bob@facteur.test\n"
                "Subject: bench %d\nX-Bench: %d\n\n" % (i, i))
        msgs.append((head + body).encode())
    return msgs


def body_hash(data):
    body = data.split(b"\n\n", 1)[1] if b"\n\n" in data else b""
    return hashlib.sha256(body.replace(b"\r\n", b"\n")).hexdigest()


# --- running the tools --------------------------------------------------------

def tool_argv(tool, work, port, env):
    if tool == "msend":
        return [env["MSEND"], "-C", os.path.join(work, "msend.conf"),
                "bob@facteur.test"]
    if tool == "msend-plain":
        return [env["MSEND"], "-C", os.path.join(work, "msend.conf"),
                "--auth=plain", "bob@facteur.test"]
    if tool == "msmtp":
        return ["msmtp", "-C", os.path.join(work, "msmtp.conf"),
                "bob@facteur.test"]
    if tool == "msend-queue":
        return [env["MSEND"], "-C", os.path.join(work, "queue.conf"),
                "bob@facteur.test"]
    raise SystemExit("unknown tool " + tool)


def write_queue_conf(work, port, ca):
    """The account of the msend-queue row: queue on, its own queue."""
    path = os.path.join(work, "queue.conf")
    with open(path, "w") as f:
        f.write("account bench\naddress alice@facteur.test\n"
                "outgoing smtp://127.0.0.1:%d\ntls_trust_file %s\n"
                "user alice\npassword alicepass\nqueue on\n"
                "queue_dir %s\nconnect_timeout 5\n"
                "account default : bench\n"
                % (port, ca, os.path.join(work, "queue")))
    os.chmod(path, 0o600)


def closed_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_queue(msgs, work, env, proxy_port, ca):
    """msend-queue: queue every message offline (a refused port), then
    time ONE msend -q that sends them all over the link.  Returns
    (rc, wall s, max RSS KiB, failures while queueing)."""
    qdir = os.path.join(work, "queue")
    shutil.rmtree(qdir, ignore_errors=True)
    write_queue_conf(work, closed_port(), ca)
    argv = tool_argv("msend-queue", work, 0, env)
    fails = 0
    for m in msgs:
        rc, _, _, _ = run_timed(argv, m, os.path.join(work, "rss"))
        fails += rc != 0
    # Due now (the first retry is a minute away): the envelope is text.
    for name in os.listdir(qdir):
        if name.endswith(".env"):
            path = os.path.join(qdir, name)
            with open(path) as f:
                lines = ["next 0\n" if l.startswith("next ") else l
                         for l in f]
            with open(path, "w") as f:
                f.writelines(lines)
    write_queue_conf(work, proxy_port, ca)
    rc, wall, _, maxrss = run_timed([env["MSEND"], "-C", os.path.join(
        work, "queue.conf"), "-q"], b"", os.path.join(work, "rss"))
    left = sum(1 for n in os.listdir(qdir) if n.endswith(".env"))
    return rc, wall, maxrss, fails + left


def write_configs(work, port, ca):
    with open(os.path.join(work, "msend.conf"), "w") as f:
        f.write("account bench\naddress alice@facteur.test\n"
                "outgoing smtp://127.0.0.1:%d\ntls_trust_file %s\n"
                "user alice\npassword alicepass\n"
                "account default : bench\n" % (port, ca))
    with open(os.path.join(work, "msmtp.conf"), "w") as f:
        f.write("account bench\nhost 127.0.0.1\nport %d\ntls on\n"
                "tls_starttls on\ntls_trust_file %s\nauth on\nuser alice\n"
                "password alicepass\nfrom alice@facteur.test\n"
                "account default : bench\n" % (port, ca))
    for name in ("msend.conf", "msmtp.conf"):
        os.chmod(os.path.join(work, name), 0o600)


def wait_delivered(maildir, want, timeout=120):
    """Bodies (by X-Bench number) found in maildir/new, waiting for want."""
    deadline = time.monotonic() + timeout
    found = {}
    while time.monotonic() < deadline:
        for name in os.listdir(os.path.join(maildir, "new")):
            path = os.path.join(maildir, "new", name)
            with open(path, "rb") as f:
                data = f.read()
            for line in data.split(b"\n\n", 1)[0].split(b"\n"):
                if line.startswith(b"X-Bench: "):
                    found[int(line[9:])] = data
        if len(found) >= want:
            break
        time.sleep(0.2)
    return found


def clear_maildir(maildir):
    new = os.path.join(maildir, "new")
    if os.path.isdir(new):
        for name in os.listdir(new):
            os.unlink(os.path.join(new, name))


# --- main -----------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--rtt", type=float, nargs="+", default=[0, 20],
                    help="round-trip times in ms (default: 0 20)")
    ap.add_argument("--tools", default="msend,msmtp",
                    help="comma list of msend, msend-plain, msmtp, "
                    "msend-queue (queue offline, then one msend -q)")
    ap.add_argument("--msend", default=os.environ.get("MSEND",
                    os.path.join(os.getcwd(), "send", "msend")))
    args = ap.parse_args()
    tools = args.tools.split(",")
    if "msmtp" in tools and shutil.which("msmtp") is None:
        raise SystemExit("msmtp is not installed (apt-get install msmtp)")
    if not os.access("/usr/bin/time", os.X_OK):
        raise SystemExit("GNU time is needed (apt-get install time)")
    if not os.access(args.msend, os.X_OK):
        raise SystemExit("no msend at %s: run from a build directory or "
                         "give --msend" % args.msend)
    env = {"MSEND": os.path.abspath(args.msend)}

    state = tempfile.mkdtemp(prefix="facteur-bench.")
    os.chmod(state, 0o755)
    srv, vals = start_servers(state)
    results = []
    try:
        maildir = vals["FT_BOB_MAILDIR"]
        msgs = make_messages(args.count)
        hashes = [body_hash(m) for m in msgs]
        for rtt in args.rtt:
            proxy = Proxy(int(vals["FT_PORT_SUBMISSION"]), rtt)
            proxy.start()
            write_configs(state, proxy.port, vals["FT_CA"])
            for tool in tools:
                clear_maildir(maildir)
                proxy.turns.clear()
                walls, rss, fails = [], 0, 0
                argv = tool_argv(tool, state, proxy.port, env)
                if tool == "msend-queue":
                    rc, wall, rss, fails = run_queue(msgs, state, env,
                                                     proxy.port,
                                                     vals["FT_CA"])
                    fails += rc != 0
                    walls = [wall / len(msgs)]
                    msgs_sent = []
                else:
                    msgs_sent = msgs
                for m in msgs_sent:
                    rc, wall, _, maxrss = run_timed(argv, m, os.path.join(
                        state, "rss"))
                    walls.append(wall)
                    rss = max(rss, maxrss)
                    fails += rc != 0
                got = wait_delivered(maildir, len(msgs))
                bad = sum(1 for i, h in enumerate(hashes)
                          if i not in got or body_hash(got[i]) != h)
                turns = [c["turns"] for c in proxy.turns]
                results.append({
                    "tool": tool, "rtt": rtt, "n": len(msgs),
                    "median_ms": statistics.median(walls) * 1000,
                    "mean_ms": statistics.mean(walls) * 1000,
                    "turns": statistics.mean(turns) if turns else 0,
                    "rss_kib": rss, "failed": fails, "bad": bad,
                })
                print("# %s at %g ms: done" % (tool, rtt), file=sys.stderr)
            proxy.stop()
    finally:
        stop_servers(srv)
        shutil.rmtree(state, ignore_errors=True)

    base = {r["tool"]: r["mean_ms"] for r in results if r["rtt"] == 0}
    print("%-12s %6s %10s %10s %8s %10s %9s %s" % (
        "tool", "RTT ms", "median ms", "mean ms", "turns", "RTTs/msg",
        "RSS KiB", "check"))
    for r in results:
        eff = "" if r["rtt"] == 0 or r["tool"] not in base else "%.2f" % (
            (r["mean_ms"] - base[r["tool"]]) / r["rtt"])
        check = "ok" if not r["failed"] and not r["bad"] else \
            "FAILED %d, wrong %d" % (r["failed"], r["bad"])
        print("%-12s %6g %10.1f %10.1f %8.2f %10s %9d %s" % (
            r["tool"], r["rtt"], r["median_ms"], r["mean_ms"], r["turns"],
            eff, r["rss_kib"], check))


if __name__ == "__main__":
    main()
