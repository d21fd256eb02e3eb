#!/usr/bin/env python3
"""bench/soak.py: one `mfetch --daemon` idling on 1000 IMAP folders of the
test suite's Dovecot for a few minutes while mail trickles in (issue 14).

Setup: the suite's servers (tests/integration/servers.sh), Dovecot's limits
raised for this many connections (see DOVECOT_SOAK below) and restarted;
--users users (s00, s01...) with --folders folders each (f000, f001...),
all empty.  The daemon gets one account per user (`folders f*`, a LIST
pattern, IMAPS, keep on, delivery into a Maildir per account) and logs to
a file.  Then, in order:

  1. baseline: a daemon watching one folder, once it idles and its start
     fetch is done: its RSS (VmRSS), then SIGTERM;
  2. the daemon on every folder: time until every watcher idles (the
     "watching (IDLE)" log lines) and the start fetches (one job per
     folder) are done; its RSS then; RSS per idle connection =
     (that - the baseline) / (folders - 1);
  3. --idle seconds with no mail: CPU seconds (utime+stime from
     /proc/PID/stat; the jobs' from cutime+cstime) and wakeups per minute
     (voluntary + involuntary context switches of every thread, from
     /proc/PID/task/*/status);
  4. --duration seconds of trickle: a message every --interval seconds
     (+-50 % jitter) into a random folder with `doveadm save`, its arrival
     watched in the Maildirs (every 10 ms): delivery latency from the
     start of the save to the file in new/ (p50, p90, p99, max), CPU and
     wakeups again, the jobs' peak RSS (VmHWM of every job process,
     sampled every 50 ms after its exec);
  5. SIGTERM: time to exit; the daemon's VmHWM (its peak over the run) is
     read just before.

Dovecot's IDLE keepalive ("* OK Still here", every 2 minutes by default)
is set to 29 minutes so that the idle figures are the daemon's own; with
--keepalive Dovecot's default stays (1000 connections then wake the daemon
about 500 times a minute).

--server-check: the Dovecot part alone, without mfetch: the same setup,
then --users x --folders IDLE connections opened by a small asyncio IMAP
client; one message saved, its EXISTS awaited; Dovecot's processes
counted.  Standard library only.  Needs root (the servers), dovecot,
postfix.
"""

import argparse
import asyncio
import os
import random
import re
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from benchlib import TOP, start_servers, stop_servers

SERVERS = os.path.join(TOP, "tests", "integration", "servers.sh")
HZ = os.sysconf("SC_CLK_TCK")
PASS = "soakpass"


def dovecot_soak(n, keepalive):
    """Settings appended to the suite's dovecot.conf for n connections."""
    conns = n + 200          # watchers, jobs, doveadm
    return """
# bench/soak.py: %(n)d idle IMAP connections and their jobs.
mail_max_userip_connections = %(conns)d
default_process_limit = %(conns)d
default_client_limit = %(clients)d
default_vsz_limit = 512M
%(keep)s
# One login process proxies many TLS connections (the "high-performance"
# mode), instead of one login process per connection.
service imap-login {
  service_count = 0
  process_min_avail = 2
  client_limit = %(clients)d
}
service imap {
  process_limit = %(conns)d
}
""" % {"n": n, "conns": conns, "clients": 4 * conns + 1000,
       "keep": "" if keepalive else "imap_idle_notify_interval = 29 mins"}


def sh(*argv, **kw):
    return subprocess.run(list(argv), check=True, **kw)


def user_name(u):
    return "s%02d" % u


def folder_name(f):
    return "f%03d" % f


INOTIFY = "/proc/sys/fs/inotify/max_user_instances"


