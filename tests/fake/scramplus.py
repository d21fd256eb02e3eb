#!/usr/bin/env python3
"""scramplus.py: SCRAM-SHA-256-PLUS and SCRAM-SHA-1-PLUS (RFC 5802, 5929,
9266) against a fake SMTP server that plays the server side of SCRAM
itself, since the suite's Dovecot 2.3 has no -PLUS mechanisms.

The server (a thread, 127.0.0.1, an ephemeral port) offers STARTTLS and,
under TLS, AUTH with the -PLUS mechanisms; it checks the client's GS2
header and channel binding against its own view of the TLS session
(tls-unique, from Python's ssl, on TLS 1.2), verifies the client proof
with the password, and answers with its signature (or a wrong one, to see
the client refuse it).  On TLS 1.3 the expected tls-exporter value
(RFC 9266) is computed from the exporter secret the server's ssl writes
to a key log file (RFC 8446, section 7.5), since Python's ssl cannot
export keying material itself.  Prints TAP.  Standard library only.
"""

import base64
import hashlib
import hmac
import os
import socket
import ssl
import subprocess
import struct
import sys
import tempfile
import threading

CERTS = os.environ.get("CERTS", "")
MSEND = os.environ.get("MSEND", "")
PASSWORD = "s3cret pass"
n_tests = 0
n_failed = 0


def tap(ok, desc, diag=""):
    global n_tests, n_failed
    n_tests += 1
    if not ok:
        n_failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n_tests, desc))
    if not ok and diag:
        for line in diag.splitlines():
            print("# " + line)


def b64(b):
    return base64.b64encode(b).decode()


def hkdf_expand_label(h, secret, label, context, length):
    """RFC 8446 HKDF-Expand-Label with hash h (a hashlib constructor)."""
    full = b"tls13 " + label
    info = (struct.pack(">H", length) + bytes([len(full)]) + full
            + bytes([len(context)]) + context)
    out, block, i = b"", b"", 1
    while len(out) < length:
        block = hmac.new(secret, block + info + bytes([i]), h).digest()
        out += block
        i += 1
    return out[:length]


def tls13_exporter(h, exporter_secret, label, length):
    """RFC 8446 7.5 TLS-Exporter(label, "", length)."""
    derived = hkdf_expand_label(h, exporter_secret, label, h(b"").digest(),
                                h().digest_size)
    return hkdf_expand_label(h, derived, b"exporter", h(b"").digest(),
                             length)


def exporter_secret(keylog):
    """The EXPORTER_SECRET of the (one) session in an NSS key log."""
    with open(keylog) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "EXPORTER_SECRET":
                return bytes.fromhex(parts[2])
    return None


class Server(threading.Thread):
    """One SMTP session with SCRAM-*-PLUS; records what happened."""

    def __init__(self, mech, tls_max, badsig=False):
        super().__init__(daemon=True)
        self.mech = mech
        self.hash = hashlib.sha256 if "256" in mech else hashlib.sha1
        self.tls_max = tls_max
        self.badsig = badsig
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(20)
        self.port = self.sock.getsockname()[1]
        self.log = []
        self.errors = []
        self.result = None

    def hmac(self, key, msg):
        return hmac.new(key, msg, self.hash).digest()

    def run(self):
        try:
            self.session()
        except Exception as e:  # the test reports it
            self.errors.append("server: %r" % (e,))

    def session(self):
        conn, _ = self.sock.accept()
        conn.settimeout(20)
        f = conn.makefile("rwb", buffering=0)

        def send(line):
            self.log.append("S: " + line)
            f.write(line.encode() + b"\r\n")

        def recv():
            line = f.readline()
            if not line:
                raise EOFError("client closed")
            line = line.rstrip(b"\r\n").decode()
            self.log.append("C: " + line)
            return line

        send("220 fake ESMTP")
        recv()  # EHLO
        send("250-fake")
        send("250 STARTTLS")
        if recv() != "STARTTLS":
            raise ValueError("expected STARTTLS")
        send("220 go ahead")
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(CERTS, "server.pem"),
                            os.path.join(CERTS, "server.key"))
        ctx.maximum_version = (ssl.TLSVersion.TLSv1_2 if self.tls_max == "1.2"
                               else ssl.TLSVersion.TLSv1_3)
        keylog = tempfile.NamedTemporaryFile(prefix="scramplus-keylog.")
        ctx.keylog_filename = keylog.name
        tconn = ctx.wrap_socket(conn, server_side=True)
        f = tconn.makefile("rwb", buffering=0)
        recv()  # EHLO
        send("250-fake")
        send("250 AUTH SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-1-PLUS "
             "SCRAM-SHA-256-PLUS PLAIN")
        words = recv().split(" ")
        if words[:2] != ["AUTH", self.mech] or len(words) != 3:
            raise ValueError("expected AUTH %s with an initial response"
                             % self.mech)
        first = base64.b64decode(words[2]).decode()
        # GS2 header: "p=<type>,," then "n=user,r=nonce".
        gs2_end = first.index(",", first.index(",") + 1) + 1
        gs2, bare = first[:gs2_end], first[gs2_end:]
        self.result = {"gs2": gs2}
        attrs = dict(a.split("=", 1) for a in bare.split(","))
        cnonce = attrs["r"]
        salt = os.urandom(16)
        it = 4096
        snonce = cnonce + b64(os.urandom(18))
        sfirst = "r=%s,s=%s,i=%d" % (snonce, b64(salt), it)
        send("334 " + b64(sfirst.encode()))
        final = base64.b64decode(recv()).decode()
        without_proof, proof = final.rsplit(",p=", 1)
        fattrs = dict(a.split("=", 1) for a in without_proof.split(","))
        cbind = base64.b64decode(fattrs["c"])
        if not cbind.startswith(gs2.encode()):
            raise ValueError("c= does not start with the GS2 header")
        data = cbind[len(gs2):]
        self.result["cbind_len"] = len(data)
        if gs2.startswith("p=tls-unique,"):
            want = tconn.get_channel_binding("tls-unique")
            self.result["cbind_ok"] = data == want
        else:
            # TLS 1.3: the suite's hash names the HKDF hash (SHA-384 for
            # TLS_AES_256_GCM_SHA384, else SHA-256).
            h = (hashlib.sha384 if tconn.cipher()[0].endswith("SHA384")
                 else hashlib.sha256)
            secret = exporter_secret(keylog.name)
            want = (tls13_exporter(h, secret, b"EXPORTER-Channel-Binding", 32)
                    if secret is not None else None)
            self.result["cbind_ok"] = want is not None and data == want
        keylog.close()
        if fattrs["r"] != snonce:
            raise ValueError("nonce mismatch")
        salted = hashlib.pbkdf2_hmac(self.hash().name, PASSWORD.encode(),
                                     salt, it)
        ckey = self.hmac(salted, b"Client Key")
        stored = self.hash(ckey).digest()
        auth_msg = ",".join([bare, sfirst, without_proof]).encode()
        csig = self.hmac(stored, auth_msg)
        given = base64.b64decode(proof)
        self.result["proof_ok"] = bytes(
            a ^ b for a, b in zip(ckey, csig)) == given
        skey = self.hmac(salted, b"Server Key")
        ssig = self.hmac(skey, auth_msg)
        if self.badsig:
            ssig = bytes(b ^ 1 for b in ssig)
        if not self.result["proof_ok"] or self.result["cbind_ok"] is False:
            send("535 5.7.8 authentication failed")
        else:
            send("334 " + b64(("v=" + b64(ssig)).encode()))
            line = recv()
            if line == "*":
                self.result["cancelled"] = True
                send("501 5.7.0 cancelled")
            else:
                send("235 2.7.0 ok")
        try:
            while True:
                line = recv()
                if line == "QUIT":
                    send("221 bye")
                    break
        except (EOFError, OSError):
            pass


