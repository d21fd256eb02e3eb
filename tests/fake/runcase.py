#!/usr/bin/env python3
"""runcase.py: run one fake-server case (see tests/fake/README).

A case file says what a scripted server on 127.0.0.1 sends and expects,
which client command to run against it, and what the client must do:
its exit code, what its stdout and stderr must (not) contain, and every
line it sends.  The server runs in a thread; the client is a child
process.  Standard library only.

Exit: 0 pass, 1 fail, 77 skip, 99 hard error (bad case, bad environment),
as the automake test driver expects.
"""

import base64
import binascii
import codecs
import fnmatch
import hashlib
import os
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import ssl
except ImportError:  # pragma: no cover
    ssl = None

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import socks5  # noqa: E402  (tests/fake/socks5.py)

PASS, FAIL, SKIP, HARD = 0, 1, 77, 99

DEFAULT_TIMEOUT = 10        # seconds for the whole case
GRACE = 3                   # seconds the server may take after the client
LINE_MAX = 64 * 1024        # longest client line the server accepts
SHOW_MAX = 160              # longer transcript lines are abbreviated
OUTPUT_MAX = 1024 * 1024    # bytes of the client's stdout, stderr kept

CERT_NAMES = ("server", "expired", "wrongname", "unknown", "selfsigned",
              "revoked")
HEADER_KEYS = ("run", "exit", "stdout", "!stdout", "stderr", "!stderr",
               "tls", "cert", "tls-max", "timeout", "allow", "server",
               "handshake", "fifo", "peer", "proxy", "proxied",
               "listen", "port", "tty", "ttyout", "!ttyout",
               "exit-within")
REPEATABLE = ("stdout", "!stdout", "stderr", "!stderr", "allow", "fifo",
              "proxied", "tty", "ttyout", "!ttyout")
BODY_MAX = 64 * 1024 * 1024  # bytes a BODY directive reads at most


class CaseError(Exception):
    """The case file itself is wrong (hard error, 99)."""


class Failure(Exception):
    """The server script did not go as the case says."""


# --- the case file --------------------------------------------------------

class Case:
    def __init__(self, path):
        self.path = path
        self.name = os.path.basename(path)
        self.h = {k: [] for k in HEADER_KEYS}
        self.config = None          # list of lines, or None
        self.files = []             # (path, mode, lines) of file: blocks
        self.script = []            # (lineno, directive, argument)
        self.blocks = []            # CONNECTION blocks: (lineno,
                                    # optional, script), or none

    def one(self, key, default=None):
        v = self.h[key]
        return v[-1] if v else default


DIRECTIVES = ("S", "RAW", "C", "STARTTLS", "TLSHELLO", "SLEEP", "CLOSE",
              "EOF", "IGNORE", "NEXT", "BODY", "SCRAM", "CHUNK",
              "CONNECTION", "SIGNAL", "WAIT", "QUIET")
# What may follow CLOSE, EOF or IGNORE (the connection is over).
OFFLINE = ("SLEEP", "SIGNAL", "WAIT")
SIGNALS = ("TERM", "INT", "HUP", "KILL", "USR1", "USR2", "QUIT", "STOP",
           "CONT")


def read_block(path, lines, i, what):
    """The lines of a block up to a line "end"; returns (lines, next i)."""
    block = []
    while True:
        if i >= len(lines):
            raise CaseError("%s: %s block without 'end'" % (path, what))
        cl = lines[i]
        i += 1
        if cl.strip() == "end":
            return block, i
        block.append(cl)


def parse_case(path):
    case = Case(path)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    n = len(lines)
    while i < n:
        raw = lines[i]
        i += 1
        line = raw.strip()
        if line == "" or line.startswith("#"):
            continue
        if line == "config:":
            if case.config is not None:
                raise CaseError("%s:%d: a second config: block" % (path, i))
            case.config, i = read_block(path, lines, i, "config:")
            continue
        if line.startswith("file:"):
            words = line[5:].split()
            mode = 0o600
            if len(words) == 2 and re.fullmatch(r"[0-7]{3,4}", words[1]):
                mode = int(words[1], 8)
            elif len(words) != 1:
                raise CaseError("%s:%d: expected 'file: PATH [MODE]'"
                                % (path, i))
            block, i = read_block(path, lines, i, "file:")
            case.files.append((words[0], mode, block))
            continue
        if line == "script:":
            parse_script(case, lines, i)
            break
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in HEADER_KEYS:
            raise CaseError("%s:%d: unknown line '%s'" % (path, i, line))
        value = value.strip()
        if key not in REPEATABLE and case.h[key]:
            raise CaseError("%s:%d: '%s' given twice" % (path, i, key))
        case.h[key].append(value)
    check_case(case)
    return case