class Setup:
    def __init__(self, args):
        self.args = args
        self.state = tempfile.mkdtemp(prefix="facteur-soak.")
        os.chmod(self.state, 0o755)
        self.srv = None
        self.vals = None
        self.inotify = None

    def start(self):
        a = self.args
        n = a.users * a.folders
        t0 = time.monotonic()
        # Every imap process of Dovecot's runs as the user mail and takes
        # an inotify instance to notice new mail in IDLE; past the limit
        # (128 by default) it falls back to looking every 30 s.
        with open(INOTIFY) as f:
            cur = int(f.read())
        if cur < n + 512:
            with open(INOTIFY, "w") as f:
                f.write(str(n + 512))
            self.inotify = cur
            log("%s: %d for now (was %d)" % (INOTIFY, n + 512, cur))
        self.srv, self.vals = start_servers(self.state)
        self.conf = self.vals["FT_DOVECOT_CONF"]
        with open(self.conf, "a") as f:
            f.write(dovecot_soak(n, a.keepalive))
        passwd = os.path.join(os.path.dirname(self.conf), "passwd")
        with open(passwd, "a") as f:
            for u in range(a.users):
                f.write("%s:{PLAIN}%s\n" % (user_name(u), PASS))
        sh("sh", SERVERS, "stop-dovecot", self.srv)
        sh("sh", SERVERS, "start-dovecot", self.srv)
        for u in range(a.users):
            sh("doveadm", "-c", self.conf, "mailbox", "create", "-u",
               user_name(u), *[folder_name(f) for f in range(a.folders)])
        log("servers up, %d users x %d folders created in %.1f s"
            % (a.users, a.folders, time.monotonic() - t0))

    def stop(self):
        if self.srv:
            stop_servers(self.srv)
        if self.inotify is not None:
            with open(INOTIFY, "w") as f:
                f.write(str(self.inotify))

    def save(self, user, folder, raw):
        sh("doveadm", "-c", self.conf, "save", "-u", user, "-m", folder,
           input=raw)

    def dovecot_procs(self):
        """The processes of Dovecot's session, and their RSS (KiB)."""
        with open(os.path.join(os.path.dirname(self.conf), "run",
                               "master.pid")) as f:
            sid = int(f.read())
        n = rss = 0
        for p in pids():
            st = stat(p)
            if st and st["sid"] == sid:
                n += 1
                rss += status(p).get("VmRSS", 0)
        return n, rss


def log(msg):
    print("# " + msg, file=sys.stderr, flush=True)


# --- /proc -------------------------------------------------------------------

