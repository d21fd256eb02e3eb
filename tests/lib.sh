# tests/lib.sh: shell helpers for the TAP test scripts (POSIX sh).
# Source it:  . "$TOP_SRCDIR/tests/lib.sh"
#
# TAP output (the plan is printed at the end by done_testing, so a script
# that dies half way is reported as an error by the TAP driver):
#   pass DESC                   one passed result
#   fail DESC [TEXT...]         one failed result, with diagnostics
#   ok DESC CMD [ARG...]        pass when CMD exits 0
#   is GOT WANT DESC            pass when the strings are equal
#   skip DESC REASON            one skipped result
#   diag TEXT...                "# TEXT" lines (also for multi-line text)
#   diag_file FILE [LINES]      the tail of a file, as diagnostics
#   skip_all REASON             "1..0 # SKIP REASON" and exit
#   bail_out REASON             "Bail out! REASON" and exit
#   done_testing                print the plan and exit
#
# Running a command and checking what it did:
#   run NAME CMD [ARG...]       run CMD with stdout in $T/NAME.out, stderr
#                               in $T/NAME.err, exit status in $run_rc
#   check_rc WANT DESC          the last run exited with WANT
#   check_out TEXT DESC         its stdout has a line containing TEXT
#   check_out_re ERE DESC       its stdout has a line matching ERE
#   check_line LINE DESC        its stdout has exactly this line
#   check_section_re NAME ERE DESC  a line matching ERE in the section of
#                               stdout that follows the line "NAME:" (up to
#                               the next line not starting with a space)
#   check_no_section_re NAME ERE DESC   no such line
#   check_err TEXT DESC         its stderr has a line containing TEXT
#   check_no_out TEXT DESC      its stdout has no line containing TEXT
#   check_file_has FILE TEXT DESC
# A failed check shows the command, its exit status and its output once.
#
# Real servers (tests/integration/servers.sh):
#   ft_start_servers            skip the script when Dovecot or Postfix is
#                               not installed (or we are not root); else
#                               start them (bail out if they do not come
#                               up) and export the FT_* variables; they are
#                               stopped when the script exits, and their
#                               logs are shown when a check failed
# Work files go to $T, a fresh directory removed at exit (kept, and its
# path printed, when FT_KEEP is set in the environment).

# A test runs as under cron: with no controlling terminal, even when make
# check runs from one (a password prompt on /dev/tty would wait for a
# person, and "no terminal" checks would not hold).  The pty tests make
# their own terminal.
if [ -z "${FT_NO_CTTY-}" ] && (: < /dev/tty) 2>/dev/null; then
	FT_NO_CTTY=1 exec setsid -w sh "$0" "$@"
fi
FT_NO_CTTY=1
export FT_NO_CTTY

tap_n=0
tap_failed=0
tap_done=
run_name=
run_rc=
run_shown=
ft_root=
ft_srv=
ft_logs_shown=
T=

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

diag_file() { # file [lines]
	if [ -s "$1" ]; then
		diag "--- $1 (last ${2:-30} lines):"
		tail -n "${2:-30}" "$1" | sed 's/^/#   /'
	else
		diag "--- $1: empty or missing"
	fi
}

pass() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

