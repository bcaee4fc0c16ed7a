#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run every suite and print one closing line "N passed, N failed" summed over
# all of them; exit non-zero on any failure.
#
#   tests/run.sh [FILTER]     FILTER: a suite-name prefix (unit/dp runners) or
#                             an integration script name prefix
#
# Each runner ends with "RESULT <name> passed=N failed=M". A runner that dies
# before printing it (crash, sanitizer abort) counts as one failure.
# Environment: O (build dir, default build).
set -u
cd "$(dirname "$0")/.."
O=${O:-build}
FILTER=${1:-}
total_pass=0
total_fail=0
log_dir=$O/test-logs
mkdir -p "$log_dir"

# Sanitizer runtime options, used only when the binaries were built with SAN=1:
# leaks, address errors and undefined behaviour all fail the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_odr_violation=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# run_one NAME CMD...: run a runner, tee its output, add up its RESULT line.
run_one() {
	local name=$1
	shift
	local log=$log_dir/$name.log rc line p f
	echo "=== $name"
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^RESULT [^ ]+ passed=[0-9]+ failed=[0-9]+$' "$log" | tail -n 1)
	if [ -z "$line" ]; then
		echo "=== $name: died without a result (exit $rc); counted as 1 failure"
		total_fail=$((total_fail + 1))
		return
	fi
	p=${line#*passed=}
	p=${p%% *}
	f=${line##*failed=}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "=== $name: exit status $rc with no failed test; counted as 1 failure"
		f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
}

unit_filter=()
dp_filter=()
case "$FILTER" in
"") ;;
dataplane/*) dp_filter=("$FILTER") ;;
*) unit_filter=("$FILTER") ;;
esac

if [ -z "$FILTER" ] || [ ${#unit_filter[@]} -gt 0 ]; then
	run_one unit "$O/tests/unit" "${unit_filter[@]}"
fi
if [ -z "$FILTER" ] || [ ${#dp_filter[@]} -gt 0 ]; then
	run_one dp "$O/tests/dp" "${dp_filter[@]}"
fi
for t in tests/integration/test_*.sh; do
	n=$(basename "$t" .sh)
	case "$FILTER" in "" | integration* | "$n"*) ;; *) continue ;; esac
	run_one "$n" env O="$O" bash "$t"
done

echo
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
