# tests/integration/fetchlib.sh: what fetch.test (POP3) and
# fetch-imap.test (IMAP) share: mail put straight into alice's Maildir on
# the server, the delivered mail compared with it, the kill -9 runs.
# Source it after tests/lib.sh and ft_start_servers:
#
#   populate COUNT TAG [BIG-EVERY [DIR]]
#       COUNT messages with tricky bodies into the server's Maildir DIR
#       (default alice's INBOX; a folder's Maildir++ directory for IMAP),
#       Message-ID <TAG.N@test>; in $T/manifest-TAG, the SHA-256 of each
#       body with a final line end added when it has none (as POP3 and
#       an mbox give it), then of the body as it is (as IMAP gives it).
#       With BIG-EVERY N, every Nth message is 3 to 5 MB.
#   check_box LABEL (mbox|maildir) PATH MANIFEST [exact]
#       one TAP result: PATH holds exactly the manifest's messages, once
#       each, each body intact (mboxrd unquoting for an mbox); with exact, a
#       Maildir's bodies are the server's bytes, without a line end added
#   server_count [DIR]
#       the messages in a server Maildir (default alice's INBOX), marked
#       deleted or not
#   kill_runs KIND PATH MAX CMD...
#       up to MAX runs of CMD (an mfetch with --keep=off delivering to
#       PATH, an mbox or a Maildir as KIND says), each in its own process
#       group killed with kill -9 at 40 to 340 ms; between kills another
#       program appends a message to an mbox (Message-IDs listed in
#       $T/foreign).  Stops once alice's INBOX is empty; $kills counts
#       the kills that hit a live run.
#   check_kills LABEL KIND PATH MANIFEST [exact]
#       one TAP result: after kill_runs and a clean run, every message of
#       the manifest is there intact, at most one batch duplicated per
#       kill (group commit, fetch/engine.h: a kill between the target's
#       sync and the record re-delivers that batch, up to FETCH_BATCH
#       messages), no fragment, the other program's messages once each