fail() { # desc [diagnostic line...]
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
	shift
	[ $# -eq 0 ] || diag "$@"
	run_show
	return 1
}

skip() { # desc reason
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

ok() { # desc cmd...
	_d=$1
	shift
	if "$@"; then pass "$_d"; else fail "$_d"; fi
}

is() { # got want desc
	if [ "$1" = "$2" ]; then
		pass "$3"
	else
		fail "$3" "got:  '$1'" "want: '$2'"
	fi
}

skip_all() {
	echo "1..0 # SKIP $*"
	tap_done=1
	exit 0
}

bail_out() {
	echo "Bail out! $*"
	tap_failed=$((tap_failed + 1))
	tap_done=1
	exit 1
}

# Failures are counted by the TAP driver from the "not ok" lines; a
# non-zero exit status would add an ERROR for the same failures.
done_testing() {
	echo "1..$tap_n"
	tap_done=1
	exit 0
}

# The work directory: short (unix socket paths live under it) and
# searchable by the servers' unprivileged users.
lib_mktemp() {
	[ -z "$ft_root" ] || return 0
	_base=${TMPDIR:-/tmp}
	[ ${#_base} -le 24 ] && [ -d "$_base" ] || _base=/tmp
	ft_root=$(mktemp -d "$_base/facteur-it.XXXXXX") ||
	    bail_out "cannot create a temporary directory under $_base"
	# The servers' unprivileged users must reach $ft_root/srv.
	chmod 711 "$ft_root"
	T=$ft_root/work
	mkdir -m 700 "$T"
	trap lib_cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

lib_cleanup() {
	_rc=$?
	if [ -n "$ft_srv" ]; then
		if [ -z "$ft_logs_shown" ] &&
		    { [ "$tap_failed" -gt 0 ] || [ -z "$tap_done" ]; }; then
			diag "server logs:"
			FT_LOG_LINES=40 sh "$TOP_SRCDIR/tests/integration/servers.sh" \
			    logs "$ft_srv" 2>&1 | sed 's/^/# /'
		fi
		sh "$TOP_SRCDIR/tests/integration/servers.sh" stop "$ft_srv" \
		    2>&1 | sed 's/^/# /'
	fi
	if [ -n "$ft_root" ]; then
		if [ -n "${FT_KEEP:-}" ]; then
			diag "kept $ft_root"
		else
			rm -rf "$ft_root"
		fi
	fi
	# A script that dies before its plan must not pass.
	[ -n "$tap_done" ] || [ "$_rc" -ne 0 ] || _rc=1
	exit "$_rc"
}

# Quote arguments for display.
lib_quote() {
	for _a in "$@"; do
		case $_a in
		*[!A-Za-z0-9_./:=@,+-]* | "") printf "'%s' " "$_a" ;;
		*) printf '%s ' "$_a" ;;
		esac
	done
}

run() { # name cmd...
	lib_mktemp
	run_name=$1
	shift
	run_cmd=$(lib_quote "$@")
	run_shown=
	run_rc=0
	"$@" > "$T/$run_name.out" 2> "$T/$run_name.err" || run_rc=$?
}

# After a failed check: show the last command and its output, once.
run_show() {
	[ -n "$run_name" ] && [ -z "$run_shown" ] || return 0
	run_shown=1
	diag "command: $run_cmd" "exit status: $run_rc"
	diag_file "$T/$run_name.out" 60
	diag_file "$T/$run_name.err" 20
}

check_rc() { # want desc
	if [ "$run_rc" = "$1" ]; then
		pass "$2"
	else
		fail "$2" "exit status $run_rc, want $1"
	fi
}

check_out() { # text desc
	if grep -qF -e "$1" "$T/$run_name.out"; then
		pass "$2"
	else
		fail "$2" "stdout has no line containing: $1"
	fi
}

check_out_re() { # ere desc
	if grep -qE -e "$1" "$T/$run_name.out"; then
		pass "$2"
	else
		fail "$2" "stdout has no line matching: $1"
	fi
}

check_line() { # line desc
	if grep -qxF -e "$1" "$T/$run_name.out"; then
		pass "$2"
	else
		fail "$2" "stdout has no line: $1"
	fi
}

# The lines of a section of the last run's stdout: those after the line
# "NAME:" up to the next line that does not start with a space.
lib_section() { # name
	awk -v h="$1:" '$0 == h { f = 1; next } /^[^ ]/ { f = 0 } f' \
	    "$T/$run_name.out"
}

check_section_re() { # name ere desc
	if lib_section "$1" | grep -qE -e "$2"; then
		pass "$3"
	else
		fail "$3" "section '$1:' has no line matching: $2"
	fi
}

check_no_section_re() { # name ere desc
	if lib_section "$1" | grep -qE -e "$2"; then
		fail "$3" "section '$1:' has a line matching: $2"
	else
		pass "$3"
	fi
}

check_no_out() { # text desc
	if grep -qF -e "$1" "$T/$run_name.out"; then
		fail "$2" "stdout has a line containing: $1"
	else
		pass "$2"
	fi
}

check_err() { # text desc
	if grep -qF -e "$1" "$T/$run_name.err"; then
		pass "$2"
	else
		fail "$2" "stderr has no line containing: $1"
	fi
}

check_file_has() { # file text desc
	if grep -qF -e "$2" "$1"; then
		pass "$3"
	else
		fail "$3" "$1 has no line containing: $2"
	fi
}

# Start the real servers once for this script; see servers.sh.
ft_start_servers() {
	PATH=$PATH:/usr/sbin:/sbin
	export PATH
	command -v dovecot >/dev/null 2>&1 ||
	    skip_all "Dovecot is not installed (dovecot-core)"
	command -v postfix >/dev/null 2>&1 ||
	    skip_all "Postfix is not installed (postfix)"
	for _p in imap pop3 lmtp; do
		[ -x "/usr/lib/dovecot/$_p" ] ||
		    [ -x "/usr/libexec/dovecot/$_p" ] ||
		    skip_all "Dovecot's $_p is not installed (dovecot-${_p}d)"
	done
	[ "$(id -u)" -eq 0 ] ||
	    skip_all "not root: a private Postfix instance needs root"
	lib_mktemp
	ft_srv=$ft_root/srv
	_t0=$(date +%s)
	if ! sh "$TOP_SRCDIR/tests/integration/servers.sh" start "$ft_srv" \
	    > "$T/servers-start.log" 2>&1; then
		sed 's/^/# /' "$T/servers-start.log"
		ft_logs_shown=1
		bail_out "the test servers did not start (see above)"
	fi
	sh "$TOP_SRCDIR/tests/integration/servers.sh" env "$ft_srv" \
	    > "$T/servers.env" || bail_out "servers.sh env failed"
	# shellcheck disable=SC1091
	. "$T/servers.env"
	# Exported, for the clients the tests run (Python...).
	for _v in $(sed -n 's/^\(FT_[A-Z0-9_]*\)=.*/\1/p' "$T/servers.env"); do
		# shellcheck disable=SC2163
		export "$_v"
	done
	diag "servers started in $(($(date +%s) - _t0)) s under $ft_srv:" \
	    "submission $FT_PORT_SUBMISSION, smtps $FT_PORT_SMTPS," \
	    "smtp $FT_PORT_SMTP, imap $FT_PORT_IMAP, imaps $FT_PORT_IMAPS," \
	    "pop3 $FT_PORT_POP3, pop3s $FT_PORT_POP3S, lmtp $FT_PORT_LMTP"
}
