#!/bin/sh
# servers.sh: private Dovecot and Postfix instances for the integration
# tests.  Everything (configuration, queue, Maildirs, logs, sockets) lives
# under one state directory; the daemons listen on 127.0.0.1 only, on high
# ports picked at run time, and are stopped by the PIDs they recorded.
#
#   servers.sh start DIR   write the configurations under DIR (created if
#                          needed), start Dovecot then Postfix, wait until
#                          they listen; on failure print the log tails,
#                          stop what was started and exit 1
#   servers.sh stop DIR    stop the daemons started under DIR (by PID)
#   servers.sh env DIR     print shell assignments for eval (see below)
#   servers.sh logs DIR    print the tail of every log under DIR
#   servers.sh stop-dovecot DIR    stop Dovecot alone (Postfix and the KDC
#                          stay); its clients see their connections cut
#   servers.sh start-dovecot DIR   start it again, same configuration and
#                          ports; wait until it listens
#
# Needs root (Postfix's private queue directory and Dovecot's privilege
# separation), dovecot-core, -imapd, -pop3d, -lmtpd and postfix.  The TLS
# certificates come from $CERTS (tests/mkcerts.sh); when CERTS is not set,
# they are generated into DIR/certs.
#
# Dovecot: IMAP (STARTTLS optional) and IMAPS, POP3 (STLS optional) and
# POP3S, LMTP on TCP, an auth socket for Postfix; users alice/alicepass,
# bob/bobpass and carol/carolpass (also as alice@facteur.test), Maildirs
# under DIR/mail.
# Postfix: submission (STARTTLS required, AUTH only after TLS), SMTPS
# (implicit TLS), and a plain port (STARTTLS optional, AUTH without TLS);
# AUTH through Dovecot; mail for facteur.test goes through LMTP into the
# Maildirs; every other destination bounces (nothing leaves the host).
#
# "env" prints, quoted for the shell:
#   FT_STATE FT_HOST FT_DOMAIN FT_CA FT_CERT
#   FT_PORT_SUBMISSION FT_PORT_SMTPS FT_PORT_SMTP
#   FT_PORT_IMAP FT_PORT_IMAPS FT_PORT_POP3 FT_PORT_POP3S FT_PORT_LMTP
#   FT_ALICE_USER FT_ALICE_PASS FT_ALICE_ADDR FT_ALICE_MAILDIR (same:
#   FT_BOB_, FT_CAROL_)
#   FT_LOG_DOVECOT FT_LOG_DOVECOT_INFO FT_LOG_POSTFIX FT_LOG_START
#   FT_DOVECOT_CONF FT_POSTFIX_CONFIG FT_POSTFIX_QUEUE
#   FT_KRB5_CONFIG FT_KRB5_REALM (empty without a KDC: see kdc.sh; with
#   one, Dovecot and Postfix also offer GSSAPI)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
PATH=$PATH:/usr/sbin:/sbin
export PATH
DOMAIN=facteur.test
USERS="alice:alicepass bob:bobpass carol:carolpass"
# Ports are picked in this range: below Linux's ephemeral range
# (32768-60999), so outgoing connections do not take them meanwhile.
PORT_MIN=20000
PORT_SPAN=12000
START_TRIES=5

die() {
	echo "servers.sh: $*" >&2
	exit 1
}

# Quote a value for the shell: 'it'\''s'.
shquote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# shellcheck source=kdc.sh
. "$HERE/kdc.sh"
KDC=

setpaths() {
	S=$1
	DV=$S/dovecot
	DV_RUN=$DV/run
	DV_CONF=$DV/dovecot.conf
	DV_PID=$DV_RUN/master.pid
	PF=$S/postfix
	PF_ETC=$PF/etc
	PF_QUEUE=$PF/spool
	PF_PID=$PF_QUEUE/pid/master.pid
	LOG=$S/log
	ENVF=$S/env
	kdc_paths
}

# TCP ports somebody uses (any state), in hex, from /proc.
used_ports() {
	awk 'FNR > 1 { n = split($2, a, ":"); print a[n] }' \
	    /proc/net/tcp /proc/net/tcp6 2>/dev/null | sort -u
}

# Print n distinct free ports.
pick_ports() {
	n=$1
	used=$(used_ports)
	picked=""
	while [ "$n" -gt 0 ]; do
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' \n')
		p=$((PORT_MIN + r % PORT_SPAN))
		hex=$(printf '%04X' "$p")
		case " $picked " in *" $p "*) continue ;; esac
		if printf '%s\n' "$used" | grep -qx "$hex"; then
			continue
		fi
		picked="$picked $p"
		n=$((n - 1))
	done
	echo "${picked# }"
}

