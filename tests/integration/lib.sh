# Shared helpers for the integration tests: each test starts the real nginx,
# the stand-in sign-on service and the real worker pool on a free loopback
# port, in a run directory of its own, and stops them on exit.
# shellcheck shell=bash

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$top/$BUILD" ;; esac
export BUILD
STETHOSCOPE="$BUILD/stethoscope"

checks_passed=0
checks_failed=0
test_name=$(basename "$0" .sh)

pass() {
	checks_passed=$((checks_passed + 1))
	echo "  ok: $1"
}

fail() {
	checks_failed=$((checks_failed + 1))
	echo "  FAIL: $1" >&2
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# A loopback port that nothing listens on right now.
free_port() {
	local port
	for _ in $(seq 1 50); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	echo "no free loopback port found" >&2
	return 1
}

start_stack() {
	RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/stethoscope-test.XXXXXX")
	DEMO_PORT=$(free_port)
	BASE="http://127.0.0.1:$DEMO_PORT"
	export RUN_DIR DEMO_PORT
	if ! "$top/scripts/demo" start >"$RUN_DIR/demo-start.out" 2>&1; then
		cat "$RUN_DIR/demo-start.out" >&2
		fail "the stack starts"
		finish
	fi
	MASTER_PID=$(cat "$RUN_DIR/stethoscope.pid")
	CONFIG="$RUN_DIR/stethoscope.yaml"
	SOCKET="$RUN_DIR/stethoscope.sock"
	trap stop_stack EXIT
}

stop_stack() {
	trap - EXIT
	if [ -n "${RUN_DIR:-}" ] && [ -d "$RUN_DIR" ]; then
		"$top/scripts/demo" stop >/dev/null 2>&1 || true
		if [ "$checks_failed" -gt 0 ]; then
			echo "--- stethoscope.log (last 40 lines)" >&2
			tail -n 40 "$RUN_DIR/stethoscope.log" >&2 || true
		fi
		# Sanitizer reports from any process fail the test.
		if grep -l "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
		    "$RUN_DIR"/*.log >/dev/null 2>&1; then
			grep -h -A20 "ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:" \
			    "$RUN_DIR"/*.log >&2
			checks_failed=$((checks_failed + 1))
			echo "  FAIL: no sanitizer reports" >&2
		fi
		rm -rf "$RUN_DIR"
	fi
	summary
}

summary() {
	echo "$test_name: $checks_passed passed, $checks_failed failed"
	[ "$checks_failed" -eq 0 ]
	exit $?
}

finish() {
	stop_stack
}

# http ARGS...: curl against the test nginx; prints the status code, keeps
# the body in $RUN_DIR/body and the headers in $RUN_DIR/headers.
http() {
	curl -s -o "$RUN_DIR/body" -D "$RUN_DIR/headers" -w '%{http_code}' \
	    --max-time 10 "$@"
}

# wait_for DESCRIPTION SECONDS COMMAND...: retry until the command succeeds.
wait_for() {
	local what=$1 limit=$2 i
	shift 2
	for i in $(seq 1 $((limit * 10))); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 0.1
	done
	echo "timed out waiting for $what" >&2
	return 1
}

worker_pids() {
	pgrep -P "$MASTER_PID" | sort
}

# The pool runs two workers in the tests; true once no other child is left.
two_workers() {
	[ "$(pgrep -P "$MASTER_PID" | wc -l)" -eq 2 ]
}

body_has() { grep -q -- "$1" "$RUN_DIR/body"; }
body_lacks() { ! grep -q -- "$1" "$RUN_DIR/body"; }
header_has() { grep -qi -- "$1" "$RUN_DIR/headers"; }
log_has() { grep -q -- "$1" "$RUN_DIR/stethoscope.log"; }
