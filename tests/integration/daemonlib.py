"""daemonlib.py: daemon.test's mail helper (Python's standard library only).

  save CONF USER FOLDER MANIFEST TAG [SIZE]
      put a message (Message-ID <TAG@daemon.test>, SIZE bytes of body
      more) into USER's FOLDER with doveadm save, as a delivery agent
      would; its line goes to MANIFEST (the format of fetchlib.sh's
      manifests: Message-ID, then the SHA-256 of the body twice)
  drop MAILDIR MANIFEST TAG
      the same written straight into a server Maildir's new/ (Dovecot
      is down), owned by the Maildir's owner
  wait KIND PATH TAG TIMEOUT [SINCE]
      wait until the message is in the mbox or Maildir PATH; print the
      seconds it took since SINCE (milliseconds since the epoch; default
      now), or "timeout" (exit 1)
  deliver CONF USER FOLDER MANIFEST TAG KIND PATH TIMEOUT
      save, then wait: print the seconds from the start of the save to
      the message's arrival, or "timeout" (exit 1)
  signal-when SIGNAL PID JOB BYTES TIMEOUT
      wait until a job of account JOB (a process with --daemon-job=JOB
      among its arguments) has read BYTES (rchar in /proc/PID/io: the
      middle of a big message), then send SIGNAL to PID (a negative PID:
      its process group); print how far the job was (exit 1 when no job
      read that much before TIMEOUT: the signal is sent anyway)
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
    """t0: time.time() of the start (default now)."""
    t0 = time.time() if t0 is None else t0
    t = Target(kind, path)
    mid = "<%s@daemon.test>" % tag
    while True:
        # Looked at once at least, even when the time is up already.
        late = time.time() - t0 >= timeout
        if t.has(mid):
            print("%.3f" % (time.time() - t0))
            return 0
        if late:
            print("timeout")
            return 1
        time.sleep(0.01)


def job_pid(job):
    """The PID of a process with --daemon-job=JOB in its arguments."""
    want = ("--daemon-job=%s" % job).encode()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % p, "rb") as f:
                if want in f.read().split(b"\0"):
                    return int(p)
        except OSError:
            pass
    return None


def read_bytes(pid):
    """What the process has read so far (rchar of /proc/PID/io)."""
    try:
        with open("/proc/%d/io" % pid) as f:
            for line in f:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def signal_when(sig, pid, job, least, timeout):
    """SIGNAL to PID (negative: its group) once the job of account JOB
    has read LEAST bytes: inside a message, whatever the target."""
    sig = getattr(signal, "SIG" + sig)
    t0 = time.monotonic()
    what = None
    while time.monotonic() - t0 < timeout and what is None:
        jp = job_pid(job)
        while jp is not None and time.monotonic() - t0 < timeout:
            n = read_bytes(jp)
            if n is None:
                break           # it ended
            if n >= least:
                what = "the job had read %d bytes" % n
                break
            time.sleep(0.001)
        if what is None:
            time.sleep(0.005)
    if pid < 0:
        os.killpg(-pid, sig)
    else:
        os.kill(pid, sig)
    print("%s after %.3f s" % (what or "no job reading", time.monotonic() - t0))
    return 0 if what else 1


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "save":
        save(*args[:5], size=int(args[5]) if len(args) > 5 else 0)
    elif cmd == "drop":
        drop(*args)
    elif cmd == "wait":
        return wait(args[0], args[1], args[2], float(args[3]),
                    int(args[4]) / 1000.0 if len(args) > 4 else None)
    elif cmd == "deliver":
        conf, user, folder, manifest, tag, kind, path, timeout = args
        t0 = time.time()
        save(conf, user, folder, manifest, tag)
        return wait(kind, path, tag, float(timeout), t0)
    elif cmd == "signal-when":
        sig, pid, job, least, timeout = args
        return signal_when(sig, int(pid), job, int(least), float(timeout))
    else:
        raise SystemExit("daemonlib.py: unknown command %s" % cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
