#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A short libFuzzer run of each target in tests/fuzz/ (see tests/fuzz/module.mk):
# fuzz_net_input (arbitrary frames into the receive path), fuzz_chan (cell
# framing and the link handshake) and fuzz_circ (circuits over the channel
# layer). Builds them with clang (`make fuzz-build`),
# runs each for FUZZ_SMOKE_SECONDS (default 15) on a private copy of its seed
# corpus, one after the other, and passes when each exits 0 having written no
# crash, leak, timeout or OOM file. A reproducer is kept in
# $O/fuzz/smoke-crashes/ and its path printed with the report; the work
# directories are removed in every case, and so is any EAL runtime directory
# or shared segment left behind.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SECS=${FUZZ_SMOKE_SECONDS:-15}
PREFIX=chive-fuzz-it-$$
KEEP=$O/fuzz/smoke-crashes
TARGETS=(fuzz_net_input fuzz_chan fuzz_circ)
declare -A SEEDS=([fuzz_net_input]=tests/fuzz/corpus [fuzz_chan]=tests/fuzz/corpus-chan
	[fuzz_circ]=tests/fuzz/corpus-circ)
FZ_PIDS=()

fz_cleanup() {
	local p
	rm -rf /var/run/dpdk/"$PREFIX"-*
	for p in "${FZ_PIDS[@]}"; do
		rm -f /dev/shm/chive-fz-chan-"$p" /dev/shm/chive-fz-circ-"$p"
	done
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
	[ -x "$O/fuzz/fuzz_net_input" ] && [ -x "$O/fuzz/fuzz_chan" ] &&
	[ -x "$O/fuzz/fuzz_circ" ]; then
	ok "fuzzer_builds"
else
	not_ok "fuzzer_builds" "$(tail -n 20 "$IT_DIR/build.log")"
	it_finish
	exit
fi

# What to show of a failed run: the check or sanitizer report and the frames in our code.
fz_report() {
	grep -E 'check failed|malformed frame|ERROR: |runtime error|SUMMARY: | in [^ ]+ [^ ]*/(common|dataplane|drivers|tests)/' \
		"$1" | head -n 30
}

# fz_run TARGET: fuzz it on a copy of its seeds; the source corpus is never written.
fz_run() {
	local t=$1 fuzzer=$O/fuzz/$1 seeds=${SEEDS[$1]} work=$IT_DIR/$1 rc crashes runs c
	local seeds_before kept=()

	mkdir -p "$work/corpus" "$work/artifacts"
	cp "$seeds"/* "$work/corpus/"
	seeds_before=$(find "$seeds" -type f | wc -l)
	CHIVE_FUZZ_PREFIX=$PREFIX "$fuzzer" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" \
		>"$work/fuzz.log" 2>&1 &
	FZ_PID=$!
	IT_PIDS+=("$FZ_PID")
	FZ_PIDS+=("$FZ_PID")
	if ! wait_exit "$FZ_PID" $((SECS + 120)); then
		kill -KILL "$FZ_PID" 2>/dev/null
		IT_RC=124
	fi
	rc=$IT_RC

	crashes=$(find "$work/artifacts" -type f 2>/dev/null)
	if grep -q "INITED" "$work/fuzz.log"; then
		ok "${t}_seed_corpus_runs_clean"
	else
		not_ok "${t}_seed_corpus_runs_clean" "a seed crashed or the fuzzer did not start (details below)"
	fi
	if [ "$rc" -eq 0 ] && [ -z "$crashes" ]; then
		ok "${t}_runs_${SECS}s_without_crash"
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
		[ "${runs:-0}" -ge 1000 ] && ok "${t}_executes_inputs" ||
			not_ok "${t}_executes_inputs" "executed units: ${runs:-none}"
	else
		mkdir -p "$KEEP"
		for c in $crashes; do
			cp "$c" "$KEEP/" && kept+=("$KEEP/$(basename "$c")")
		done
		cp "$work/fuzz.log" "$KEEP/$t-$$.log"
		not_ok "${t}_runs_${SECS}s_without_crash" "exit status $rc" \
			"crash input: ${kept[*]:-none written}" "full log: $KEEP/$t-$$.log" \
			"reproduce: $fuzzer ${kept[0]:-<input>}" \
			"(CHIVE_FUZZ_VERBOSE=1 prints what the input does)"
		fz_report "$work/fuzz.log" | sed 's/^/    /'
	fi
	[ "$(find "$seeds" -type f | wc -l)" -eq "$seeds_before" ] &&
		ok "${t}_source_corpus_untouched" || not_ok "${t}_source_corpus_untouched"
}

for t in "${TARGETS[@]}"; do
	fz_run "$t"
done

# The fuzzers remove their EAL runtime directory (and fuzz_chan and fuzz_circ their
# segments) themselves, at start-up, since a crash skips atexit.
! ls -d /var/run/dpdk/"$PREFIX"-* >/dev/null 2>&1 && ok "no_eal_runtime_dir_left" ||
	not_ok "no_eal_runtime_dir_left" "$(ls -d /var/run/dpdk/"$PREFIX"-*)"
left=$(for p in "${FZ_PIDS[@]}"; do ls /dev/shm/chive-fz-c{han,irc}-"$p" 2>/dev/null; done)
[ -z "$left" ] && ok "no_shared_segment_left" || not_ok "no_shared_segment_left" "$left"

it_finish