def run_client(port, mech, password=PASSWORD):
    argv = [MSEND, "--auth-only", "-d", "--host=127.0.0.1",
            "--port=%d" % port,
            "--tls-trust-file=" + os.path.join(CERTS, "ca.pem"),
            "--user=alice", "--passwordeval=printf '%s\\n' '" + password + "'"]
    if mech:
        argv.append("--auth=" + mech.lower())
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def scenario(desc, mech, tls_max, forced, want_rc, badsig=False,
             password=PASSWORD, want_gs2=None, check_cbind=True):
    srv = Server(mech, tls_max, badsig)
    srv.start()
    rc, out, err = run_client(srv.port, mech if forced else None, password)
    srv.join(30)
    diag = "exit %d\nstdout: %s\nstderr: %s\n%s\n%s" % (
        rc, out, err, "\n".join(srv.log), "\n".join(srv.errors))
    tap(rc == want_rc, "%s: exit status %d" % (desc, want_rc), diag)
    r = srv.result or {}
    if want_gs2:
        tap(r.get("gs2") == want_gs2, "%s: GS2 header %s" % (desc, want_gs2),
            diag)
    if check_cbind and want_gs2 == "p=tls-unique,,":
        tap(r.get("cbind_ok") is True,
            "%s: channel binding equals the server's tls-unique" % desc, diag)
    if want_gs2 == "p=tls-exporter,,":
        tap(r.get("cbind_len") == 32,
            "%s: 32 bytes of tls-exporter binding" % desc, diag)
        tap(r.get("cbind_ok") is True,
            "%s: channel binding equals the server's tls-exporter" % desc,
            diag)
    if want_rc == 0:
        tap(("logged in as alice with %s" % mech) in out,
            "%s: reports %s" % (desc, mech), diag)
    if PASSWORD in out + err:
        tap(False, "%s: the password is never shown" % desc, diag)
    return rc, out, err, r


def main():
    if not CERTS or not MSEND:
        print("1..0 # SKIP CERTS and MSEND must be set (make check)")
        return 0
    # Automatic choice on TLS 1.2: the strongest, SCRAM-SHA-256-PLUS.
    scenario("auto, TLS 1.2", "SCRAM-SHA-256-PLUS", "1.2", False, 0,
             want_gs2="p=tls-unique,,")
    scenario("forced scram-sha-1-plus, TLS 1.2", "SCRAM-SHA-1-PLUS", "1.2",
             True, 0, want_gs2="p=tls-unique,,")
    # TLS 1.3: tls-exporter (RFC 9266), checked against the value the
    # server derives from its exporter secret.
    scenario("auto, TLS 1.3", "SCRAM-SHA-256-PLUS", "1.3", False, 0,
             want_gs2="p=tls-exporter,,")
    # A server that cannot prove it knows the password: refused.
    rc, out, err, r = scenario("wrong server signature", "SCRAM-SHA-256-PLUS",
                               "1.2", False, 77, badsig=True,
                               want_gs2="p=tls-unique,,")
    tap("logged in" not in out, "wrong server signature: no success reported",
        err)
    tap("could not prove it knows the password" in err,
        "wrong server signature: says why", err)
    # A wrong password: the server refuses (535): 77 with its words.
    rc, out, err, r = scenario("wrong password", "SCRAM-SHA-256-PLUS", "1.2",
                               False, 77, password="not the password",
                               want_gs2="p=tls-unique,,", check_cbind=True)
    tap("535 5.7.8" in err, "wrong password: quotes the server", err)
    print("1..%d" % n_tests)
    return 0


if __name__ == "__main__":
    sys.exit(main())