def parse_script(case, lines, start):
    for k in range(start, len(lines)):
        lineno = k + 1
        raw = lines[k]
        s = raw.strip()
        if s == "" or s.startswith("#"):
            continue
        word, sep, arg = raw.lstrip().partition(":")
        if sep:
            # "S: text": exactly one space after the colon is the separator;
            # everything after it (trailing spaces included) is the text.
            if arg.startswith(" "):
                arg = arg[1:]
            word = word.strip()
        else:
            word, arg = s, None
        m = re.fullmatch(r"RAW\*(\d+)", word)
        if m:
            case.script.append((lineno, "RAW", (int(m.group(1)), arg)))
            continue
        if word not in DIRECTIVES:
            raise CaseError("%s:%d: unknown script directive '%s'"
                            % (case.path, lineno, s))
        needs_arg = word in ("S", "RAW", "C", "SLEEP", "SCRAM", "SIGNAL",
                             "WAIT", "QUIET")
        if word == "BODY" and arg is not None:
            try:
                arg = int(arg)
            except ValueError:
                raise CaseError("%s:%d: BODY: needs a number of bytes"
                                % (case.path, lineno))
        elif word == "BODY":
            arg = 0
        elif word == "CONNECTION" and arg not in (None, "optional"):
            raise CaseError("%s:%d: expected 'CONNECTION' or 'CONNECTION: "
                            "optional'" % (case.path, lineno))
        elif word == "CONNECTION":
            arg = arg == "optional"
        elif word == "SIGNAL" and arg not in SIGNALS:
            raise CaseError("%s:%d: SIGNAL: takes one of %s"
                            % (case.path, lineno, ", ".join(SIGNALS)))
        elif word == "WAIT" and not re.fullmatch(r"[1-9][0-9]*( connected)?",
                                                 arg or ""):
            raise CaseError("%s:%d: expected 'WAIT: N' or 'WAIT: N "
                            "connected'" % (case.path, lineno))
        elif word == "SCRAM" and arg is not None and "|" not in arg:
            raise CaseError("%s:%d: expected 'SCRAM: PREFIX|ATTRIBUTES'"
                            % (case.path, lineno))
        elif needs_arg and arg is None:
            raise CaseError("%s:%d: %s needs an argument after ':'"
                            % (case.path, lineno, word))
        elif not needs_arg and arg is not None:
            raise CaseError("%s:%d: %s takes no argument"
                            % (case.path, lineno, word))
        if word == "WAIT":
            n, _, how = arg.partition(" ")
            arg = (int(n), how == "connected")
        if word == "RAW":
            arg = (1, arg)
        if word in ("SLEEP", "QUIET"):
            try:
                arg = float(arg)
            except ValueError:
                raise CaseError("%s:%d: %s needs seconds"
                                % (case.path, lineno, word))
        case.script.append((lineno, word, arg))


