#!/bin/sh
# Run libFuzzer harnesses one after the other: what "make fuzz" does (see
# tests/fuzz/README).  From the build directory:
#
#   run.sh SRCDIR tests/fuzz/fuzz_NAME...
#
# FUZZ_TIME: seconds per harness (default 60); FUZZ_MAX_LEN: longest input
# tried (default 8192).  For each harness, in tests/fuzz/work/NAME/ of the
# build directory: corpus/, a fresh copy of SRCDIR/tests/fuzz/corpus/NAME/
# to which the fuzzer adds what it finds (never the source tree); log, its
# output; and the reproducer of any finding (crash-*, leak-*, timeout-*,
# oom-*).  SRCDIR/tests/fuzz/dict/NAME.dict is used when it exists.
#
# Prints one line per harness (executions, coverage, result) and exits 1
# when any harness found something: a crash, a sanitizer report (ASan,
# UBSan, LeakSanitizer), a broken invariant, a timeout or too much memory.
set -u

srcdir=$1
shift
time=${FUZZ_TIME:-60}
maxlen=${FUZZ_MAX_LEN:-8192}
case $time$maxlen in
*[!0-9]* | '')
	echo "make fuzz: FUZZ_TIME and FUZZ_MAX_LEN must be numbers" >&2
	exit 2
	;;
esac

# Any UBSan error is a finding: stop at the first one (libFuzzer then
# saves the input).
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS

# The value after "key: " on the last status line of the log.
status_value() {
	grep -E '^#[0-9]+' "$2" | tail -n 1 | sed -n "s/.* $1: \([0-9]*\).*/\1/p"
}
stat_value() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

# What a failed run found, from its log.
finding() {
	if grep -q 'ERROR: libFuzzer: timeout' "$1"; then
		echo "TIMEOUT"
	elif grep -q 'ERROR: LeakSanitizer' "$1"; then
		echo "LEAK"
	elif grep -q 'out-of-memory' "$1"; then
		echo "OUT OF MEMORY"
	elif grep -q 'fuzz: invariant broken' "$1"; then
		echo "BROKEN INVARIANT"
	elif grep -q 'runtime error:' "$1"; then
		echo "UNDEFINED BEHAVIOUR (UBSan)"
	elif grep -q 'ERROR: AddressSanitizer' "$1"; then
		kind=$(sed -n 's/.*ERROR: AddressSanitizer: \([a-z-]*\).*/\1/p' \
		    "$1" | head -n 1)
		echo "MEMORY ERROR ($kind)"
	elif grep -q 'deadly signal' "$1"; then
		echo "CRASH"
	else
		echo "FAILED"
	fi
}

nok=0
nfailed=0
for prog in "$@"; do
	name=${prog##*/}
	name=${name#fuzz_}
	work=tests/fuzz/work/$name
	log=$work/log
	rm -rf "$work/corpus"
	mkdir -p "$work/corpus" || exit 2
	seeds=$srcdir/tests/fuzz/corpus/$name
	if [ -d "$seeds" ]; then
		find "$seeds" -type f -exec cp {} "$work/corpus/" \;
		chmod u+w "$work/corpus"/* 2>/dev/null
	else
		echo "make fuzz: no seed corpus $seeds" >&2
	fi
	dict=$srcdir/tests/fuzz/dict/$name.dict
	[ -f "$dict" ] || dict=
	: > "$work/stamp"
	"./$prog" -max_total_time="$time" -timeout=5 -rss_limit_mb=2048 \
	    -max_len="$maxlen" -error_exitcode=77 -timeout_exitcode=78 \
	    -print_final_stats=1 -artifact_prefix="$work/" \
	    ${dict:+-dict="$dict"} "$work/corpus" > "$log" 2>&1
	rc=$?

	execs=$(stat_value number_of_executed_units "$log")
	rate=$(stat_value average_exec_per_sec "$log")
	cov=$(status_value cov "$log")
	ft=$(status_value ft "$log")
	corp=$(grep -E '^#[0-9]+' "$log" | tail -n 1 |
	    sed -n 's/.* corp: \([0-9]*\).*/\1/p')
	what="${execs:-?} execs (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}"
	what="$what, corpus ${corp:-?}"
	if [ "$rc" -eq 0 ]; then
		nok=$((nok + 1))
		echo "fuzz_$name: ok, $what"
		continue
	fi
	nfailed=$((nfailed + 1))
	repro=$(find "$work" -maxdepth 1 -type f -newer "$work/stamp" \
	    \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
	    -o -name 'oom-*' \) | head -n 1)
	echo "fuzz_$name: $(finding "$log") (exit $rc), $what"
	echo "    reproducer: ${repro:-none saved}; log: $log"
	[ -z "$repro" ] || echo "    run it again: $prog $repro"
	# The report itself, for CI logs.
	sed -n '/^==[0-9]*==\|runtime error:\|^fuzz: \|ERROR: libFuzzer/,$p' \
	    "$log" | head -n 60 | sed 's/^/    | /'
done

echo "make fuzz: $# harnesses, $nok ok, $nfailed with findings ($time s each)"
[ "$nfailed" -eq 0 ]