def pids():
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def stat(pid):
    """ppid, sid, utime, stime, cutime, cstime (ticks) of /proc/PID/stat."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            s = f.read()
    except OSError:
        return None
    f = s[s.rindex(")") + 2:].split()
    return {"ppid": int(f[1]), "sid": int(f[3]), "utime": int(f[11]),
            "stime": int(f[12]), "cutime": int(f[13]),
            "cstime": int(f[14])}


def status(pid, task=None):
    """The numeric fields of /proc/PID[/task/TID]/status (kB for sizes)."""
    path = "/proc/%d/status" % pid if task is None else \
        "/proc/%d/task/%d/status" % (pid, task)
    out = {}
    try:
        with open(path) as f:
            for line in f:
                k, _, v = line.partition(":")
                v = v.split()
                if v and v[0].isdigit():
                    out[k] = int(v[0])
    except OSError:
        pass
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().split(b"\0")
    except OSError:
        return []


class Probe:
    """The daemon's counters: CPU (its own, its reaped jobs'), context
    switches of all its threads, RSS; and a sampler of its jobs' peak
    RSS."""

    def __init__(self, pid):
        self.pid = pid
        self.job_hwm = 0
        self.jobs_seen = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def counters(self):
        st = stat(self.pid) or {}
        ctx = 0
        try:
            tasks = [int(t) for t in os.listdir("/proc/%d/task" % self.pid)]
        except OSError:
            tasks = []
        for t in tasks:
            s = status(self.pid, t)
            ctx += s.get("voluntary_ctxt_switches", 0) + \
                s.get("nonvoluntary_ctxt_switches", 0)
        s = status(self.pid)
        return {"t": time.monotonic(),
                "cpu": (st.get("utime", 0) + st.get("stime", 0)) / HZ,
                "jobcpu": (st.get("cutime", 0) + st.get("cstime", 0)) / HZ,
                "ctx": ctx, "threads": len(tasks),
                "rss": s.get("VmRSS", 0), "hwm": s.get("VmHWM", 0)}

    def children(self):
        """Its child processes (/proc/PID/task/TID/children: no scan of
        the 2000 processes of Dovecot)."""
        out = []
        try:
            tasks = os.listdir("/proc/%d/task" % self.pid)
        except OSError:
            return out
        for t in tasks:
            try:
                with open("/proc/%d/task/%s/children" % (self.pid, t)) as f:
                    out += [int(x) for x in f.read().split()]
            except OSError:
                pass
        return out

    def sample(self):
        while not self.stop.is_set():
            for p in self.children():
                if b"--daemon-job" not in b" ".join(cmdline(p)):
                    continue        # forked, not yet exec'ed
                self.jobs_seen.add(p)
                self.job_hwm = max(self.job_hwm,
                                   status(p).get("VmHWM", 0))
            time.sleep(0.01)

    def start(self):
        self.thread.start()

    def end(self):
        self.stop.set()
        self.thread.join()


# --- the daemon ---------------------------------------------------------------

class Daemon:
    def __init__(self, setup, name, users, folders, notify):
        self.s, self.name = setup, name
        v = setup.vals
        self.dir = os.path.join(setup.state, name)
        os.makedirs(self.dir, exist_ok=True)
        self.conf = os.path.join(self.dir, "config")
        self.logf = os.path.join(self.dir, "daemon.log")
        self.deliver = os.path.join(self.dir, "deliver")
        lines = ["defaults", "tls_trust_file %s" % v["FT_CA"], "keep on",
                 "imap_notify %s" % ("on" if notify else "off"), ""]
        for u in range(users):
            name_u = user_name(u)
            lines += ["account %s" % name_u,
                      "incoming imaps://127.0.0.1:%s" % v["FT_PORT_IMAPS"],
                      "user %s" % name_u, "password %s" % PASS,
                      "folders %s" % folders,
                      "delivery maildir,%s" % os.path.join(self.deliver,
                                                           name_u), ""]
        with open(self.conf, "w") as f:
            f.write("\n".join(lines))
        os.chmod(self.conf, 0o600)
        self.env = dict(os.environ, HOME=self.dir,
                        XDG_STATE_HOME=os.path.join(self.dir, "state"))
        self.proc = None
        self.log_pos = 0
        self.counts = {"watching (IDLE)": 0, "watching (NOTIFY)": 0,
                       " status=": 0,
                       "connection lost": 0, "daemon started": 0}

    def start(self, mfetch, jobs):
        self.t0 = time.monotonic()
        self.err = open(os.path.join(self.dir, "stderr"), "wb")
        self.proc = subprocess.Popen(
            [mfetch, "--daemon", "-C", self.conf, "--logfile=" + self.logf,
             "-j", str(jobs)], env=self.env, stdin=subprocess.DEVNULL,
            stdout=self.err, stderr=self.err, start_new_session=True)
        self.probe = Probe(self.proc.pid)
        # Once it says it started, before its connections are made.
        self.rss_start = 0
        for _ in range(5000):
            if self.count("daemon started") or self.proc.poll() is not None:
                self.rss_start = status(self.proc.pid).get("VmRSS", 0)
                break
            time.sleep(0.001)

    def count(self, what):
        """The log lines so far that contain what (a key of counts)."""
        try:
            with open(self.logf, "rb") as f:
                f.seek(self.log_pos)
                data = f.read()
        except FileNotFoundError:
            return self.counts[what]
        end = data.rfind(b"\n") + 1
        self.log_pos += end
        for line in data[:end].decode(errors="replace").splitlines():
            for k in self.counts:
                if k in line:
                    self.counts[k] += 1
        return self.counts[what]

    def wait_idle(self, n, timeout, key="watching (IDLE)"):
        """Until n connections idle (n log lines with key) and no job has
        run for 2 s; the seconds it took to see the n-th idle, and the
        end."""
        t_all = None
        quiet_since = None
        while time.monotonic() - self.t0 < timeout:
            if self.proc.poll() is not None:
                raise SystemExit("soak.py: the daemon exited (%d); see %s"
                                 % (self.proc.returncode, self.dir))
            if t_all is None and self.count(key) >= n:
                t_all = time.monotonic() - self.t0
            if t_all is not None:
                if self.probe.children():
                    quiet_since = None
                elif quiet_since is None:
                    quiet_since = time.monotonic()
                elif time.monotonic() - quiet_since >= 2:
                    return t_all, quiet_since - self.t0
            time.sleep(0.1)
        raise SystemExit("soak.py: %d of %d watchers idle after %d s; see %s"
                         % (self.count(key), n, timeout, self.dir))

    def stop(self):
        """SIGTERM; the milliseconds until it exited, its status."""
        t = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            rc = self.proc.wait()
        self.err.close()
        return (time.monotonic() - t) * 1000, rc

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Arrivals:
    """Watches the delivery Maildirs: the time each Message-ID appears in
    new/ or cur/ (polled every 10 ms)."""

    def __init__(self, top):
        self.top = top
        self.seen = {}           # file name -> Message-ID
        self.when = {}           # Message-ID -> [times]
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def scan(self):
        now = time.monotonic()
        try:
            accounts = os.listdir(self.top)
        except FileNotFoundError:
            return
        for acc in accounts:
            for sub in ("new", "cur"):
                d = os.path.join(self.top, acc, sub)
                try:
                    names = os.listdir(d)
                except FileNotFoundError:
                    continue
                for n in names:
                    base = n.split(":")[0].split(",")[0]
                    if base in self.seen:
                        continue
                    try:
                        with open(os.path.join(d, n), "rb") as f:
                            head = f.read(4096)
                    except FileNotFoundError:
                        continue
                    m = re.search(rb"(?mi)^Message-ID: *(<[^>]*>)", head)
                    mid = m.group(1).decode() if m else "?"
                    self.seen[base] = mid
                    self.when.setdefault(mid, []).append(now)

    def run(self):
        while not self.stop.is_set():
            self.scan()
            time.sleep(0.01)

    def start(self):
        self.thread.start()

    def end(self):
        self.stop.set()
        self.thread.join()
        self.scan()


def message(k, user, folder):
    mid = "<soak.%d@facteur.test>" % k
    body = ("soak message %d for %s/%s\n" % (k, user, folder)) * 20
    return mid, ("From: trickle@example.org\nTo: %s@facteur.test\n"
                 "Subject: soak %d\nMessage-ID: %s\n\n%s"
                 % (user, k, mid, body)).encode()


def pct(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def delta(a, b):
    secs = b["t"] - a["t"]
    return {"secs": secs, "cpu": b["cpu"] - a["cpu"],
            "jobcpu": b["jobcpu"] - a["jobcpu"],
            "wpm": (b["ctx"] - a["ctx"]) * 60.0 / secs if secs else 0}


# --- the runs -----------------------------------------------------------------

def soak(s, args):
    a = args
    n = a.users * a.folders

    # 1. The baseline: one folder watched.
    key = "watching (NOTIFY)" if a.imap_notify else "watching (IDLE)"
    d1 = Daemon(s, "one", 1, folder_name(0), a.imap_notify)
    d1.start(a.mfetch, a.jobs)
    try:
        d1.wait_idle(1, 60, key)
        one = d1.probe.counters()
        ms1, rc1 = d1.stop()
    finally:
        d1.kill()
    log("baseline: one watcher, RSS %d KiB; SIGTERM -> exit %d in %.0f ms"
        % (one["rss"], rc1, ms1))

    # 2. Every folder.
    d = Daemon(s, "all", a.users, "f*", a.imap_notify)
    conns = a.users if a.imap_notify else n
    arr = Arrivals(d.deliver)
    d.start(a.mfetch, a.jobs)
    try:
        d.probe.start()
        t_idle, t_quiet = d.wait_idle(conns, a.setup_timeout, key)
        c1 = d.probe.counters()
        jobs1 = d.count(" status=")
        with open("/proc/%d/limits" % d.proc.pid) as f:
            nofile = [l for l in f if l.startswith("Max open files")]
        log("%d connections idle after %.1f s, start fetches done after "
            "%.1f s; RSS %d KiB, %d threads; %s"
            % (conns, t_idle, t_quiet, c1["rss"], c1["threads"],
               " ".join(nofile[0].split()[3:5]) if nofile else ""))
        dv_n, dv_rss = s.dovecot_procs()

        # 3. Idle.
        time.sleep(a.idle)
        c2 = d.probe.counters()
        jobs2 = d.count(" status=")
        idle = delta(c1, c2)
        log("idle %.0f s: CPU %.3f s, %.1f wakeups/min"
            % (idle["secs"], idle["cpu"], idle["wpm"]))

        # 4. The trickle.
        arr.start()
        rnd = random.Random(a.seed)
        sent = {}
        save_secs = []
        t_start = time.monotonic()
        k = 0
        next_t = t_start
        while time.monotonic() - t_start < a.duration:
            u = user_name(rnd.randrange(a.users))
            f = folder_name(rnd.randrange(a.folders))
            mid, raw = message(k, u, f)
            t = time.monotonic()
            s.save(u, f, raw)
            save_secs.append(time.monotonic() - t)
            sent[mid] = t
            k += 1
            next_t += a.interval * rnd.uniform(0.5, 1.5)
            time.sleep(max(0, next_t - time.monotonic()))
        c3 = d.probe.counters()
        trickle = delta(c2, c3)
        # The last ones: up to 30 s more.
        t_end = time.monotonic()
        while time.monotonic() - t_end < 30 and \
                any(m not in arr.when for m in sent):
            time.sleep(0.1)
        arr.end()
        jobs3 = d.count(" status=")
        lost = d.count("connection lost")
        d.probe.end()
        hwm = status(d.proc.pid).get("VmHWM", 0)
        ms, rc = d.stop()
    finally:
        d.kill()

    lat = [arr.when[m][0] - t for m, t in sent.items() if m in arr.when]
    missing = [m for m in sent if m not in arr.when]
    dups = sum(len(v) - 1 for v in arr.when.values())
    per_conn = (c1["rss"] - one["rss"]) / float(n - 1) if n > 1 else 0

    rows = [
        ("folders watched", "%d (%d users x %d)" % (n, a.users, a.folders)),
        ("connections", "%d (%s)" % (conns, "NOTIFY, one per account"
                                     if a.imap_notify else
                                     "imap_notify off, one per folder")),
        ("all connections idle after", "%.1f s" % t_idle),
        ("start fetches done after", "%.1f s (%d jobs)" % (t_quiet, jobs1)),
        ("daemon RSS at 'daemon started'", "%d KiB" % d.rss_start),
        ("daemon RSS, 1 folder idle", "%d KiB" % one["rss"]),
        ("daemon RSS, %d folders idle" % n, "%d KiB (%d threads)"
         % (c1["rss"], c1["threads"])),
        ("RSS per watched folder" if a.imap_notify else
         "RSS per idle connection", "%.1f KiB" % per_conn),
        ("daemon peak RSS (VmHWM, whole run)", "%d KiB" % hwm),
        ("jobs' peak RSS (VmHWM, sampled)", "%d KiB (%d jobs seen)"
         % (d.probe.job_hwm, len(d.probe.jobs_seen))),
        ("CPU s to all idle: daemon / jobs", "%.2f / %.2f"
         % (c1["cpu"], c1["jobcpu"])),
        ("CPU s idle (%.0f s): daemon / jobs" % idle["secs"], "%.3f / %.3f"
         % (idle["cpu"], idle["jobcpu"])),
        ("wakeups/min idle", "%.1f (%d jobs)" % (idle["wpm"],
                                                 jobs2 - jobs1)),
        ("CPU s trickle (%.0f s): daemon / jobs" % trickle["secs"],
         "%.3f / %.3f" % (trickle["cpu"], trickle["jobcpu"])),
        ("wakeups/min trickle", "%.1f" % trickle["wpm"]),
        ("jobs during the trickle", "%d" % (jobs3 - jobs2)),
        ("'connection lost' lines", "%d" % lost),
        ("messages saved / delivered / missing / duplicates",
         "%d / %d / %d / %d" % (len(sent), len(lat), len(missing), dups)),
        ("doveadm save, median", "%.0f ms" % (1000 * pct(save_secs, 50))),
        ("latency p50 / p90 / p99 / max", "%.0f / %.0f / %.0f / %.0f ms"
         % tuple(1000 * pct(lat, p) for p in (50, 90, 99, 100))),
        ("SIGTERM to exit", "%.0f ms (status %d)" % (ms, rc)),
        ("Dovecot at idle", "%d processes, %d MiB RSS summed"
         % (dv_n, dv_rss // 1024)),
    ]
    return rows


async def imap_idle(port, ca, user, folder, ready):
    ctx = ssl.create_default_context(cafile=ca)
    r, w = await asyncio.open_connection("127.0.0.1", port, ssl=ctx,
                                         server_hostname="localhost")
    await r.readline()

    async def cmd(tag, text):
        w.write(("%s %s\r\n" % (tag, text)).encode())
        await w.drain()
        while True:
            line = await r.readline()
            if not line:
                raise ConnectionError("closed")
            if line.startswith(tag.encode() + b" "):
                if not line.split()[1] == b"OK":
                    raise ConnectionError(line.decode())
                return
    await cmd("a", "LOGIN %s %s" % (user, PASS))
    await cmd("b", "EXAMINE %s" % folder)
    w.write(b"c IDLE\r\n")
    await w.drain()
    line = await r.readline()
    if not line.startswith(b"+"):
        raise ConnectionError(line.decode())
    ready.append((user, folder))
    while True:
        line = await r.readline()
        if not line:
            return None
        if line.endswith(b"EXISTS\r\n"):
            return time.monotonic(), user, folder, w


async def server_check_async(s, a):
    v = s.vals
    ready = []
    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(imap_idle(
        int(v["FT_PORT_IMAPS"]), v["FT_CA"], user_name(u), folder_name(f),
        ready)) for u in range(a.users) for f in range(a.folders)]
    n = len(tasks)
    while len(ready) < n:
        failed = [t for t in tasks if t.done()]
        if failed:
            raise SystemExit("soak.py: a connection failed: %r"
                             % failed[0].exception())
        await asyncio.sleep(0.1)
    t_idle = time.monotonic() - t0
    dv_n, dv_rss = s.dovecot_procs()
    u, f = user_name(a.users - 1), folder_name(a.folders - 1)
    t1 = time.monotonic()
    await asyncio.get_running_loop().run_in_executor(
        None, s.save, u, f, message(0, u, f)[1])
    done, _ = await asyncio.wait(tasks, timeout=10,
                                 return_when=asyncio.FIRST_COMPLETED)
    got = [t.result() for t in done if t.result()]
    for t in tasks:
        t.cancel()
    return [("IDLE connections", "%d (%d users x %d folders)"
             % (n, a.users, a.folders)),
            ("all idle after", "%.1f s" % t_idle),
            ("Dovecot at idle", "%d processes, %d MiB RSS summed"
             % (dv_n, dv_rss // 1024)),
            ("EXISTS after a save", "%s on %s" % (
                "%.0f ms" % ((got[0][0] - t1) * 1000) if got else "none",
                "%s/%s" % got[0][1:3] if got else "-"))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=10)
    ap.add_argument("--folders", type=int, default=100,
                    help="folders per user")
    ap.add_argument("--duration", type=float, default=180,
                    help="seconds of trickle (default 180)")
    ap.add_argument("--idle", type=float, default=60,
                    help="seconds of idle measurement (default 60)")
    ap.add_argument("--interval", type=float, default=0.5,
                    help="mean seconds between two messages (default 0.5)")
    ap.add_argument("--jobs", type=int, default=4, help="the daemon's -j")
    ap.add_argument("--imap-notify", choices=("on", "off"), default="off",
                    help="the accounts' imap_notify: off (the default "
                    "here), a connection per folder; on, one NOTIFY "
                    "connection per account")
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--setup-timeout", type=float, default=600)
    ap.add_argument("--keepalive", action="store_true",
                    help="leave Dovecot's IDLE keepalive at its default "
                    "(2 minutes)")
    ap.add_argument("--server-check", action="store_true",
                    help="the Dovecot part alone: IDLE connections from "
                    "Python, no mfetch")
    ap.add_argument("--mfetch", default=os.path.join(os.getcwd(), "fetch",
                                                     "mfetch"))
    args = ap.parse_args()
    args.mfetch = os.path.abspath(args.mfetch)
    args.imap_notify = args.imap_notify == "on"
    if not args.server_check and not os.access(args.mfetch, os.X_OK):
        ap.error("%s: not found (run from the build directory, or "
                 "--mfetch)" % args.mfetch)
    s = Setup(args)
    log("load average at start: %s" % loadavg())
    try:
        s.start()
        if args.server_check:
            rows = asyncio.run(server_check_async(s, args))
        else:
            rows = soak(s, args)
    finally:
        s.stop()
        if not os.environ.get("SOAK_KEEP"):
            subprocess.run(["rm", "-rf", s.state])
        else:
            log("kept %s" % s.state)
    log("load average at end: %s" % loadavg())
    w = max(len(r[0]) for r in rows)
    print("%-*s  %s" % (w, "metric", "value"))
    for name, value in rows:
        print("%-*s  %s" % (w, name, value))


def loadavg():
    with open("/proc/loadavg") as f:
        return f.read().split()[0]


if __name__ == "__main__":
    main()