populate() { # count tag [big-every [dir]]
	_dir=${4:-$FT_ALICE_MAILDIR}
	"$PYTHON" - "$_dir" "$1" "$2" "$T/manifest-$2" "${3:-0}" <<'EOF'
import hashlib, os, sys, time
md, n, tag, manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
big = int(sys.argv[5])
bodies = [
    b"plain body\n",
    b"From the start of a line\n>From quoted already\n>>From twice\n",
    b".\n..\n. x\n.leading dot\n",
    b"no final newline",
    "8-bit: caf\u00e9 \u20ac\n".encode(),
    b"\n\nblank lines first\n",
    b"x" * 5000 + b"\nlong line above\n",
]
with open(manifest, "w") as m:
    for i in range(n):
        body = bodies[i % len(bodies)]
        if big and i % big == 0:
            line = b"From %d big %s\n.dot\n" % (i, b"y" * 60)
            body = line * ((3 + i % 3) * 1024 * 1024 // len(line))
        head = ("From: sender%d@example.org\nTo: alice@facteur.test\n"
                "Subject: %s %d\nMessage-ID: <%s.%d@test>\n\n"
                % (i, tag, i, tag, i)).encode()
        name = "%d.M%dP%d.%s%d:2," % (time.time(), i, os.getpid(), tag, i)
        path = os.path.join(md, "cur", name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(head + body)
        exact = hashlib.sha256(body).hexdigest()
        if not body.endswith(b"\n"):
            body += b"\n"
        m.write("<%s.%d@test> %s %s\n"
                % (tag, i, hashlib.sha256(body).hexdigest(), exact))
EOF
	chown -R "$(stat -c %U "$FT_ALICE_MAILDIR")" "$FT_ALICE_MAILDIR" \
	    2>/dev/null || :
}

# Compare a mailbox (mbox or Maildir) with a manifest: count and bodies
# (mboxrd unquoting for an mbox).
check_box() { # label kind path manifest [exact]
	if "$PYTHON" - "$2" "$3" "$4" "${5:-}" > "$T/$1.check" 2>&1 <<'EOF'
import hashlib, mailbox, re, sys
kind, path, manifest, exact = sys.argv[1:5]
col = 2 if exact and kind == "maildir" else 1
want = dict((l.split()[0], l.split()[col]) for l in open(manifest))
box = mailbox.mbox(path) if kind == "mbox" else mailbox.Maildir(path)
got, n = {}, 0
for msg in box:
    n += 1
    raw = msg.as_bytes()
    body = raw.split(b"\n\n", 1)[1] if b"\n\n" in raw else b""
    if kind == "mbox":
        # mboxrd: one ">" less on /^>+From /; the blank separator line.
        body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
        if body.endswith(b"\n\n"):
            body = body[:-1]
    got[msg["Message-ID"]] = hashlib.sha256(body).hexdigest()
bad = [k for k in want if got.get(k) != want[k]]
print("want %d got %d bad %d %s" % (len(want), n, len(bad), bad[:3]))
sys.exit(0 if not bad and n == len(want) else 1)
EOF
	then
		pass "$1: every message delivered intact ($(cat "$T/$1.check"))"
	else
		fail "$1: every message delivered intact" "$(cat "$T/$1.check")"
	fi
}

# shellcheck disable=SC2120
server_count() { # [dir]
	find "${1:-$FT_ALICE_MAILDIR}/new" "${1:-$FT_ALICE_MAILDIR}/cur" \
	    -type f 2>/dev/null | wc -l
}

kill_runs() { # kind path max cmd...
	_kind=$1 _path=$2 _max=$3
	shift 3
	kills=0
	_i=0
	: > "$T/foreign"
	while [ $_i -lt "$_max" ]; do
		setsid "$@" > /dev/null 2>&1 &
		_pid=$!
		# 40 to 340 ms: the login, the listing, inside the big
		# messages (each run goes a little further: what was
		# delivered is recorded).
		sleep "$(awk -v i=$_i \
		    'BEGIN { printf "%.3f", 0.04 + (i * 0.07) % 0.3 }')"
		if kill -9 -- "-$_pid" 2>/dev/null; then
			kills=$((kills + 1))
		fi
		wait "$_pid" 2>/dev/null
		if [ "$_kind" = mbox ] && [ $((_i % 3)) -eq 1 ]; then
			kill_runs_append "$_path" "$_i"
		fi
		_i=$((_i + 1))
		[ "$(server_count)" -eq 0 ] && break
	done
}

# Another program (procmail) appends a message to the mbox, after
# forcing the stale lock (its PID is gone).  Half the time it writes
# right after whatever is there (even the middle of a line), half the
# time it ends an unfinished line first, as mutt does.
kill_runs_append() { # mbox n
	rm -f "$1.lock"
	_nl=''
	if [ $(($2 % 2)) -eq 0 ] && [ -s "$1" ] &&
	    [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" != '\n' ]; then
		_nl='\n'
	fi
	printf "${_nl}From other@example.org Mon Jan  1 00:00:00 2024\n"\
"Message-ID: <foreign.%d@test>\n\nappended by another program\n\n" \
	    "$2" >> "$1"
	echo "<foreign.$2@test>" >> "$T/foreign"
}

FETCH_BATCH=64	# fetch/engine.h

check_kills() { # label kind path manifest [exact]
	if "$PYTHON" - "$2" "$3" "$4" "$((kills * FETCH_BATCH))" "$T/foreign" \
	    "${5:-}" \
	    > "$T/$1.check" 2>&1 <<'EOF'
import collections, hashlib, os, re, sys
kind, path, manifest, maxdups, foreign, exact = sys.argv[1], sys.argv[2], \
    sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
col = 2 if exact and kind == "maildir" else 1
want = dict((l.split()[0], l.split()[col]) for l in open(manifest))
others = [l.strip() for l in open(foreign) if l.strip()]
if kind == "mbox":
    data = open(path, "rb").read()
    # Split on From_ lines ourselves: a fragment glued to the next
    # message must show, not be hidden by a lenient parser.
    msgs = re.split(rb"(?m)^From [^\n]*\n", data)
    junk, msgs = msgs[0], msgs[1:]
else:
    # A Maildir: what is in new/ and cur/ (tmp/ is not the mailbox).
    junk, msgs = b"", []
    for sub in ("new", "cur"):
        d = os.path.join(path, sub)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            msgs.append(open(os.path.join(d, f), "rb").read())
bad, seen = [], collections.Counter()
for raw in msgs:
    head, _, body = raw.partition(b"\n\n")
    mid = re.search(rb"(?mi)^Message-ID: *(<[^>]*>)", head)
    mid = mid.group(1).decode() if mid else "?"
    seen[mid] += 1
    if kind == "mbox":
        body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)
        if body.endswith(b"\n\n"):
            body = body[:-1]
    if mid in want and hashlib.sha256(body).hexdigest() != want[mid]:
        bad.append(mid)
    elif mid in others and body != b"appended by another program\n":
        bad.append(mid)
    elif mid not in want and mid not in others:
        bad.append(mid)
missing = [w for w in want if seen[w] == 0]
dups = sum(c - 1 for k, c in seen.items() if k in want and c > 1)
fdup = [o for o in others if seen[o] != 1]
print("%d messages, %d missing, %d duplicates (at most %d), %d broken %s, "
      "%d of %d appended by others not there once %s, %d bytes before "
      "the first"
      % (len(want), len(missing), dups, maxdups, len(bad), bad[:3],
         len(fdup), len(others), fdup[:3], len(junk)))
sys.exit(0 if not missing and dups <= maxdups and not bad and not fdup
         and not junk and (others or kind != "mbox") else 1)
EOF
	then
		pass "$1: nothing lost or broken, $kills kills ($(cat \
		    "$T/$1.check"))"
	else
		fail "$1: nothing lost or broken, at most one batch duplicated \
per kill, $kills kills" "$(cat "$T/$1.check")"
	fi
}