# Is the TCP port listening on 127.0.0.1?
listening() {
	hex=$(printf '%04X' "$1")
	awk -v want="0100007F:$hex" 'FNR > 1 && $2 == want && $4 == "0A" \
	    { found = 1 } END { exit !found }' /proc/net/tcp
}

wait_listening() {
	for p in "$@"; do
		i=0
		until listening "$p"; do
			i=$((i + 1))
			[ $i -lt 100 ] || return 1
			sleep 0.05
		done
	done
}

# The PIDs of the live processes in the sessions given as arguments (both
# masters call setsid(), and their children stay in their session).
# Zombies are left out: a master's parent (init) reaps it in its own time.
session_members() {
	[ $# -gt 0 ] || return 0
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v sids=" $* " '
	{
		pid = $1
		sub(/.*\) /, "")	# after "pid (comm) ": state ppid pgrp sid
		if ($1 != "Z" && index(sids, " " $4 " ") > 0)
			print pid
	}'
}

# Is pid alive and one of ours?  Dovecot's master has our config file on
# its command line, the KDC our PID file; Postfix's master runs in our
# queue directory.
ours() { # pid kind
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	case $2 in
	dovecot)
		tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null |
		    grep -qxF "$DV_CONF" ;;
	postfix)
		[ "$(readlink "/proc/$1/cwd" 2>/dev/null)" = "$PF_QUEUE" ] ;;
	kdc)
		tr '\0' '\n' < "/proc/$1/cmdline" 2>/dev/null |
		    grep -qxF "$K_PID" ;;
	esac
}

readpid() {
	if [ -s "$1" ]; then tr -d ' \n' < "$1"; fi
}

# Stop our daemons: SIGTERM to each master (they stop their children;
# Dovecot's takes about a second), then wait for their sessions to empty;
# after 10 s, SIGKILL what is left of those sessions.
stop() {
	stop_these "$PF_PID:postfix" "$DV_PID:dovecot" "$K_PID:kdc"
}

# Stop the masters given as PIDFILE:KIND pairs, as stop() says.
stop_these() {
	sids=""
	for pair in "$@"; do
		pid=$(readpid "${pair%:*}")
		if ours "$pid" "${pair##*:}"; then
			kill -TERM "$pid" 2>/dev/null || true
			sids="$sids $pid"
		fi
	done
	i=0
	# shellcheck disable=SC2086
	while [ -n "$(session_members $sids)" ]; do
		i=$((i + 1))
		if [ $i -ge 200 ]; then
			echo "servers.sh: still running after 10 s, killed:" \
			    "$(session_members $sids | tr '\n' ' ')" >&2
			for m in $(session_members $sids); do
				kill -KILL "$m" 2>/dev/null || true
			done
			break
		fi
		sleep 0.05
	done
	for pair in "$@"; do
		rm -f "${pair%:*}"
	done
}

# Dovecot alone, started again as start_once() started it, on the ports
# the env file records (a port taken meanwhile is an error: the clients
# know these ports).
start_dovecot() {
	[ -s "$ENVF" ] || die "no servers started under $S"
	if ours "$(readpid "$DV_PID")" dovecot; then
		die "dovecot already running under $S"
	fi
	# shellcheck disable=SC1090
	. "$ENVF"
	if ! dovecot -c "$DV_CONF" >> "$LOG/start.log" 2>&1; then
		echo "servers.sh: dovecot did not start; logs:" >&2
		logs >&2
		exit 1
	fi
	wait_listening "$FT_PORT_IMAP" "$FT_PORT_IMAPS" "$FT_PORT_POP3" \
	    "$FT_PORT_POP3S" "$FT_PORT_LMTP" ||
	    die "dovecot does not listen"
}

