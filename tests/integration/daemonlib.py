"""daemonlib.py: daemon.test's mail helper (Python's standard library only).

  save CONF USER FOLDER MANIFEST TAG [SIZE]
      put a message (Message-ID <TAG@daemon.test>, SIZE bytes of body
      more) into USER's FOLDER with doveadm save, as a delivery agent
      would; its line goes to MANIFEST (the format of fetchlib.sh's
      manifests: Message-ID, then the SHA-256 of the body twice)
  drop MAILDIR MANIFEST TAG
      the same written straight into a server Maildir's new/ (Dovecot
      is down), owned by the Maildir's owner
  wait KIND PATH TAG TIMEOUT
      wait until the message is in the mbox or Maildir PATH; print the
      seconds it took, or "timeout" (exit 1)
  deliver CONF USER FOLDER MANIFEST TAG KIND PATH TIMEOUT
      save, then wait: print the seconds from the start of the save to
      the message's arrival, or "timeout" (exit 1)
  signal-when KIND PATH SIGNAL PID JOB TIMEOUT
      wait until a message is being written to the mbox PATH (it grows)
      or the Maildir PATH (a file in tmp/), then send SIGNAL to PID (a
      negative PID: its process group); print what was written then and
      whether a process with --daemon-job=JOB on its command line was
      alive (exit 1 when nothing was seen before TIMEOUT: the signal is
      sent anyway)
"""

import hashlib
import os
import signal
import subprocess
import sys
import time


def make(tag, size):
    mid = "<%s@daemon.test>" % tag
    body = b"body of %s\nFrom a line that an mbox quotes\n" % tag.encode()
    if size:
        line = b"From %s, a line of a big message %s\n" % (tag.encode(),
                                                          b"y" * 60)
        body += line * (size // len(line))
    head = ("From: sender@example.org\nTo: someone@facteur.test\n"
            "Subject: %s\nMessage-ID: %s\n\n" % (tag, mid)).encode()
    return mid, head + body, body


def record(manifest, mid, body):
    h = hashlib.sha256(body).hexdigest()
    with open(manifest, "a") as m:
        m.write("%s %s %s\n" % (mid, h, h))


def save(conf, user, folder, manifest, tag, size=0):
    mid, raw, body = make(tag, size)
    subprocess.run(["doveadm", "-c", conf, "save", "-u", user, "-m",
                    folder], input=raw, check=True)
    record(manifest, mid, body)


def drop(maildir, manifest, tag):
    mid, raw, body = make(tag, 0)
    name = "%d.M%dP%d.daemon-test" % (time.time(), time.time_ns() % 10**6,
                                      os.getpid())
    tmp = os.path.join(maildir, "tmp", name)
    with open(tmp, "wb") as f:
        f.write(raw)
    st = os.stat(maildir)
    os.chown(tmp, st.st_uid, st.st_gid)
    os.rename(tmp, os.path.join(maildir, "new", name))
    record(manifest, mid, body)


class Target:
    """Finds a Message-ID in an mbox or a Maildir, rereading only what
    changed."""

    def __init__(self, kind, path):
        self.kind, self.path = kind, path
        self.stamp, self.seen = None, set()

    def has(self, mid):
        key = ("Message-ID: %s" % mid).encode()
        if self.kind == "mbox":
            try:
                st = os.stat(self.path)
            except FileNotFoundError:
                return False
            if (st.st_size, st.st_mtime_ns) == self.stamp:
                return False
            self.stamp = (st.st_size, st.st_mtime_ns)
            with open(self.path, "rb") as f:
                return key in f.read()
        for sub in ("new", "cur"):
            d = os.path.join(self.path, sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for n in names:
                if n in self.seen:
                    continue
                self.seen.add(n)
                try:
                    with open(os.path.join(d, n), "rb") as f:
                        if key in f.read(8192):
                            return True
                except FileNotFoundError:
                    pass
        return False


def wait(kind, path, tag, timeout, t0=None):
    t0 = time.monotonic() if t0 is None else t0
    t = Target(kind, path)
    mid = "<%s@daemon.test>" % tag
    while time.monotonic() - t0 < timeout:
        if t.has(mid):
            print("%.3f" % (time.monotonic() - t0))
            return 0
        time.sleep(0.01)
    print("timeout")
    return 1


def job_alive(job):
    want = ("--daemon-job=%s" % job).encode()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if want in f.read().split(b"\0"):
                    return True
        except OSError:
            pass
    return False


def signal_when(kind, path, sig, pid, job, timeout):
    sig = getattr(signal, "SIG" + sig)
    size0 = os.path.getsize(path) if kind == "mbox" and \
        os.path.exists(path) else 0
    tmp = os.path.join(path, "tmp")
    old = set(os.listdir(tmp)) if kind == "maildir" and \
        os.path.isdir(tmp) else set()
    t0 = time.monotonic()
    what = None
    while time.monotonic() - t0 < timeout and what is None:
        if kind == "mbox":
            try:
                grown = os.path.getsize(path) - size0
            except FileNotFoundError:
                grown = 0
            if grown > 0:
                what = "%d bytes appended to the mbox" % grown
        else:
            for n in set(os.listdir(tmp) if os.path.isdir(tmp) else []) \
                    - old:
                try:
                    size = os.path.getsize(os.path.join(tmp, n))
                except FileNotFoundError:
                    continue
                if size > 0:
                    what = "%d bytes in tmp/" % size
                    break
        if what is None:
            time.sleep(0.001)
    alive = job_alive(job)
    if pid < 0:
        os.killpg(-pid, sig)
    else:
        os.kill(pid, sig)
    print("%s after %.3f s; job %s" % (what or "nothing written",
                                       time.monotonic() - t0,
                                       "running" if alive else "not running"))
    return 0 if what else 1


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "save":
        save(*args[:5], size=int(args[5]) if len(args) > 5 else 0)
    elif cmd == "drop":
        drop(*args)
    elif cmd == "wait":
        return wait(args[0], args[1], args[2], float(args[3]))
    elif cmd == "deliver":
        conf, user, folder, manifest, tag, kind, path, timeout = args
        t0 = time.monotonic()
        save(conf, user, folder, manifest, tag)
        return wait(kind, path, tag, float(timeout), t0)
    elif cmd == "signal-when":
        kind, path, sig, pid, job, timeout = args
        return signal_when(kind, path, sig, int(pid), job, float(timeout))
    else:
        raise SystemExit("daemonlib.py: unknown command %s" % cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
