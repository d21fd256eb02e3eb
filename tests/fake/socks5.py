#!/usr/bin/env python3
"""socks5.py: a tiny SOCKS5 proxy (RFC 1928) for the tests.

Standard library only; it listens on 127.0.0.1 and connects only to
127.0.0.1: a name it is asked for is "resolved" by the proxy itself
(localhost and any name ending in ".invalid" are 127.0.0.1; any other
name gets reply 4, host unreachable), so a test can prove that the
client let the proxy resolve the name.

Modes (what the proxy does with each connection):
  ok        no authentication, CONNECT, then relay bytes both ways
  refuse    answers CONNECT with reply code 5 (connection refused)
  garbage   answers the greeting with an HTTP error page
  hang      reads the greeting and never answers
  nomethod  answers the greeting with 0xFF (no acceptable method)

Used by runcase.py ("proxy: MODE", @PROXY_PORT@), or by a script:
    python3 socks5.py MODE   (prints the port, serves until killed or
                             until its parent process is gone)
"""

import select
import socket
import sys
import threading

MODES = ("ok", "refuse", "garbage", "hang", "nomethod")
IO_TIMEOUT = 30


class Proxy(threading.Thread):
    def __init__(self, mode, note=print):
        super().__init__(daemon=True)
        if mode not in MODES:
            raise ValueError("unknown proxy mode '%s'" % mode)
        self.mode = mode
        self.note = note
        self.requests = []      # "domain NAME port N", "ipv4 A port N"...
        self.errors = []        # what the client did wrong
        self.stop = threading.Event()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]

    def run(self):
        while not self.stop.is_set():
            r, _, _ = select.select([self.sock], [], [], 0.05)
            if r:
                c, _ = self.sock.accept()
                threading.Thread(target=self.serve, args=(c,),
                                 daemon=True).start()

    def close(self):
        self.stop.set()
        self.sock.close()

    def error(self, text):
        self.errors.append(text)
        self.note("proxy: %s" % text)

    def serve(self, c):
        try:
            c.settimeout(IO_TIMEOUT)
            self.negotiate(c)
        except (OSError, ValueError) as e:
            self.note("proxy: connection ended: %s" % e)
        finally:
            c.close()

    def negotiate(self, c):
        hdr = recv_exact(c, 2)
        if hdr is None:
            return self.note("proxy: the client closed at once")
        methods = recv_exact(c, hdr[1]) if hdr[0] == 5 else None
        if hdr[0] != 5 or methods is None:
            return self.error("greeting %r is not SOCKS5" % hdr)
        if 0 not in methods:
            return self.error("client does not offer 'no authentication'")
        if self.mode == "hang":
            self.note("proxy: greeting read; hanging")
            self.stop.wait(IO_TIMEOUT)
            return
        if self.mode == "garbage":
            c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            return
        if self.mode == "nomethod":
            c.sendall(b"\x05\xff")
            return
        c.sendall(b"\x05\x00")
        req = recv_exact(c, 4)
        if req is None or req[:3] != b"\x05\x01\x00":
            return self.error("request %r is not a SOCKS5 CONNECT" % req)
        if req[3] == 3:
            n = recv_exact(c, 1)[0]
            name = recv_exact(c, n).decode("ascii", "replace")
            kind = "domain"
        elif req[3] == 1:
            name = socket.inet_ntop(socket.AF_INET, recv_exact(c, 4))
            kind = "ipv4"
        elif req[3] == 4:
            name = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
            kind = "ipv6"
        else:
            return self.error("address type %d" % req[3])
        port = int.from_bytes(recv_exact(c, 2), "big")
        self.requests.append("%s %s port %d" % (kind, name, port))
        self.note("proxy: CONNECT %s %s port %d" % (kind, name, port))
        if self.mode == "refuse":
            c.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        if name in ("localhost", "127.0.0.1") or name.endswith(".invalid"):
            addr = "127.0.0.1"
        else:
            c.sendall(b"\x05\x04\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        try:
            s = socket.create_connection((addr, port), timeout=IO_TIMEOUT)
        except OSError:
            c.sendall(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")
            return
        c.sendall(b"\x05\x00\x00\x01\x7f\x00\x00\x01"
                  + s.getsockname()[1].to_bytes(2, "big"))
        relay(c, s, self.stop)
        s.close()


def recv_exact(c, n):
    data = b""
    while len(data) < n:
        chunk = c.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def relay(a, b, stop):
    """Copy bytes both ways until one side closes."""
    a.setblocking(False)
    b.setblocking(False)
    peer = {a: b, b: a}
    open_ = {a, b}
    while open_ and not stop.is_set():
        r, _, _ = select.select(list(open_), [], [], 0.1)
        for s in r:
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                open_.discard(s)
                try:
                    peer[s].shutdown(socket.SHUT_WR)
                except OSError:
                    pass
                continue
            peer[s].setblocking(True)
            try:
                peer[s].sendall(data)
            except OSError:
                open_.clear()
            peer[s].setblocking(False)


if __name__ == "__main__":
    # Serves until killed, or until its parent (a test script) is gone:
    # a script that dies half way leaves no proxy behind.
    import os
    import time
    parent = os.getppid()
    p = Proxy(sys.argv[1] if len(sys.argv) > 1 else "ok",
              note=lambda t: print(t, file=sys.stderr, flush=True))
    print(p.port, flush=True)
    p.start()
    try:
        while os.getppid() == parent:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    p.close()