logs() {
	for f in "$LOG"/*.log; do
		[ -s "$f" ] || continue
		echo "==> $f <=="
		tail -n "${FT_LOG_LINES:-40}" "$f"
	done
}

check_path_access() {
	# The unprivileged users (postfix, mail, dovenull) must reach DIR.
	d=$S
	while [ "$d" != / ] && [ -n "$d" ]; do
		if [ -d "$d" ] && ! find "$d" -maxdepth 0 -perm -o+x \
		    | grep -q .; then
			die "$d is not searchable by others: Postfix and" \
			    "Dovecot's unprivileged processes cannot reach" \
			    "$S (use a directory under /tmp)"
		fi
		d=$(dirname "$d")
	done
	# Unix socket paths are limited to 107 bytes.
	[ ${#S} -le 60 ] || die "state directory path too long for" \
	    "unix sockets (${#S} > 60 bytes): $S"
}

write_certs() {
	if [ -z "${CERTS:-}" ]; then
		CERTS=$S/certs
		sh "$HERE/../mkcerts.sh" "$CERTS" >/dev/null
	fi
	case $CERTS in /*) ;; *) CERTS=$(cd "$CERTS" && pwd) ;; esac
	for f in ca.pem server.pem server.key dh.pem; do
		[ -r "$CERTS/$f" ] || die "missing $CERTS/$f (run tests/mkcerts.sh)"
	done
}

write_dovecot() {
	mail_uid=$(id -u mail)
	mail_gid=$(id -g mail)
	pf_user=$(postconf -h mail_owner 2>/dev/null || echo postfix)
	mkdir -p "$DV/state" "$DV_RUN"
	: > "$DV/passwd"
	for up in $USERS; do
		u=${up%%:*}
		printf '%s:{PLAIN}%s\n' "$u" "${up#*:}" >> "$DV/passwd"
		mkdir -p "$S/mail/$u/Maildir/cur" "$S/mail/$u/Maildir/new" \
		    "$S/mail/$u/Maildir/tmp"
	done
	chmod 640 "$DV/passwd"
	chgrp dovecot "$DV/passwd" 2>/dev/null || chmod 644 "$DV/passwd"
	chown -R "$mail_uid:$mail_gid" "$S/mail"
	chmod 755 "$S/mail"
	cat > "$DV_CONF" <<EOF
# Generated by facteur's tests/integration/servers.sh: a throwaway instance.
instance_name = facteur-test-$$
base_dir = $DV_RUN
state_dir = $DV/state
log_path = $LOG/dovecot.log
info_log_path = $LOG/dovecot-info.log
debug_log_path = $LOG/dovecot-info.log
hostname = mail.$DOMAIN
postmaster_address = postmaster@$DOMAIN
login_greeting = facteur test Dovecot ready.
protocols = imap pop3 lmtp
listen = 127.0.0.1
shutdown_clients = yes

ssl = yes
ssl_cert = <$CERTS/server.pem
ssl_key = <$CERTS/server.key
ssl_dh = <$CERTS/dh.pem
ssl_min_protocol = TLSv1.2
# Client certificates are asked for (not required) and, when one signed
# by the test CA comes, its CN is the user: the EXTERNAL login.
ssl_ca = <$CERTS/ca.pem
ssl_verify_client_cert = yes
ssl_require_crl = no
auth_ssl_username_from_cert = yes
ssl_cert_username_field = commonName

# Our client, not the server, must refuse to send passwords in clear.
disable_plaintext_auth = no
auth_mechanisms = plain login cram-md5 digest-md5 scram-sha-1 scram-sha-256 external${KDC:+ gssapi}
auth_username_format = %Ln
auth_verbose = yes
# Failed logins are part of the tests: no delays.
auth_failure_delay = 0
EOF
	if [ -n "$KDC" ]; then
		cat >> "$DV_CONF" <<EOF
# GSSAPI: the service keys of our KDC (kdc.sh), any of its principals.
auth_krb5_keytab = $K_KEYTAB
auth_gssapi_hostname = "\$ALL"
import_environment = TZ KRB5_CONFIG=$K_CONF
EOF
	fi
	cat >> "$DV_CONF" <<EOF
# EXTERNAL: the certificate is the proof; no password to check.
passdb {
  driver = static
  args = nopassword=y
  mechanisms = external
}
passdb {
  driver = passwd-file
  args = $DV/passwd
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$S/mail/%n
}
first_valid_uid = $mail_uid
first_valid_gid = $mail_gid
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
mail_max_userip_connections = 50

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $P_IMAP
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $P_IMAPS
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $P_POP3
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $P_POP3S
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
  inet_listener lmtp {
    address = 127.0.0.1
    port = $P_LMTP
  }
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = $pf_user
    group = $(id -gn "$pf_user")
  }
}
# No growing penalty for repeated failed logins from 127.0.0.1.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
}

write_postfix() {
	mkdir -p "$PF_ETC" "$PF_QUEUE" "$PF/data"
	chown root:root "$PF_QUEUE"
	chown "$pf_user" "$PF/data"
	chmod 700 "$PF/data"
	chmod 755 "$PF" "$PF_QUEUE"
	: > "$PF_ETC/vmailbox"
	for up in $USERS; do
		printf '%s@%s %s/\n' "${up%%:*}" "$DOMAIN" "${up%%:*}" \
		    >> "$PF_ETC/vmailbox"
	done
	printf 'defer@%s 450 4.2.0 facteur test: try again later\n' \
	    "$DOMAIN" > "$PF_ETC/rcpt_access"
	cat > "$PF_ETC/main.cf" <<EOF
# Generated by facteur's tests/integration/servers.sh: a throwaway instance.
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $PF/data
myhostname = mail.$DOMAIN
mydomain = $DOMAIN
myorigin = \$mydomain
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
smtpd_banner = \$myhostname ESMTP facteur test Postfix
maillog_file = $LOG/postfix.log
maillog_file_prefixes = $LOG
biff = no
readme_directory = no
alias_maps =
alias_database =
local_recipient_maps =
smtpd_peername_lookup = no
lmtp_host_lookup = native
smtp_host_lookup = native

# Mail for $DOMAIN goes to Dovecot over LMTP; nothing else leaves.
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$PF_ETC/vmailbox
recipient_delimiter = +
virtual_transport = lmtp:inet:127.0.0.1:$P_LMTP
relayhost =
default_transport = error:5.7.1 the facteur test server delivers only to $DOMAIN
relay_transport = \$default_transport

message_size_limit = 67108864
mailbox_size_limit = 0
virtual_mailbox_limit = 0
smtputf8_enable = yes
smtpd_error_sleep_time = 0s
disable_vrfy_command = yes

smtpd_tls_chain_files = $CERTS/server.key, $CERTS/server.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $DV_RUN/auth-postfix
smtpd_sasl_auth_enable = yes
smtpd_sasl_authenticated_header = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject
# defer@ is refused for now (450), always: msend's queue retries it alone.
smtpd_recipient_restrictions = check_recipient_access texthash:$PF_ETC/rcpt_access,
  permit_sasl_authenticated, reject
EOF
	cat > "$PF_ETC/master.cf" <<EOF
# Generated by facteur's tests/integration/servers.sh.  No chroot.
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$P_SUBMISSION inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
127.0.0.1:$P_SMTPS inet n - n - - smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_auth_only=yes
127.0.0.1:$P_SMTP inet n - n - - smtpd
  -o syslog_name=postfix/plain
  -o smtpd_tls_security_level=may
  -o smtpd_tls_auth_only=no
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
	# Postfix rereads a file changed within the last second until it is
	# stable (load_file()), which would cost 2 to 3 s: date them back.
	touch -t 200001010000 "$PF_ETC/main.cf" "$PF_ETC/master.cf" \
	    "$PF_ETC/vmailbox"
}

write_env() {
	{
		for v in \
		    FT_STATE="$S" FT_HOST=127.0.0.1 FT_DOMAIN="$DOMAIN" \
		    FT_CA="$CERTS/ca.pem" FT_CERT="$CERTS/server.pem" \
		    FT_PORT_SUBMISSION="$P_SUBMISSION" \
		    FT_PORT_SMTPS="$P_SMTPS" FT_PORT_SMTP="$P_SMTP" \
		    FT_PORT_IMAP="$P_IMAP" FT_PORT_IMAPS="$P_IMAPS" \
		    FT_PORT_POP3="$P_POP3" FT_PORT_POP3S="$P_POP3S" \
		    FT_PORT_LMTP="$P_LMTP" \
		    FT_LOG_DOVECOT="$LOG/dovecot.log" \
		    FT_LOG_DOVECOT_INFO="$LOG/dovecot-info.log" \
		    FT_LOG_POSTFIX="$LOG/postfix.log" \
		    FT_LOG_START="$LOG/start.log" \
		    FT_DOVECOT_CONF="$DV_CONF" FT_POSTFIX_CONFIG="$PF_ETC" \
		    FT_POSTFIX_QUEUE="$PF_QUEUE" \
		    FT_KRB5_CONFIG="${KDC:+$K_CONF}" \
		    FT_KRB5_REALM="${KDC:+$REALM}"; do
			printf '%s=%s\n' "${v%%=*}" "$(shquote "${v#*=}")"
		done
		for up in $USERS; do
			u=${up%%:*}
			U=$(echo "$u" | tr '[:lower:]' '[:upper:]')
			printf 'FT_%s_USER=%s\n' "$U" "$(shquote "$u")"
			printf 'FT_%s_PASS=%s\n' "$U" "$(shquote "${up#*:}")"
			printf 'FT_%s_ADDR=%s\n' "$U" "$(shquote "$u@$DOMAIN")"
			printf 'FT_%s_MAILDIR=%s\n' "$U" \
			    "$(shquote "$S/mail/$u/Maildir")"
		done
	} > "$ENVF"
}

# One attempt with fresh ports.  Returns 0, 1 on failure, 2 when a port
# was taken meanwhile (try again).
start_once() {
	# shellcheck disable=SC2046
	set -- $(pick_ports 9)
	P_SUBMISSION=$1 P_SMTPS=$2 P_SMTP=$3 P_IMAP=$4 P_IMAPS=$5
	P_POP3=$6 P_POP3S=$7 P_LMTP=$8 P_KDC=$9
	: > "$LOG/start.log"
	KDC=
	if kdc_wanted; then
		kdc_setup || { echo "servers.sh: cannot set up the KDC" >&2;
		    return 1; }
		if ! kdc_start; then
			grep -qs 'Address already in use' "$LOG/start.log" \
			    "$LOG/krb5kdc.log" && return 2
			echo "servers.sh: krb5kdc did not start" >&2
			return 1
		fi
		KDC=1
	fi
	write_dovecot
	write_postfix
	if ! dovecot -c "$DV_CONF" >> "$LOG/start.log" 2>&1; then
		grep -qs 'Address already in use' "$LOG/start.log" \
		    "$LOG/dovecot.log" && return 2
		echo "servers.sh: dovecot did not start" >&2
		return 1
	fi
	if ! wait_listening "$P_IMAP" "$P_IMAPS" "$P_POP3" "$P_POP3S" \
	    "$P_LMTP"; then
		echo "servers.sh: dovecot does not listen" >&2
		return 1
	fi
	if ! postfix -c "$PF_ETC" start >> "$LOG/start.log" 2>&1; then
		grep -qs 'Address already in use' "$LOG/start.log" \
		    "$LOG/postfix.log" && return 2
		echo "servers.sh: postfix did not start" >&2
		return 1
	fi
	if ! wait_listening "$P_SUBMISSION" "$P_SMTPS" "$P_SMTP"; then
		echo "servers.sh: postfix does not listen" >&2
		return 1
	fi
	i=0
	until [ -S "$DV_RUN/auth-postfix" ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "servers.sh: no auth socket" >&2;
		    return 1; }
		sleep 0.05
	done
	write_env
	return 0
}

start() {
	[ "$(id -u)" -eq 0 ] || die "must run as root"
	command -v dovecot >/dev/null || die "dovecot is not installed"
	command -v postfix >/dev/null || die "postfix is not installed"
	mkdir -p "$S"
	S=$(cd "$S" && pwd)
	setpaths "$S"
	chmod 755 "$S"
	check_path_access
	if ours "$(readpid "$DV_PID")" dovecot ||
	    ours "$(readpid "$PF_PID")" postfix; then
		die "servers already running under $S (stop them first)"
	fi
	mkdir -p "$LOG"
	write_certs
	try=1
	while :; do
		rc=0
		start_once || rc=$?
		[ $rc -eq 0 ] && return 0
		stop
		if [ $rc -eq 2 ] && [ $try -lt $START_TRIES ]; then
			try=$((try + 1))
			continue
		fi
		echo "servers.sh: start failed; logs:" >&2
		logs >&2
		exit 1
	done
}

[ $# -eq 2 ] || { sed -n '2,/^set -eu/p' "$0" | sed '$d'; exit 2; }
setpaths "$2"
case $1 in
start)
	start ;;
stop)
	[ -d "$S" ] || exit 0
	S=$(cd "$S" && pwd)
	setpaths "$S"
	stop ;;
env)
	[ -s "$ENVF" ] || die "no servers started under $S"
	cat "$ENVF" ;;
logs)
	logs ;;
stop-dovecot|start-dovecot)
	[ -d "$S" ] || die "no servers under $S"
	S=$(cd "$S" && pwd)
	setpaths "$S"
	if [ "$1" = stop-dovecot ]; then
		stop_these "$DV_PID:dovecot"
	else
		start_dovecot
	fi ;;
*)
	die "unknown command '$1' (start, stop, env, logs, stop-dovecot," \
	    "start-dovecot)" ;;
esac
