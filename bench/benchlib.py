"""benchlib: what bench/send.py and bench/fetch.py share: a delaying,
turn-counting TCP proxy, the test suite's servers, and running a tool
under GNU time.  Standard library only."""

import asyncio
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
