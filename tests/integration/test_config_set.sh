#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# chivectl config get|set against a running pair: a dataplane with a port
# (net_null, no NIC) and two network queues, so two lcores with channels,
# and its controlplane. `config get` lists every keyword of the schema, as
# a table and with --json (checked by python3 -m json.tool), one keyword in
# any case. `config set RelayBandwidthRate 1 MB` shows in `config get`,
# `show config` and the controlplane's log, and reaches the dataplane: each
# lcore's /dp/chan/bw_rate gauge holds its share, so `counters` sums to the
# whole rate; a restarted dataplane is sent the limit again. Refusals exit
# 1 with a message on stderr: a keyword that needs a restart (ORPort), a
# bad value (the same message the config file gets, without FILE:LINE), an
# unknown keyword, a new Log destination. Other run-time keywords:
# Nickname, MaxOnionQueueDelay, Log; CircuitQueue and CircuitQueueMax go to
# every lcore (/dp/circ/queue_hiwat, queue_max), only in an order that keeps
# the pause limit below the destroy limit, and again to a restarted
# dataplane. Everything is cleaned up on exit (lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-itcfgset-$$
SOCK=$IT_DIR/cli.sock
CTL=("$BIN/chivectl" -s "$SOCK" -t 10)
OUT=$IT_DIR/out
ERR=$IT_DIR/err
CPLOG=$IT_DIR/cp-$SHM.log

status_ok() { "${CTL[@]}" status >/dev/null 2>&1; }

