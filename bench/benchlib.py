"""benchlib: what bench/send.py and bench/fetch.py share: a delaying,
turn-counting TCP proxy, the test suite's servers, and running a tool
under GNU time.  Standard library only."""

import asyncio
import os
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
        conn = {"turns": 0, "server_spoke": False}
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


def run_timed(argv, data, rssfile, env=None):
    """Run argv (stdin: data); returns (rc, wall s, user+sys s, max RSS KiB).

    GNU time measures the tool (a forked Python child would report the
    interpreter's own pages)."""
    t0 = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", "-o", rssfile]
                       + argv, input=data, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, env=env)
    wall = time.monotonic() - t0
    with open(rssfile) as f:
        u, s, rss = f.read().split()[-3:]
    return p.returncode, wall, float(u) + float(s), int(rss)
