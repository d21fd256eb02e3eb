"""benchlib: what bench/send.py and bench/fetch.py share: a delaying,
turn-counting TCP proxy, the test suite's servers, and running a tool
under GNU time.  Standard library only."""

import asyncio
import json
import os
import signal
import subprocess
import threading
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --- the delaying, turn-counting proxy ------------------------------------

class Proxy:
    def __init__(self, upstream_port, rtt_ms):
        self.upstream_port = upstream_port
        self.delay = rtt_ms / 2000.0
        self.turns = []          # per connection
        self.loop = None
        self.port = None
        self.ready = threading.Event()

    async def pump(self, reader, writer, conn, from_client):
        queue = asyncio.Queue()

        async def sender():
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                writer.write(data)
                await writer.drain()
            try:
                writer.write_eof()
            except (OSError, RuntimeError):
                pass

        task = asyncio.ensure_future(sender())
        while True:
            try:
                data = await reader.read(65536)
            except OSError:
                data = b""
            if not data:
                break
            conn["up" if from_client else "down"] += len(data)
            if from_client:
                if conn["server_spoke"]:
                    conn["turns"] += 1
                    conn["server_spoke"] = False
            else:
                conn["server_spoke"] = True
            await queue.put((time.monotonic() + self.delay, data))
        await queue.put((0, None))
        await task

    async def handle(self, creader, cwriter):
        conn = {"turns": 0, "server_spoke": False, "up": 0, "down": 0}
        self.turns.append(conn)
        sreader, swriter = await asyncio.open_connection("127.0.0.1",
                                                         self.upstream_port)
        await asyncio.gather(self.pump(creader, swriter, conn, True),
                             self.pump(sreader, cwriter, conn, False))
        cwriter.close()
        swriter.close()

    def run(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(
            asyncio.start_server(self.handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def start(self):
        threading.Thread(target=self.run, daemon=True).start()
        self.ready.wait()

    def stop(self):
        def halt():
            for task in asyncio.all_tasks(self.loop):
                task.cancel()
            self.loop.stop()
        self.loop.call_soon_threadsafe(halt)


# --- the servers ------------------------------------------------------------

def start_servers(state):
    certs = os.path.join(state, "certs")
    subprocess.run(["sh", os.path.join(TOP, "tests/mkcerts.sh"), certs],
                   check=True, stdout=subprocess.DEVNULL)
    env = dict(os.environ, CERTS=certs)
    srv = os.path.join(state, "srv")
    subprocess.run(["sh", os.path.join(TOP, "tests/integration/servers.sh"),
                    "start", srv], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    out = subprocess.run(["sh", os.path.join(TOP,
                          "tests/integration/servers.sh"), "env", srv],
                         check=True, capture_output=True, text=True).stdout
    vals = {}
    for line in out.splitlines():
        k, _, v = line.partition("=")
        vals[k] = v.strip("'")
    return srv, vals


def stop_servers(srv):
    subprocess.run(["sh", os.path.join(TOP, "tests/integration/servers.sh"),
                    "stop", srv], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def run_timed(argv, data, rssfile, env=None, errfile=None, timeout=None):
    """Run argv (stdin: data); returns (rc, wall s, user+sys s, max RSS KiB).

    GNU time measures the tool (a forked Python child would report the
    interpreter's own pages).  The tool runs in a session of its own, so
    that after `timeout` seconds the whole tree is killed, not only GNU
    time; rc is then None.  errfile, if given, receives the tool's stderr."""
    err = open(errfile, "wb") if errfile else subprocess.DEVNULL
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-f", "%U %S %M", "-o", rssfile]
                         + argv, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=err, env=env,
                         start_new_session=True)
    try:
        p.communicate(data, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(5)
                break
            except subprocess.TimeoutExpired:
                pass
        p.wait()
        rc = None
    wall = time.monotonic() - t0
    if errfile:
        err.close()
    try:
        with open(rssfile) as f:
            u, s, rss = f.read().split()[-3:]
        return rc, wall, float(u) + float(s), int(rss)
    except (OSError, ValueError):
        return rc, wall, 0.0, 0


# --- a packet-level link: ../shared/bench/netdelay.py tun -----------------

NETDELAY = os.path.join(os.path.dirname(TOP), "shared", "bench",
                        "netdelay.py")


class TunLink:
    """Clients in a network namespace of their own, reaching the servers
    through two TUN devices whose forwarder delays every IP packet by
    RTT/2 (netdelay.py tun; tc netem is missing from this kernel).  Unlike
    Proxy, the client's TCP sees the round trip: slow start, the window,
    Nagle and delayed ACKs.  In the client namespace "localhost" is the
    server side (10.77.2.1), where a relay forwards each port to the
    servers on 127.0.0.1, so certificates for localhost still verify.

    The namespaces are named after our PID, so that other sessions' links
    are left alone; stop() removes only what start() made."""

    def __init__(self, ports, rtt_ms, state):
        tag = "fb%d" % os.getpid()
        self.cns, self.sns = tag + "c", tag + "s"
        self.ports, self.rtt = ports, rtt_ms
        self.pidfile = os.path.join(state, "netdelay.pid")
        self.statsfile = os.path.join(state, "netdelay.json")
        self.log = os.path.join(state, "netdelay.log")
        self.proc = None
        self.last = None

    def start(self):
        etc = "/etc/netns/" + self.cns
        os.makedirs(etc, exist_ok=True)
        with open(os.path.join(etc, "hosts"), "w") as f:
            f.write("10.77.2.1 localhost\n")
        for ns in (self.cns, self.sns):
            subprocess.run(["ip", "netns", "add", ns], check=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                ["python3", NETDELAY, "tun", "--rtt-ms", str(self.rtt),
                 "--ports", ",".join(str(p) for p in self.ports),
                 "--client-ns", self.cns, "--server-ns", self.sns,
                 "--pidfile", self.pidfile, "--stats", self.statsfile],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True)
        for _ in range(200):
            if os.path.exists(self.pidfile) or self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if not os.path.exists(self.pidfile):
            self.stop()
            raise RuntimeError("netdelay.py did not start; see " + self.log)
        self.last = self.read_stats()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        for ns in (self.cns, self.sns):
            subprocess.run(["ip", "netns", "del", ns],
                           stderr=subprocess.DEVNULL)
        etc = "/etc/netns/" + self.cns
        if os.path.exists(etc):
            os.unlink(os.path.join(etc, "hosts"))
            os.rmdir(etc)
        try:
            os.rmdir("/etc/netns")      # only if empty, as latency.sh does
        except OSError:
            pass
        for f in (self.pidfile, self.statsfile):
            if os.path.exists(f):
                os.unlink(f)

    def addr(self, port):
        return "localhost", port

    def wrap(self, argv):
        return ["ip", "netns", "exec", self.cns] + argv

    def read_stats(self):
        """The forwarder's counters (it writes them on SIGUSR1)."""
        t = time.time()
        os.kill(self.proc.pid, signal.SIGUSR1)
        for _ in range(100):
            try:
                with open(self.statsfile) as f:
                    st = json.load(f)
                if st.get("time", 0) >= t:
                    return st
            except (OSError, ValueError):
                pass
            time.sleep(0.02)
        return {}

    def counters(self):
        """turns, bytes up and down (TCP payload) since the last call."""
        st = self.read_stats()
        d = {k: st.get(k, 0) - self.last.get(k, 0) for k in
             ("turns", "bytes_c2s", "bytes_s2c", "connections")}
        self.last = st
        return {"turns": d["turns"], "up": d["bytes_c2s"],
                "down": d["bytes_s2c"], "conns": d["connections"]}


class ProxyLink:
    """Proxy (above) in front of each port, behind TunLink's interface."""

    def __init__(self, ports, rtt_ms):
        self.proxies = {p: Proxy(p, rtt_ms) for p in ports}
        self.seen = 0

    def start(self):
        for p in self.proxies.values():
            p.start()
        self.seen = {p: 0 for p in self.proxies}

    def stop(self):
        for p in self.proxies.values():
            p.stop()

    def addr(self, port):
        return "127.0.0.1", self.proxies[port].port

    def wrap(self, argv):
        return argv

    def counters(self):
        conns = []
        for k, p in self.proxies.items():
            conns += p.turns[self.seen[k]:]
            self.seen[k] = len(p.turns)
        return {"turns": sum(c["turns"] for c in conns),
                "up": sum(c["up"] for c in conns),
                "down": sum(c["down"] for c in conns), "conns": len(conns)}


class Direct:
    """No link at all, nothing counted.  host: the name the tools are
    given, the same as through the link that follows, since mpop keys
    its UID list on user@host."""

    def __init__(self, host="127.0.0.1"):
        self.host = host

    def start(self):
        pass

    def stop(self):
        pass

    def addr(self, port):
        return self.host, port

    def wrap(self, argv):
        return argv

    def counters(self):
        return {"turns": 0, "up": 0, "down": 0, "conns": 0}