# run ARGS...: chivectl ARGS, stdout in $OUT, stderr in $ERR; sets RC.
run() {
	"${CTL[@]}" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# run_ring ARGS...: run, again up to twice more, a second apart, if it failed
# with 1 (a loaded machine may stall a busy-polling lcore past a ring
# request's timeout); the failed tries' answers are kept in $RING_LOG.
RING_LOG=$IT_DIR/ring.log
run_ring() {
	local try
	: >"$RING_LOG"
	for try in 1 2 3; do
		run "$@"
		[ $RC -ne 1 ] && return
		{ echo "try $try: rc=$RC"; cat "$OUT" "$ERR"; } >>"$RING_LOG"
		sleep 1
	done
}

# has NAME PATTERN: $OUT holds a line matching the extended regex PATTERN.
has() {
	if grep -Eq -- "$2" "$OUT"; then
		ok "$1"
	else
		not_ok "$1" "want /$2/" "$(cat "$OUT" "$ERR")"
	fi
}

# jcheck NAME EXPR: python EXPR over d (the JSON in $OUT) must be true.
jcheck() {
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" "$OUT" 2>/dev/null; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "$(head -c 2000 "$OUT")"
	fi
}

# fails NAME PATTERN ARGS...: chivectl ARGS exits 1 with PATTERN (fixed string) on stderr.
fails() {
	local name=$1 pat=$2
	shift 2
	run "$@"
	if [ $RC -eq 1 ] && grep -qF -- "$pat" "$ERR" && [ ! -s "$OUT" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$RC (want 1), want: $pat" "stdout: $(cat "$OUT")" "stderr: $(cat "$ERR")"
	fi
}

# gauge_is NAME N: a dataplane gauge, summed over lcores, is N.
gauge_is() {
	"${CTL[@]}" counters "$1" 2>/dev/null | grep -Eq "^$1 +$2\$"
}

# bw_rate_is N: the dataplane's /dp/chan/bw_rate, summed over lcores, is N.
bw_rate_is() {
	"${CTL[@]}" counters /dp/chan/bw_rate 2>/dev/null | grep -Eq "^/dp/chan/bw_rate +$1\$"
}

start_dp_port() {
	IT_SHMS+=("$SHM")
	"$BIN/chive-dataplane" --no-huge --no-pci -m 512 -l 0,1 --log-level=warning \
		--vdev=net_null0,no-rx=1 -- --shm "$SHM" --port net_null0 --ip 10.97.0.2/24 \
		--mbufs 8191 --queues 2 >>"$IT_DIR/dp-$SHM.log" 2>&1 &
	DP_PID=$!
	IT_PIDS+=("$DP_PID")
}

start_cp "$SHM" "$SOCK"
check "controlplane_listens" wait_until 10 test -S "$SOCK"
start_dp_port
check "status_succeeds_once_attached" wait_until 20 status_ok

# --- config get: every keyword, table and JSON
run config get
N=$(sed -n 's/^\([0-9][0-9]*\) options; .*/\1/p' "$OUT")
ROWS=$(grep -Ec '^[A-Z][A-Za-z]+ +(yes|no) ' "$OUT")
if [ $RC -eq 0 ] && [ -n "$N" ] && [ "$N" -gt 40 ] && [ "$ROWS" -eq "$N" ]; then
	ok "config_get_lists_every_keyword"
else
	not_ok "config_get_lists_every_keyword" "rc=$RC N=$N rows=$ROWS" "$(cat "$OUT" "$ERR")"
fi
has "config_get_rate_is_runtime_and_unset" '^RelayBandwidthRate +yes +0 bytes$'
has "config_get_orport_needs_restart" '^ORPort +no '
has "config_get_log_as_the_file_writes_it" '^Log +yes +info stderr$'
has "config_get_dataplane_keyword" "^Queues +no +\\(the dataplane's\\)$"
run --json config get
if [ $RC -eq 0 ] && python3 -m json.tool "$OUT" >/dev/null 2>&1; then
	ok "config_get_json_is_valid"
else
	not_ok "config_get_json_is_valid" "rc=$RC" "$(head -c 2000 "$OUT")" "$(cat "$ERR")"
fi
jcheck "config_get_json_lists_what_the_table_lists" \
	'len(d["options"]) == '"${N:-0}"' and len(set(o["name"] for o in d["options"])) == '"${N:-0}"
jcheck "config_get_json_fields" \
	'[o for o in d["options"] if o["name"] == "RelayBandwidthRate"][0] == {"name": "RelayBandwidthRate", "runtime": True, "applies": "both", "repeat": False, "known": True, "value": "0 bytes"} and [o for o in d["options"] if o["name"] == "MyFamily"][0]["value"] == [] and [o for o in d["options"] if o["name"] == "Lcores"][0]["known"] is False'
run config get relaybandwidthRATE
if [ $RC -eq 0 ] && [ "$(wc -l <"$OUT")" -eq 2 ] && grep -Eq '^RelayBandwidthRate +yes +0 bytes$' "$OUT"; then
	ok "config_get_one_keyword_any_case"
else
	not_ok "config_get_one_keyword_any_case" "rc=$RC" "$(cat "$OUT" "$ERR")"
fi
fails "config_get_unknown_keyword_exits_1" 'unknown option "Frobnicate"' config get Frobnicate

# --- config set RelayBandwidthRate: control plane, descriptor settings, dataplane
run_ring config set RelayBandwidthRate 1 MB
if [ $RC -eq 0 ] && grep -q "^RelayBandwidthRate set to 1048576 bytes$" "$OUT" &&
	[ "$(grep -c "^dataplane lcore [01]: rate 524288 bytes/s, burst 524288 bytes$" "$OUT")" -eq 2 ]; then
	ok "config_set_rate_each_lcore_takes_half"
else
	not_ok "config_set_rate_each_lcore_takes_half" "rc=$RC" "$(cat "$OUT" "$ERR" "$RING_LOG")"
fi
run config get RelayBandwidthRate
has "config_get_shows_the_new_rate" '^RelayBandwidthRate +yes +1048576 bytes$'
run config get RelayBandwidthBurst
has "config_get_burst_raised_to_the_rate" '^RelayBandwidthBurst +yes +1048576 bytes$'
run show config
has "show_config_shows_the_new_rate" '^RelayBandwidthRate +1048576 bytes/s$'
run --json show config
jcheck "show_config_json_shows_the_new_rate" 'd["bandwidth_rate"] == 1048576 and d["bandwidth_burst"] == 1048576'
check "dataplane_gauge_sums_to_the_rate" wait_until 10 bw_rate_is 1048576
check "controlplane_logs_the_change_at_notice" \
	grep -q "\[notice\] cp.config: RelayBandwidthRate set to 1048576 bytes by chivectl" "$CPLOG"

# --- refusals: non-zero exit, a message on stderr, nothing changed
fails "config_set_orport_needs_a_restart" "error: ORPort needs a restart (set it in the config file)" \
	config set ORPort 9002
run config get ORPort
has "config_set_orport_left_it_alone" '^ORPort +no +\(not set\)$'
printf 'RelayBandwidthRate 12 parsecs\n' >"$IT_DIR/bad.conf"
"$BIN/chive-controlplane" -f "$IT_DIR/bad.conf" >/dev/null 2>"$IT_DIR/bad.err"
FILE_MSG=$(sed -n "s|^chive-controlplane: $IT_DIR/bad.conf:1: ||p" "$IT_DIR/bad.err")
if [ -n "$FILE_MSG" ]; then
	fails "config_set_bad_value_has_the_file_message" "error: $FILE_MSG" \
		config set RelayBandwidthRate 12 parsecs
else
	not_ok "config_set_bad_value_has_the_file_message" "no message from the file" "$(cat "$IT_DIR/bad.err")"
fi
fails "config_set_value_out_of_range" 'error: RelayBandwidthRate: "10" is 10 bytes, not in 76800-2147483647 (or 0)' \
	config set RelayBandwidthRate 10
fails "config_set_unknown_keyword" 'error: unknown option "Frobnicate"' config set Frobnicate 1
fails "config_set_new_log_destination_needs_a_restart" "error: Log: a new destination needs a restart" \
	config set Log debug file "$IT_DIR/x.log"
run config set Nickname
[ $RC -eq 2 ] && grep -q "usage: config set KEY VALUE" "$ERR" && ok "config_set_without_value_exits_2" ||
	not_ok "config_set_without_value_exits_2" "rc=$RC" "$(cat "$ERR")"
run --json config set Nickname x
[ $RC -eq 2 ] && python3 -m json.tool "$ERR" >/dev/null 2>&1 && ok "config_set_refuses_json" ||
	not_ok "config_set_refuses_json" "rc=$RC" "$(cat "$ERR")"
run --json config get Frobnicate
[ $RC -eq 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if "unknown option" in d["error"] else 1)' "$ERR" &&
	ok "config_get_json_unknown_is_a_json_error" || not_ok "config_get_json_unknown_is_a_json_error" "rc=$RC" "$(cat "$ERR")"
check "rate_unchanged_by_the_refusals" bw_rate_is 1048576

# --- the other run-time keywords
run config set Nickname ChiveCfg7
run show config
has "config_set_nickname_shows_in_show_config" '^Nickname +ChiveCfg7$'
run config set MaxOnionQueueDelay 500
run config get MaxOnionQueueDelay
has "config_set_max_onion_queue_delay" '^MaxOnionQueueDelay +yes +500 msec$'
run config set Log debug
run config get Log
has "config_set_log_severity" '^Log +yes +debug stderr$'
run show config
has "config_set_log_severity_shows_in_show_config" '^Log +debug stderr$'

# --- the circuit queue limits: every lcore takes both; the pair stays ordered
run config get CircuitQueue
has "config_get_circuit_queue_is_runtime" '^CircuitQueue +yes +128$'
run_ring config set CircuitQueueMax 2048
if [ $RC -eq 0 ] && grep -q "^CircuitQueueMax set to 2048$" "$OUT" &&
	[ "$(grep -c "^dataplane lcore [01]: CircuitQueue 128, CircuitQueueMax 2048$" "$OUT")" -eq 2 ]; then
	ok "config_set_circuit_queue_max_every_lcore"
else
	not_ok "config_set_circuit_queue_max_every_lcore" "rc=$RC" "$(cat "$OUT" "$ERR" "$RING_LOG")"
fi
run_ring config set CircuitQueue 1024
[ $RC -eq 0 ] &&
	[ "$(grep -c "^dataplane lcore [01]: CircuitQueue 1024, CircuitQueueMax 2048$" "$OUT")" -eq 2 ] &&
	ok "config_set_circuit_queue_every_lcore" ||
	not_ok "config_set_circuit_queue_every_lcore" "rc=$RC" "$(cat "$OUT" "$ERR" "$RING_LOG")"
check "dataplane_queue_gauges_follow" wait_until 10 gauge_is /dp/circ/queue_hiwat 2048
check "dataplane_queue_max_gauges_follow" gauge_is /dp/circ/queue_max 4096
fails "config_set_circuit_queue_above_its_max" \
	"error: CircuitQueue (4096) must stay below CircuitQueueMax (2048): raise that first" \
	config set CircuitQueue 4096
run config get CircuitQueue
has "config_get_shows_the_new_circuit_queue" '^CircuitQueue +yes +1024$'

# --- a restarted dataplane gets the limit `config set` chose
kill -INT "$DP_PID"
wait_exit "$DP_PID" 20
check "dataplane_stops" test "$IT_RC" -eq 0
wait_until 10 sh -c "! '$BIN/chivectl' -s '$SOCK' -t 5 status >/dev/null 2>&1"
start_dp_port
check "status_succeeds_after_restart" wait_until 20 status_ok
check "restarted_dataplane_gets_the_rate" wait_until 10 bw_rate_is 1048576
check "controlplane_logs_sending_it_again" \
	grep -q "cp.config: dataplane attached: RelayBandwidthRate 1048576" "$CPLOG"
check "restarted_dataplane_gets_the_queue_limits" wait_until 10 gauge_is /dp/circ/queue_hiwat 2048

# --- no limit again
run_ring config set RelayBandwidthRate 0
[ $RC -eq 0 ] && grep -q "RelayBandwidthBurst set to 0 too (no limit)" "$OUT" &&
	ok "config_set_rate_0_lifts_the_limit" ||
	not_ok "config_set_rate_0_lifts_the_limit" "rc=$RC" "$(cat "$OUT" "$ERR" "$RING_LOG")"
check "dataplane_gauge_back_to_0" wait_until 10 bw_rate_is 0

kill -INT "$DP_PID" "$CP_PID"
wait_exit "$DP_PID" 20
wait_exit "$CP_PID" 10

it_finish