def check_case(case):
    p = case.path
    if not case.h["run"]:
        raise CaseError("%s: no 'run:' line" % p)
    if not case.h["exit"]:
        raise CaseError("%s: no 'exit:' line" % p)
    try:
        int(case.one("exit"))
        float(case.one("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        raise CaseError("%s: exit and timeout must be numbers" % p)
    if case.one("tls", "plain") not in ("plain", "implicit"):
        raise CaseError("%s: tls: must be plain or implicit" % p)
    if case.one("cert", "server") not in CERT_NAMES:
        raise CaseError("%s: cert: must be one of %s" % (p, ", ".join(CERT_NAMES)))
    if case.one("tls-max", "1.3") not in ("1.2", "1.3"):
        raise CaseError("%s: tls-max: must be 1.2 or 1.3" % p)
    hs = case.one("handshake", "ok")
    if hs != "ok" and not hs.startswith("fail"):
        raise CaseError("%s: handshake: must be ok or fail [REGEX]" % p)
    if case.one("proxy", "ok") not in socks5.MODES + ("none",):
        raise CaseError("%s: proxy: must be one of %s, none"
                        % (p, ", ".join(socks5.MODES)))
    if case.one("port") is not None and not re.fullmatch(r"[0-9]{1,5}",
                                                         case.one("port")):
        raise CaseError("%s: port: must be a number" % p)
    if case.one("listen", "tcp") not in ("tcp", "unix"):
        raise CaseError("%s: listen: must be tcp or unix" % p)
    if case.one("server", "on") not in ("on", "none"):
        raise CaseError("%s: server: must be none (or on)" % p)
    if case.one("server") == "none" and (case.script or case.h["tls"]):
        raise CaseError("%s: server: none takes no script" % p)
    if (case.h["ttyout"] or case.h["!ttyout"]) and not case.h["tty"]:
        raise CaseError("%s: ttyout: needs a tty: line" % p)
    for key in ("stdout", "!stdout", "stderr", "!stderr", "ttyout",
                "!ttyout"):
        for rx in case.h[key]:
            try:
                re.compile(rx)
            except re.error as e:
                raise CaseError("%s: bad regex '%s': %s" % (p, rx, e))
    if case.h["exit-within"]:
        try:
            float(case.one("exit-within"))
        except ValueError:
            raise CaseError("%s: exit-within must be a number" % p)
        if not any(d == "SIGNAL" for _, d, _ in case.script):
            raise CaseError("%s: exit-within: needs a SIGNAL in the script"
                            % p)
    if any(d == "CONNECTION" for _, d, _ in case.script):
        split_blocks(case)
        return
    if any(d == "WAIT" for _, d, _ in case.script):
        raise CaseError("%s: WAIT needs CONNECTION blocks" % p)
    check_ends(case, case.script, "the script")


def check_ends(case, script, what):
    """CLOSE, EOF and IGNORE end the connection: only SLEEP, SIGNAL and
    WAIT may follow (CLOSE then NEXT: a drop, then the client's next
    run)."""
    for k, (lineno, d, _) in enumerate(script):
        if d not in ("CLOSE", "EOF", "IGNORE") or (
                d == "CLOSE" and k + 1 < len(script)
                and script[k + 1][1] == "NEXT"):
            continue
        for later, d2, _ in script[k + 1:]:
            if d2 not in OFFLINE:
                raise CaseError("%s:%d: %s after %s: CLOSE, EOF and "
                                "IGNORE must end %s (only %s may follow)"
                                % (case.path, later, d2, d, what,
                                   ", ".join(OFFLINE)))
        return


def split_blocks(case):
    """A script of CONNECTION blocks: case.blocks, one per connection."""
    p = case.path
    if case.script[0][1] != "CONNECTION":
        raise CaseError("%s:%d: a script with CONNECTION blocks must start "
                        "with one" % (p, case.script[0][0]))
    for lineno, d, arg in case.script:
        if d == "CONNECTION":
            if case.blocks and case.blocks[-1][1] and not arg:
                raise CaseError("%s:%d: a CONNECTION after an optional one "
                                "must be optional too" % (p, lineno))
            case.blocks.append((lineno, arg, []))
        elif d == "NEXT":
            raise CaseError("%s:%d: NEXT and CONNECTION blocks do not mix"
                            % (p, lineno))
        else:
            case.blocks[-1][2].append((lineno, d, arg))
    for n, (lineno, _, script) in enumerate(case.blocks, 1):
        check_ends(case, script, "a CONNECTION block")
        for wl, d, arg in script:
            if d == "WAIT" and (arg[0] > len(case.blocks) or arg[0] == n):
                raise CaseError("%s:%d: WAIT: %d: no such other connection"
                                % (p, wl, arg[0]))


# --- placeholders ---------------------------------------------------------

def fingerprint(certs, name, algo="sha256"):
    path = os.path.join(certs, name + ".pem")
    with open(path) as f:
        pem = f.read()
    m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                  pem, re.S)
    if m is None:
        raise CaseError("no certificate in %s" % path)
    der = ssl.PEM_cert_to_DER_cert(m.group(0))
    d = hashlib.new(algo, der).hexdigest().upper()
    return ":".join(d[i:i + 2] for i in range(0, len(d), 2))


class Subst:
    def __init__(self, values, certs):
        self.values = values
        self.certs = certs

    def __call__(self, text, quote=None):
        def rep(m):
            key = m.group(1)
            algos = {"FP": "sha256", "SHA1": "sha1", "MD5": "md5"}
            kind, colon, name = key.partition(":")
            if colon and kind in algos:
                if name not in CERT_NAMES:
                    raise CaseError("unknown certificate in @%s@" % key)
                v = fingerprint(self.certs, name, algos[kind])
            elif key in self.values:
                v = self.values[key]
            else:
                raise CaseError("unknown placeholder @%s@" % key)
            return quote(v) if quote else v
        return re.sub(r"@([A-Z0-9_]+(?::[a-z]+)?)@", rep, text)


# --- the transcript -------------------------------------------------------

class Transcript:
    def __init__(self):
        self.lines = []
        self.lock = threading.Lock()
        self.t0 = time.monotonic()

    def add(self, prefix, text):
        with self.lock:
            self.lines.append("%6.2f %s %s"
                              % (time.monotonic() - self.t0, prefix, text))

    def note(self, text):
        self.add("--", text)

    def data(self, who, data, label=""):
        """Show sent or received bytes line by line (label: the
        connection's "#N " with CONNECTION blocks)."""
        parts = data.split(b"\n")
        if parts and parts[-1] == b"":
            parts.pop()
            ends = [b"\n"] * len(parts)
        else:
            ends = [b"\n"] * (len(parts) - 1) + [b""]
        for k, (p, e) in enumerate(zip(parts, ends)):
            if e == b"\n" and p.endswith(b"\r"):
                p, mark = p[:-1], ""
            elif e == b"\n":
                mark = " [LF only]"
            else:
                mark = " [no line end]"
            self.add(label + (who if k == 0 else who[0] + "+"),
                     show(p) + mark)

    def text(self):
        with self.lock:
            return "\n".join(self.lines)


def show(b):
    s = b.decode("latin-1")
    out = []
    for ch in s:
        o = ord(ch)
        if o < 0x20 or o == 0x7f:
            out.append("\\x%02x" % o)
        elif o > 0x7e:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    s = "".join(out)
    if len(s) > SHOW_MAX:
        s = "%s...%s [%d bytes]" % (s[:100], s[-20:], len(b))
    return s


# --- the fake server ------------------------------------------------------

class Peer:
    """One accepted connection, plain or TLS, with an input buffer."""

    def __init__(self, sock, tr, deadline):
        self.sock = sock
        self.raw = sock
        self.tr = tr
        self.deadline = deadline
        self.inbuf = b""
        self.eof = False
        self.tls = False

    def remaining(self):
        return max(0.05, self.deadline - time.monotonic())

    def send(self, data):
        self.tr.data("S>", data)
        try:
            self.sock.settimeout(self.remaining())
            self.sock.sendall(data)
        except (OSError, ValueError) as e:
            # The client may rightly stop reading (an over-long line):
            # what it did next is checked by the next directive.
            self.tr.note("send failed (%s): the client stopped reading"
                         % errtext(e))

    def fill(self):
        """Read more input; False at the end of the stream."""
        if self.eof:
            return False
        try:
            self.sock.settimeout(self.remaining())
            chunk = self.sock.recv(65536)
        except socket.timeout:
            raise Failure("timed out waiting for the client")
        except (ConnectionResetError, BrokenPipeError) as e:
            self.tr.note("connection reset by the client (%s)" % errtext(e))
            chunk = b""
        except ssl.SSLError as e:
            # An abrupt close under TLS (no close_notify) is a close too.
            self.tr.note("TLS read ended: %s" % errtext(e))
            chunk = b""
        except OSError as e:
            self.tr.note("read error: %s" % errtext(e))
            chunk = b""
        if not chunk:
            self.eof = True
            return False
        self.inbuf += chunk
        return True

    def readline(self):
        """One line without its CRLF, or None if the client closed."""
        while b"\n" not in self.inbuf:
            if len(self.inbuf) > LINE_MAX:
                raise Failure("client sent more than %d bytes without a "
                              "line end" % LINE_MAX)
            if not self.fill():
                if self.inbuf:
                    self.tr.data("C>", self.inbuf)
                    raise Failure("client closed after a partial line")
                return None
        line, _, self.inbuf = self.inbuf.partition(b"\n")
        self.tr.data("C>", line + b"\n")
        if line.endswith(b"\r"):
            line = line[:-1]
        return line

    def read_body(self):
        """Lines up to a line "." (any length): (lines, bytes), or None."""
        nlines = nbytes = 0
        start = 0
        while True:
            k = self.inbuf.find(b"\n", start)
            if k < 0:
                start = len(self.inbuf)
                if nbytes + start > BODY_MAX:
                    raise Failure("client sent more than %d bytes of data"
                                  % BODY_MAX)
                if not self.fill():
                    return None
                continue
            line, self.inbuf = self.inbuf[:k], self.inbuf[k + 1:]
            start = 0
            if line.endswith(b"\r"):
                line = line[:-1]
            if line == b".":
                return nlines, nbytes
            nlines += 1
            nbytes += len(line)

    def quiet(self, secs):
        """QUIET: the client sends nothing and keeps the connection open
        for secs seconds."""
        start = time.monotonic()
        end = start + secs
        self.tr.note("the client must stay quiet for %g s" % secs)
        while not self.inbuf and not self.eof:
            left = end - time.monotonic()
            if left <= 0:
                return
            try:
                self.sock.settimeout(left)
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return
            except (OSError, ValueError) as e:
                self.tr.note("read error: %s" % errtext(e))
                chunk = b""
            if not chunk:
                self.eof = True
            self.inbuf += chunk
        if self.inbuf:
            self.tr.data("C>", self.inbuf)
            raise Failure("client sent %r after %.2f s; it should have "
                          "stayed quiet for %g s" % (
                              self.inbuf[:80], time.monotonic() - start,
                              secs))
        raise Failure("client closed the connection after %.2f s; it "
                      "should have kept it open, quiet, for %g s"
                      % (time.monotonic() - start, secs))

    def read_exact(self, n):
        while len(self.inbuf) < n:
            if not self.fill():
                return None
        data, self.inbuf = self.inbuf[:n], self.inbuf[n:]
        return data

    def start_tls(self, ctx):
        self.sock.settimeout(self.remaining())
        self.sock = ctx.wrap_socket(self.raw, server_side=True,
                                    do_handshake_on_connect=False)
        self.sock.settimeout(self.remaining())
        self.sock.do_handshake()
        self.tls = True
        return self.sock.version(), self.sock.cipher()[0]

    def drop_tls(self):
        """After a failed handshake: go on reading the bare socket."""
        self.sock = self.raw = socket.socket(fileno=self.sock.detach())
        self.tls = False
        self.inbuf = b""

    def abort(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def close(self):
        # Read what is already there so that closing sends FIN, not RST.
        try:
            self.sock.setblocking(False)
            while self.sock.recv(65536):
                pass
        except (OSError, ValueError):
            pass
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except (OSError, ValueError):
            pass
        self.sock.close()


def errtext(e):
    return "%s: %s" % (type(e).__name__, e)


class Labeled:
    """The transcript as one connection writes it: each line starts with
    the connection's number ("#2 ") when the script has CONNECTION
    blocks; unlabeled otherwise."""

    def __init__(self, tr, label):
        self.tr = tr
        self.label = label

    def add(self, prefix, text):
        self.tr.add(self.label + prefix, text)

    def note(self, text):
        self.add("--", text)

    def data(self, who, data):
        self.tr.data(who, data, self.label)


class Server(threading.Thread):
    """The fake server: the listener, and the script played on the
    connections it accepts.  Without CONNECTION blocks, one connection
    at a time (NEXT: the next one); with them, each accepted connection
    plays its own block in a thread of its own (Conn), in the order the
    connections are accepted."""

    def __init__(self, case, listener, subst, certs, tr, deadline):
        super().__init__(daemon=True)
        self.case = case
        self.listener = listener
        self.subst = subst
        self.certs = certs
        self.tr = tr
        self.deadline = deadline
        self.stop = threading.Event()
        self.client_done = threading.Event()  # the client has exited
        self.client = None          # its subprocess.Popen, for SIGNAL:
        self.last_signal = None     # when SIGNAL: last sent one
        self.lock = threading.Lock()
        self.failures = []
        self.conns = []             # Conn, per connection of the script
        self.peers = []             # the client's address, per connection
        self.where = "waiting for the connection"
        self.block_done = [threading.Event() for _ in case.blocks]
        self.block_connected = [threading.Event() for _ in case.blocks]

    def fail(self, text):
        with self.lock:
            self.failures.append(text)

    def ctx(self):
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        name = self.case.one("cert", "server")
        c.load_cert_chain(os.path.join(self.certs, name + ".pem"),
                          os.path.join(self.certs, name + ".key"))
        if self.case.one("tls-max", "1.3") == "1.2":
            c.maximum_version = ssl.TLSVersion.TLSv1_2
        if hasattr(c, "num_tickets"):
            c.num_tickets = 0
        return c

    def run(self):
        try:
            if self.case.blocks:
                self.serve_blocks()
            else:
                conn = Conn(self, "")
                self.conns.append(conn)
                conn.run_sequential()
        except Failure as e:
            self.fail("%s: %s" % (self.where, e))
        except Exception as e:  # a bug here must show, not hang
            self.fail("%s: server error: %s" % (self.where, errtext(e)))

    def unfinished(self):
        """Where the script stands, for "did not finish"."""
        where = [c.where for c in self.conns if c.is_running()]
        if self.case.blocks and self.where:
            where.append(self.where)
        return "; ".join(where) or self.where

    def abort(self):
        self.stop.set()
        for c in self.conns:
            if c.peer is not None:
                c.peer.abort()

    def accept_one(self, label=""):
        """One connection: its socket, noted in the transcript."""
        sock, addr = self.listener.accept()
        if sock.family == socket.AF_UNIX:
            self.tr.note("%sconnection on the unix socket" % label)
            addr = ("unix", 0)
        else:
            self.tr.note("%sconnection from %s port %d"
                         % ((label,) + tuple(addr[:2])))
        with self.lock:
            self.peers.append(addr[0])
        return sock

    def accept(self):
        """Sequential scripts: wait for the client's connection."""
        while not self.stop.is_set():
            if time.monotonic() > self.deadline:
                raise Failure("the client never connected")
            r, _, _ = select.select([self.listener], [], [], 0.05)
            if r:
                return self.accept_one()
        return None

    def wait_connection(self):
        """CONNECTION blocks: True when a connection waits to be
        accepted; False once the client has exited (or the case is
        stopped, or past its deadline) without one."""
        while not self.stop.is_set():
            done = self.client_done.is_set()
            wait = 0 if done else 0.05
            if select.select([self.listener], [], [], wait)[0]:
                return True
            if done or time.monotonic() > self.deadline:
                return False
        return False

    def serve_blocks(self):
        blocks = self.case.blocks
        for n, (lineno, optional, script) in enumerate(blocks, 1):
            self.where = "waiting for connection %d (script line %d)" % (
                n, lineno)
            if not self.wait_connection():
                if not optional:
                    self.fail("the client never opened connection %d "
                              "(script line %d)" % (n, lineno))
                else:
                    self.tr.note("optional connection %d did not come"
                                 % n)
                break
            label = "#%d " % n
            conn = Conn(self, label, n)
            conn.sock = self.accept_one(label)
            self.conns.append(conn)
            self.block_connected[n - 1].set()
            conn.thread = threading.Thread(target=conn.run_block,
                                           args=(script,), daemon=True)
            conn.thread.start()
        else:
            # Every block has its connection: any more is a failure.
            self.where = "watching for connections past the script"
            extra = len(blocks)
            while self.wait_connection():
                extra += 1
                sock = self.accept_one("#%d " % extra)
                self.fail("connection %d: the script has only %d "
                          "CONNECTION blocks" % (extra, len(blocks)))
                sock.close()
        self.where = ""
        for conn in self.conns:
            conn.thread.join()


class Conn:
    """One connection's side of the script: its peer, where it stands,
    the last line a C: read."""

    def __init__(self, server, label, number=0):
        self.server = server
        self.case = server.case
        self.subst = server.subst
        self.tr = Labeled(server.tr, label) if label else server.tr
        self.label = label
        self.number = number        # its CONNECTION block, 1...; 0: none
        self.deadline = server.deadline
        self.peer = None
        self.sock = None            # accepted by the server (blocks)
        self.thread = None
        self.where = "waiting for the connection"
        self.last_line = None       # the last line a C: directive read
        self.ended = False

    def is_running(self):
        return not self.ended

    def fail(self, text):
        self.server.fail("%s%s: %s" % (
            "connection %d, " % self.number if self.number else "",
            self.where, text))

    def guarded(self, fn):
        """Run fn(); a failure or a bug in it fails the case."""
        try:
            fn()
        except Failure as e:
            self.fail(str(e))
        except Exception as e:  # a bug here must show, not hang
            self.fail("server error: %s" % errtext(e))
        finally:
            self.ended = True
            if self.peer is not None:
                self.peer.close()

    def run_sequential(self):
        self.guarded(self.serve)

    def run_block(self, script):
        def block():
            self.peer = Peer(self.sock, self.tr, self.deadline)
            if self.case.one("tls", "plain") == "implicit":
                self.where = "connection start"
                if not self.handshake("implicit TLS handshake"):
                    return
            self.play(script, self.peer)
        try:
            self.guarded(block)
        finally:
            self.server.block_done[self.number - 1].set()

    def handshake(self, what):
        expect = self.case.one("handshake", "ok")
        try:
            version, cipher = self.peer.start_tls(self.server.ctx())
        except (ssl.SSLError, OSError) as e:
            self.tr.note("%s failed: %s" % (what, errtext(e)))
            if not expect.startswith("fail"):
                raise Failure("%s failed: %s" % (what, errtext(e)))
            rx = expect[4:].strip()
            if rx and not re.search(rx, str(e)):
                raise Failure("%s failed, but not as expected (/%s/): %s"
                              % (what, rx, errtext(e)))
            # The connection is dead now: the client must close it
            # without sending anything (no plaintext after a failed TLS).
            self.peer.drop_tls()
            line = self.peer.readline()
            if line is not None:
                raise Failure("client sent '%s' after the failed TLS "
                              "handshake; it should have closed the "
                              "connection" % show(line))
            self.tr.note("client closed the connection, as expected")
            return False
        self.tr.note("%s done: %s, %s" % (what, version, cipher))
        if expect.startswith("fail"):
            raise Failure("%s succeeded, but the case expects the client "
                          "to reject it" % what)
        return True

    def connect(self):
        """Accept a connection (TLS at once if implicit); None if not."""
        sock = self.server.accept()
        if sock is None:
            return None
        self.peer = Peer(sock, self.tr, self.deadline)
        if self.case.one("tls", "plain") == "implicit":
            self.where = "connection start"
            if not self.handshake("implicit TLS handshake"):
                return None
        return self.peer

    def scram_first(self, arg):
        """SCRAM: PREFIX|ATTRS, with the nonce of the last client line."""
        prefix, _, attrs = arg.partition("|")
        word = (self.last_line or b"").split(b" ")[-1]
        try:
            cfirst = base64.b64decode(word, validate=True).decode("latin-1")
        except (ValueError, binascii.Error):
            raise Failure("the client's last line '%s' is not base64"
                          % show(self.last_line or b""))
        nonce = [a[2:] for a in cfirst.split(",") if a.startswith("r=")]
        if not nonce:
            raise Failure("no nonce (r=) in the client's SCRAM message "
                          "'%s'" % show(cfirst.encode("latin-1")))
        sfirst = "r=%sFakeServerNonce,%s" % (nonce[0], self.subst(attrs))
        self.tr.note("SCRAM server-first-message: %s" % sfirst)
        return (self.subst(prefix).encode("utf-8")
                + base64.b64encode(sfirst.encode("latin-1")) + b"\r\n")

    def serve(self):
        script = self.case.script
        p = self.connect()
        if p is None:
            if self.peer is not None:
                return      # the failed implicit handshake was expected
            if script:
                raise Failure("the client never connected")
            self.tr.note("no connection (none needed: the script is empty)")
            return
        self.play(script, p)

    def signal(self, name):
        """SIGNAL: send the signal to the client process."""
        deadline = time.monotonic() + 1
        while self.server.client is None and time.monotonic() < deadline:
            time.sleep(0.01)
        proc = self.server.client
        if proc is None:
            raise Failure("no client process to signal")
        sig = getattr(signal, "SIG" + name)
        if proc.poll() is not None:
            raise Failure("SIG%s: the client has already exited" % name)
        self.server.last_signal = time.monotonic()
        proc.send_signal(sig)
        self.tr.note("SIG%s sent to the client (pid %d)" % (name, proc.pid))

    def wait_block(self, n, connected):
        """WAIT: until connection n's block has ended (or, connected,
        until the client has opened connection n)."""
        if connected:
            ev, what = self.server.block_connected[n - 1], "opened"
        else:
            ev, what = self.server.block_done[n - 1], "ended"
        self.tr.note("waiting until connection %d has %s" % (n, what))
        while not ev.wait(0.05):
            if self.server.stop.is_set():
                raise Failure("stopped while waiting for connection %d"
                              % n)
            if time.monotonic() > self.deadline:
                raise Failure("connection %d never %s" % (n, what))
        self.tr.note("connection %d %s" % (n, what))

    def play(self, script, p):
        pending = b""
        closed = False
        over = False        # CLOSE, EOF, IGNORE: the connection is done
        for k, (lineno, d, arg) in enumerate(script):
            self.where = "script line %d (%s)" % (lineno, d)
            if d in ("S", "RAW"):
                if d == "S":
                    pending += self.subst(arg).encode("utf-8") + b"\r\n"
                else:
                    count, text = arg
                    data = codecs.escape_decode(
                        self.subst(text).encode("utf-8"))[0]
                    pending += data * count
                continue
            if pending:
                p.send(pending)
                pending = b""
            if d == "C":
                line = p.readline()
                if line is None:
                    raise Failure("client closed the connection; expected "
                                  "a line matching '%s'" % arg)
                self.last_line = line
                want = self.subst(arg)
                got = line.decode("latin-1")
                if not fnmatch.fnmatchcase(got, want):
                    raise Failure("client sent '%s'; expected a line "
                                  "matching '%s'" % (show(line), want))
            elif d == "STARTTLS":
                if p.inbuf:
                    raise Failure("client sent %r before the TLS handshake"
                                  % p.inbuf[:80])
                if not self.handshake("STARTTLS handshake"):
                    return
            elif d == "TLSHELLO":
                hdr = p.read_exact(5)
                if hdr is None:
                    raise Failure("client closed; expected a TLS ClientHello")
                body = p.read_exact(int.from_bytes(hdr[3:5], "big"))
                if hdr[0] != 22 or hdr[1] != 3 or not body or body[0] != 1:
                    raise Failure("client sent %r, not a TLS ClientHello"
                                  % (hdr + (body or b""))[:40])
                self.tr.add("C>", "[TLS ClientHello, %d bytes]"
                            % (5 + len(body)))
            elif d == "SLEEP":
                self.tr.note("sleeping %g s" % arg)
                if self.server.stop.wait(arg):
                    raise Failure("stopped while sleeping")
            elif d == "SIGNAL":
                self.signal(arg)
            elif d == "WAIT":
                self.wait_block(*arg)
            elif d == "QUIET":
                p.quiet(arg)
            elif d == "CLOSE":
                self.tr.note("server closes the connection")
                p.close()
                if k + 1 < len(script) and script[k + 1][1] == "NEXT":
                    closed = True
                    continue
                over = True
            elif d == "EOF":
                self.expect_eof()
                over = True
            elif d == "NEXT":
                if not closed:
                    self.expect_eof()
                    p.close()
                closed = False
                self.peer = None
                p = self.connect()
                if p is None:
                    if self.peer is not None:
                        return
                    raise Failure("the client never connected again")
            elif d == "BODY":
                got = p.read_body()
                if got is None:
                    raise Failure("client closed the connection before a "
                                  "line '.'")
                self.tr.add("C>", "[%d lines, %d bytes, then '.']" % got)
                if got[1] < arg:
                    raise Failure("client sent %d bytes of data; expected "
                                  "at least %d" % (got[1], arg))
            elif d == "CHUNK":
                line = p.readline()
                if line is None:
                    raise Failure("client closed the connection; expected "
                                  "'BDAT n [LAST]'")
                m = re.fullmatch(rb"BDAT (\d+)( LAST)?", line)
                if m is None:
                    raise Failure("client sent '%s'; expected 'BDAT n "
                                  "[LAST]'" % show(line))
                n = int(m.group(1))
                if n > BODY_MAX:
                    raise Failure("BDAT %d: more than %d bytes" % (n, BODY_MAX))
                data = p.read_exact(n) if n > 0 else b""
                if data is None:
                    raise Failure("client closed the connection inside "
                                  "BDAT %d" % n)
                self.tr.add("C>", "[BDAT chunk: %d bytes]" % n)
            elif d == "SCRAM":
                p.send(self.scram_first(arg))
            elif d == "IGNORE":
                n = len(p.inbuf)
                p.inbuf = b""
                while p.fill():
                    n += len(p.inbuf)
                    p.inbuf = b""
                self.tr.note("ignored %d bytes until the client closed" % n)
                over = True
        if over:
            return
        if pending:
            p.send(pending)
        self.where = "after the script"
        self.drain()

    def expect_eof(self):
        line = self.peer.readline()
        if line is not None:
            raise Failure("client sent '%s'; it should have closed the "
                          "connection without sending anything more"
                          % show(line))
        self.tr.note("client closed the connection, as expected")

    def drain(self):
        """Read until the client closes; only allowed lines may come."""
        allow = [self.subst(a) for a in self.case.h["allow"]]
        while True:
            line = self.peer.readline()
            if line is None:
                self.tr.note("client closed the connection")
                return
            got = line.decode("latin-1")
            if not any(fnmatch.fnmatchcase(got, a) for a in allow):
                raise Failure("client sent '%s' after the end of the script "
                              "(allowed: %s)" % (show(line), ", ".join(
                                  "'%s'" % a for a in allow) or "nothing"))
            # Lines already received must be allowed too; then close.
            while b"\n" in self.peer.inbuf:
                line = self.peer.readline()
                got = line.decode("latin-1")
                if not any(fnmatch.fnmatchcase(got, a) for a in allow):
                    raise Failure("client sent '%s' after the end of the "
                                  "script" % show(line))
            self.tr.note("allowed line: the server closes the connection")
            return


# --- the runner -----------------------------------------------------------

def env_path(name):
    v = os.environ.get(name)
    if not v:
        raise CaseError("%s is not set (run through 'make check')" % name)
    return v


def main(argv):
    if len(argv) != 2:
        print("usage: runcase.py FILE.case", file=sys.stderr)
        return HARD
    if ssl is None:
        print("SKIP: Python has no ssl module")
        return SKIP
    try:
        return run_case(argv[1])
    except CaseError as e:
        print("HARD ERROR: %s" % e)
        return HARD


def run_case(path):
    case = parse_case(path)
    certs = env_path("CERTS")
    if not os.path.exists(os.path.join(certs, "stamp")):
        raise CaseError("no certificates in %s (tests/mkcerts.sh)" % certs)
    builddir = os.environ.get("TOP_BUILDDIR", os.getcwd())
    tmproot = os.path.join(builddir, "tests", "tmp")
    os.makedirs(tmproot, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="fake-", dir=tmproot)
    listener = held = None
    proxy = None
    try:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if case.one("port") is not None:
            listener = bind_fixed_port(listener, int(case.one("port")))
            if listener is None:
                print("SKIP: cannot bind port %s on 127.0.0.0/8 (not "
                      "root?)" % case.one("port"))
                return SKIP
        else:
            listener.bind(("127.0.0.1", 0))
        addr, port = listener.getsockname()[:2]
        sockpath = os.path.join(tmp, "server.sock")
        if case.one("listen", "tcp") == "unix":
            # @PORT@ stays bound (nobody listens): a client that used
            # host:port instead of the socket gets "connection refused".
            held = listener
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(sockpath)
        if case.one("server", "on") == "none":
            # Bound but not listening: a connection is refused at once,
            # and nobody else can take the port meanwhile.
            pass
        else:
            listener.listen(4)
        values = {
            "PORT": str(port),
            "ADDR": addr,
            "CERTS": certs,
            "TMP": tmp,
            "CONFIG": os.path.join(tmp, "config"),
            "SOCKET": sockpath,
            "TOP_SRCDIR": os.environ.get("TOP_SRCDIR", ""),
            "TOP_BUILDDIR": builddir,
        }
        for prog in ("MSEND", "MFETCH"):
            if os.environ.get(prog):
                values[prog] = os.environ[prog]
        if case.h["proxy"]:
            proxy = start_proxy(case.one("proxy"))
            values["PROXY_PORT"] = str(proxy.port)
        subst = Subst(values, certs)
        argv = [subst(a) for a in shlex.split(case.one("run"))]
        if not os.access(argv[0], os.X_OK):
            raise CaseError("cannot run '%s'" % argv[0])
        make_files(case, subst)
        if case.config is not None:
            cfg = os.path.join(tmp, "config")
            fd = os.open(cfg, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                for line in case.config:
                    f.write(subst(line) + "\n")
        return run_with_server(case, listener, subst, certs, argv, tmp,
                               proxy)
    finally:
        if listener is not None:
            listener.close()
        if held is not None:
            held.close()
        if proxy is not None:
            proxy.close()
        shutil.rmtree(tmp, ignore_errors=True)


def bind_fixed_port(sock, port):
    """Bind a fixed port (995...) on a random 127.0.0.N, where no real
    server and no other test is; None if that is not allowed."""
    import random
    for n in random.sample(range(100, 250), 20):
        try:
            sock.bind(("127.0.0.%d" % n, port))
            return sock
        except PermissionError:
            break
        except OSError:
            continue
    sock.close()
    return None


class Collector(threading.Thread):
    """Read a pipe to its end, keeping at most OUTPUT_MAX bytes (a
    client in a loop may write gigabytes)."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.data = bytearray()
        self.dropped = 0
        self.start()

    def run(self):
        while True:
            chunk = self.pipe.read1(65536)
            if not chunk:
                break
            room = OUTPUT_MAX - len(self.data)
            self.data += chunk[:room]
            self.dropped += max(0, len(chunk) - room)

    def result(self):
        # The group is dead or done; a grandchild that left it could
        # still hold the pipe: do not wait for it forever.
        self.join(GRACE)
        b = bytes(self.data)
        if self.dropped:
            b += b"\n[runcase: %d more bytes not kept]\n" % self.dropped
        return b


def make_files(case, subst):
    """The file: blocks and fifo: lines, before the client runs."""
    for path, mode, lines in case.files:
        path = subst(path)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w") as f:
            for line in lines:
                f.write(subst(line) + "\n")
    for path in case.h["fifo"]:
        path = subst(path)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        os.mkfifo(path, 0o600)


class TtyAnswerer:
    """A pseudo-terminal that becomes the client's controlling terminal
    (and only that: /dev/tty in the client).  Each time what the terminal
    shows ends with ": " (a prompt), the next answer is typed, with a
    newline.  What the terminal showed is kept for ttyout: checks (the
    answers appear only if the client left echo on)."""

    def __init__(self, answers, tr):
        import pty
        # "!TERM", "!INT", "!HUP": send that signal to the client's
        # process group at the prompt instead of typing an answer.
        self.answers = [a.encode() + (b"" if a.startswith("!") else b"\n")
                        for a in answers]
        self.pid = None
        self.tr = tr
        self.master, self.slave = pty.openpty()
        self.shown = b""
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def child_setup(self):
        import fcntl
        import termios
        os.setsid()
        fcntl.ioctl(self.slave, termios.TIOCSCTTY, 0)
        os.close(self.slave)
        os.close(self.master)

    def start(self):
        # The slave stays open here until finish(): while no process has
        # it open, reading the master fails (EIO) at once.
        self.thread.start()

    def run(self):
        since = 0
        while not self.stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:     # EIO: nobody has the terminal open
                break
            if not data:
                break
            self.shown += data
            if (self.answers and self.shown.endswith(b": ")
                    and len(self.shown) > since):
                answer = self.answers.pop(0)
                prompt = self.shown[since:].decode("latin-1")
                since = len(self.shown)
                if answer.startswith(b"!"):
                    sig = getattr(signal, "SIG" + answer[1:].decode())
                    self.tr.note("tty: prompt, %s sent to the client"
                                 % sig.name)
                    os.killpg(self.pid, sig)
                    continue
                self.tr.note("tty: prompt %r, answer typed" % prompt)
                os.write(self.master, answer)

    def echo_on(self):
        """Is echo on, as the client must leave its terminal?"""
        import termios
        return bool(termios.tcgetattr(self.master)[3] & termios.ECHO)

    def finish(self):
        self.stop.set()
        self.thread.join(GRACE)
        self.echo_left_on = self.echo_on()
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass
        return self.shown.decode("utf-8", "replace").replace("\r\n", "\n")


class NoProxy:
    """proxy: none: a port bound on 127.0.0.1 where nobody listens."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.requests, self.errors = [], []

    def close(self):
        self.sock.close()


def start_proxy(mode):
    if mode == "none":
        return NoProxy()
    p = socks5.Proxy(mode)
    p.start()
    return p


def run_with_server(case, listener, subst, certs, argv, tmp, proxy=None):
    timeout = float(case.one("timeout", DEFAULT_TIMEOUT))
    tr = Transcript()
    if proxy is not None:
        proxy.note = tr.note
    start = time.monotonic()
    deadline = start + timeout
    server = None
    if case.one("server", "on") != "none":
        server = Server(case, listener, subst, certs, tr, deadline)
        server.start()

    env = dict(os.environ)
    env.update(HOME=tmp, XDG_CONFIG_HOME=os.path.join(tmp, ".config"),
               LC_ALL="C", TZ="UTC")
    tr.note("run: %s" % " ".join(shlex.quote(a) for a in argv))
    killed = False
    # A session (so a process group) of its own, so that a timeout kills
    # everything it started (a shell, the client under it, an MDA), and
    # without the controlling terminal of whoever runs the tests: no
    # client ever waits for a person.  With "tty:" lines its controlling
    # terminal is a pseudo-terminal of ours, on which we answer prompts
    # (stdin, stdout and stderr stay as they are).
    tty = None
    group = {"start_new_session": True}
    if case.h["tty"]:
        tty = TtyAnswerer([subst(a) for a in case.h["tty"]], tr)
        group = {"preexec_fn": tty.child_setup}
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=tmp, **group)
    if tty is not None:
        tty.pid = proc.pid
        tty.start()
    if server is not None:
        server.client = proc    # for SIGNAL:
    outc, errc = Collector(proc.stdout), Collector(proc.stderr)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        # The whole group (not yet reaped, so its id is still ours).
        killed = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            pass
        proc.wait()
    exited = time.monotonic()
    if server is not None:
        server.client_done.set()
    out, err = outc.result(), errc.result()
    rc = proc.returncode
    tty_s = tty.finish() if tty is not None else ""
    if tty is not None and not tty.echo_left_on:
        tr.note("the client left its terminal with echo off")
    tr.note("client exited with %s after %.2f s" % (
        rc if rc >= 0 else "signal %d" % -rc, time.monotonic() - start))

    problems = []
    if server is not None:
        server.join(GRACE)
        if server.is_alive():
            problems.append("server script did not finish (%s)"
                            % server.unfinished())
            server.abort()
            server.join(GRACE)
        problems += ["server: " + f for f in server.failures]

    if proxy is not None:
        problems += ["proxy: " + e for e in proxy.errors]
        for rx in case.h["proxied"]:
            r = subst(rx, re.escape)
            if not proxy.requests or not all(re.fullmatch(r, q)
                                             for q in proxy.requests):
                problems.append("proxy requests %s, expected /%s/"
                                % (proxy.requests or "none", r))
    for rx in case.h["peer"]:
        got = server.peers if server is not None else []
        if not got or not all(re.fullmatch(rx, a) for a in got):
            problems.append("client connected from %s, expected /%s/"
                            % (", ".join(got) or "nowhere", rx))

    out_s = out.decode("utf-8", "replace")
    err_s = err.decode("utf-8", "replace")
    want = int(case.one("exit"))
    if killed:
        problems.append("client still running after %g s: killed" % timeout)
    elif rc != want:
        problems.append("exit code %d, expected %d" % (rc, want))
    if case.h["exit-within"] and not killed:
        limit = float(case.one("exit-within"))
        if server is None or server.last_signal is None:
            problems.append("exit-within: the script sent no signal")
        elif exited - server.last_signal > limit:
            problems.append("client exited %.2f s after the signal, "
                            "expected within %g s"
                            % (exited - server.last_signal, limit))
    if tty is not None and not tty.echo_left_on:
        problems.append("the client left its terminal with echo off")
    for key, text in (("stdout", out_s), ("stderr", err_s),
                      ("ttyout", tty_s)):
        for rx in case.h[key]:
            r = subst(rx, re.escape)
            if not re.search(r, text, re.M):
                problems.append("%s does not match /%s/" % (key, r))
        for rx in case.h["!" + key]:
            r = subst(rx, re.escape)
            m = re.search(r, text, re.M)
            if m:
                problems.append("%s matches /%s/ (forbidden): '%s'"
                                % (key, r, show(m.group(0).encode())))

    print("case: %s" % case.name)
    print("result: %s" % ("PASS" if not problems else "FAIL"))
    for pr in problems:
        print("  - %s" % pr)
    print("--- transcript (S> server sent, S+ same send(), C> client sent) ---")
    print(tr.text())
    print("--- client stdout ---")
    print(out_s, end="" if out_s.endswith("\n") or not out_s else "\n")
    print("--- client stderr ---")
    print(err_s, end="" if err_s.endswith("\n") or not err_s else "\n")
    if tty is not None:
        print("--- client terminal ---")
        print(tty_s, end="" if tty_s.endswith("\n") or not tty_s else "\n")
    print("---")
    return PASS if not problems else FAIL


if __name__ == "__main__":
    sys.exit(main(sys.argv))
