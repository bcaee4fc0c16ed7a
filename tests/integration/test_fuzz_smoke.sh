#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A short libFuzzer run of tests/fuzz/fuzz_net_input (arbitrary frames into the
# receive path; see tests/fuzz/module.mk): builds it with clang (`make
# fuzz-build`), runs it for FUZZ_SMOKE_SECONDS (default 20) on a private copy
# of the seed corpus, and passes when it exits 0 having written no crash,
# leak, timeout or OOM file. A reproducer is kept in $O/fuzz/smoke-crashes/
# and its path printed with the report; the work directory is removed in
# every case, and so is any EAL runtime directory left behind.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SECS=${FUZZ_SMOKE_SECONDS:-20}
FUZZER=$O/fuzz/fuzz_net_input
PREFIX=chive-fuzz-it-$$
WORK=$IT_DIR/fuzz
KEEP=$O/fuzz/smoke-crashes

fz_cleanup() {
	rm -rf /var/run/dpdk/"$PREFIX"-*
	it_cleanup
}
trap fz_cleanup EXIT

# --- build (clang, ASan + UBSan + libFuzzer), apart from the gcc objects
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	not_ok "fuzzer_builds" "clang not found (Debian: apt-get install clang libclang-rt-14-dev)"
	it_finish
	exit
fi
if make -s --no-print-directory -j"$(nproc)" O="$O" fuzz-build >"$IT_DIR/build.log" 2>&1 &&
	[ -x "$FUZZER" ]; then
	ok "fuzzer_builds"
else
	not_ok "fuzzer_builds" "$(tail -n 20 "$IT_DIR/build.log")"
	it_finish
	exit
fi

# --- run it on a copy of the seeds; the source corpus is never written
mkdir -p "$WORK/corpus" "$WORK/artifacts"
cp tests/fuzz/corpus/* "$WORK/corpus/"
seeds_before=$(find tests/fuzz/corpus -type f | wc -l)
CHIVE_FUZZ_PREFIX=$PREFIX "$FUZZER" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
	-print_final_stats=1 -artifact_prefix="$WORK/artifacts/" "$WORK/corpus" \
	>"$WORK/fuzz.log" 2>&1 &
FZ_PID=$!
IT_PIDS+=("$FZ_PID")
if ! wait_exit "$FZ_PID" $((SECS + 120)); then
	kill -KILL "$FZ_PID" 2>/dev/null
	IT_RC=124
fi
rc=$IT_RC

# What to show of a failed run: the check or sanitizer report and the frames in our code.
fz_report() {
	grep -E 'check failed|malformed frame|ERROR: |runtime error|SUMMARY: | in [^ ]+ [^ ]*/(common|dataplane|drivers|tests)/' \
		"$WORK/fuzz.log" | head -n 30
}

crashes=$(find "$WORK/artifacts" -type f 2>/dev/null)
if grep -q "INITED" "$WORK/fuzz.log"; then
	ok "seed_corpus_runs_clean"
else
	not_ok "seed_corpus_runs_clean" "a seed crashed or the fuzzer did not start (details below)"
fi
if [ "$rc" -eq 0 ] && [ -z "$crashes" ]; then
	ok "fuzzer_runs_${SECS}s_without_crash"
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$WORK/fuzz.log")
	[ "${runs:-0}" -ge 1000 ] && ok "fuzzer_executes_inputs" ||
		not_ok "fuzzer_executes_inputs" "executed units: ${runs:-none}"
else
	mkdir -p "$KEEP"
	kept=()
	for c in $crashes; do
		cp "$c" "$KEEP/" && kept+=("$KEEP/$(basename "$c")")
	done
	cp "$WORK/fuzz.log" "$KEEP/fuzz-$$.log"
	not_ok "fuzzer_runs_${SECS}s_without_crash" "exit status $rc" \
		"crash input: ${kept[*]:-none written}" "full log: $KEEP/fuzz-$$.log" \
		"reproduce: $FUZZER ${kept[0]:-<input>}" \
		"(CHIVE_FUZZ_VERBOSE=1 prints the frames in and out)"
	fz_report | sed 's/^/    /'
fi

# The fuzzer removes its EAL runtime directory itself (at start-up, since a crash skips atexit).
! ls -d /var/run/dpdk/"$PREFIX"-* >/dev/null 2>&1 && ok "no_eal_runtime_dir_left" ||
	not_ok "no_eal_runtime_dir_left" "$(ls -d /var/run/dpdk/"$PREFIX"-*)"
[ "$(find tests/fuzz/corpus -type f | wc -l)" -eq "$seeds_before" ] &&
	ok "source_corpus_untouched" || not_ok "source_corpus_untouched"

it_finish
