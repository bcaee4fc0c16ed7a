#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# chivectl's read commands against a running pair, as a table and with
# --json. A dataplane with two lcores and no NIC (no hugepages, no PCI) and
# its controlplane: every read command (status, counters, show channels,
# circuits, consensus, ports, lcores, keys, config, help) answers with exit
# 0, its table as today, and with --json one document that python3's json
# module accepts; golden fields are checked (as many lcores as started,
# each busy ratio within [0, 1], the recent ones (1 s, 10 s, 60 s) known
# within seconds, no port, the identity `status` shows, the
# socket and segment the controlplane runs with, a counter the dataplane
# increments). Then the dataplane comes back with a port (net_null, no
# NIC): `show ports` names it and its queue, `show ports xstats` lists the
# NIC's extended stats (rx_good_packets among them), and `show lcores` says
# lcore 0 polls its queue. Errors: an unknown command, a bad argument, --json on a write
# command and a read command while the dataplane is down exit non-zero
# with a message (a JSON object with "error" under --json) on stderr.
# Everything is cleaned up on exit (lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-itjson-$$
SOCK=$IT_DIR/cli.sock
EAL=(--no-huge --no-pci -m 256 -l 0,1 --log-level=warning)
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)
OUT=$IT_DIR/out
ERR=$IT_DIR/err

status_ok() { "${CTL[@]}" status >/dev/null 2>&1; }

# run ARGS...: chivectl ARGS, stdout in $OUT, stderr in $ERR; sets RC.
run() {
	"${CTL[@]}" "$@" >"$OUT" 2>"$ERR"
	RC=$?
}

# run_ring ARGS...: run, again up to twice more if it failed with 1: a command
# that goes through the rings (a ping, PORT_GET, a listing) may time out
# when a loaded machine (sanitizers, other tests) stalls a busy-polling lcore.
run_ring() {
	local try
	for try in 1 2 3; do
		run "$@"
		[ $RC -ne 1 ] && return
	done
}

# is_json FILE: FILE holds one JSON object.
is_json() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if isinstance(d, dict) else 1)' "$1" 2>/dev/null &&
		python3 -m json.tool "$1" >/dev/null 2>&1
}

# jcheck NAME EXPR: python EXPR over d (the JSON in $OUT) must be true.
jcheck() {
	local name=$1 expr=$2
	if python3 -c "import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" "$OUT" 2>/dev/null; then
		ok "$name"
	else
		not_ok "$name" "expected: $expr" "$(head -c 2000 "$OUT")"
	fi
}

# both NAME CMD...: the table (exit 0, non-empty, not JSON) and --json (exit 0, valid).
both() {
	local name=$1
	shift
	run_ring "$@"
	if [ $RC -eq 0 ] && [ -s "$OUT" ] && [ "$(head -c 1 "$OUT")" != "{" ]; then
		ok "${name}_table"
	else
		not_ok "${name}_table" "rc=$RC" "$(cat "$OUT" "$ERR")"
	fi
	cp "$OUT" "$IT_DIR/$name.table"
	run_ring --json "$@"
	if [ $RC -eq 0 ] && is_json "$OUT"; then
		ok "${name}_json_valid"
	else
		not_ok "${name}_json_valid" "rc=$RC" "$(head -c 2000 "$OUT")" "$(cat "$ERR")"
	fi
}

# fails NAME WANT_RC PATTERN ARGS...: chivectl ARGS exits WANT_RC with PATTERN on stderr.
fails() {
	local name=$1 want=$2 pat=$3
	shift 3
	run "$@"
	if [ $RC -eq "$want" ] && grep -q -- "$pat" "$ERR" && [ ! -s "$OUT" ]; then
		ok "$name"
	else
		not_ok "$name" "rc=$RC (want $want)" "stdout: $(cat "$OUT")" "stderr: $(cat "$ERR")"
	fi
}

# --- the pair, no NIC
start_cp "$SHM" "$SOCK"
check "controlplane_listens" wait_until 10 test -S "$SOCK"
start_dp "$SHM" "${EAL[@]}"
DP1=$DP_PID
check "status_succeeds_once_attached" wait_until 20 status_ok

# --- every read command, table and JSON
both status status
jcheck "status_json_dataplane_up_with_two_lcores" \
	'd["dataplane"]["up"] is True and len(d["lcores"]) == 2 and all(l["error"] is None and isinstance(l["ping_rtt_us"], float) for l in d["lcores"])'
jcheck "status_json_abi_version_is_a_number" 'isinstance(d["abi_version"], int) and d["segment"] == "/dev/shm/'"$SHM"'"'
grep -q "^lcores:        2$" "$IT_DIR/status.table" && ok "status_table_unchanged" ||
	not_ok "status_table_unchanged" "$(cat "$IT_DIR/status.table")"
FP=$(sed -n 's/^identity: *\([0-9A-F]\{40\}\) .*/\1/p' "$IT_DIR/status.table")

both counters counters
jcheck "counters_json_has_dataplane_and_controlplane_counters" \
	'd["counters"]["/dp/lcore/iterations"] > 0 and isinstance(d["counters"]["/cp/dplink/cmd_sent"], int)'
run --json counters /dp/lcore/
jcheck "counters_json_filter" 'sorted(d["counters"]) == sorted(k for k in d["counters"] if k.startswith("/dp/lcore/")) and len(d["counters"]) == 4'

both show_lcores show lcores
jcheck "show_lcores_json_has_every_lcore" \
	'[l["index"] for l in d["lcores"]] == [0, 1] and [l["id"] for l in d["lcores"]] == [0, 1]'
jcheck "show_lcores_json_busy_ratio_between_0_and_1" \
	'all(0.0 <= l["busy_ratio"] <= 1.0 and l["busy_cycles"] <= l["total_cycles"] and l["iterations"] > 0 for l in d["lcores"])'
jcheck "show_lcores_json_no_network_queue_without_port" 'all(l["role"] == "ctl" for l in d["lcores"])'
grep -q "^0      0    ctl " "$IT_DIR/show_lcores.table" && ok "show_lcores_table_rows" ||
	not_ok "show_lcores_table_rows" "$(cat "$IT_DIR/show_lcores.table")"
# The recent ratios: the controlplane samples each lcore's cycle counters once a
# second, so after a couple of seconds every window has a number (the part of
# it sampled so far), each within [0, 1].
recent_known() {
	run --json show lcores && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if all(l["busy_ratio_" + w] is not None for l in d["lcores"] for w in ("1s", "10s", "60s")) else 1)' "$OUT"
}
check "show_lcores_json_recent_ratios_known_after_seconds" wait_until 10 recent_known
jcheck "show_lcores_json_recent_ratios_between_0_and_1" \
	'len(d["lcores"]) == 2 and all(isinstance(l["busy_ratio_" + w], (int, float)) and 0.0 <= l["busy_ratio_" + w] <= 1.0 for l in d["lcores"] for w in ("1s", "10s", "60s"))'
run show lcores
if [ $RC -eq 0 ] && grep -q " busy_1s busy_10s busy_60s busy_lifetime$" "$OUT" &&
	grep -Eq "^1 +1 +ctl( +[0-9]+){3}( +[01]\.[0-9]{4}){4}$" "$OUT"; then
	ok "show_lcores_table_recent_ratios"
else
	not_ok "show_lcores_table_recent_ratios" "rc=$RC" "$(cat "$OUT")"
fi

both show_ports show ports
jcheck "show_ports_json_no_port" 'd == {"ports": []}'
grep -q "^no network port" "$IT_DIR/show_ports.table" && ok "show_ports_table_says_no_port" ||
	not_ok "show_ports_table_says_no_port" "$(cat "$IT_DIR/show_ports.table")"
both show_ports_xstats show ports xstats
jcheck "show_ports_xstats_json_no_port" 'd == {"port": None, "xstats": [], "count": 0, "total": 0, "truncated": False}'

both show_keys show keys
jcheck "show_keys_json_identity_as_status_shows" 'd["fingerprint"] == "'"$FP"'" and len(d["ed25519_id"]) == 43'
jcheck "show_keys_json_times" \
	'd["signing_cert"]["expires_in_s"] > 0 and d["onion_keys"]["rotation_in_s"] > 0 and d["onion_keys"]["age_s"] >= 0 and d["link_certs"]["gen"] > 0'

both show_config show config
jcheck "show_config_json_what_it_runs_with" \
	'd["socket"] == "'"$SOCK"'" and d["shm_name"] == "'"$SHM"'" and d["data_dir"] == "'"$IT_DIR/data-$SHM"'" and d["log_level"] == "info" and d["onion_workers"] >= 1 and d["publish"] is True and d["dir_authorities"] == []'
grep -q "^SharedMemoryName *$SHM$" "$IT_DIR/show_config.table" && ok "show_config_table_torrc_names" ||
	not_ok "show_config_table_torrc_names" "$(cat "$IT_DIR/show_config.table")"

both show_consensus show consensus
jcheck "show_consensus_json_not_configured" 'd["configured"] is False and d["consensus"] is None and d["authorities"] == []'

both show_channels show channels
jcheck "show_channels_json_empty" 'd["channels"] == [] and d["count"] == 0 and d["lcore_errors"] == []'
both show_circuits show circuits
jcheck "show_circuits_json_empty" 'd["circuits"] == [] and d["count"] == 0'

both help help
N=$(grep -c '^  [a-z]' "$IT_DIR/help.table")
jcheck "help_json_lists_what_help_lists" 'len(d["commands"]) == '"$N"' and len(d["commands"]) == 16'
jcheck "help_json_marks_the_read_commands" \
	'sorted(c["command"] for c in d["commands"] if not c["json"]) == ["channel close", "channel open", "circuit destroy", "config set"]'

# --- errors: non-zero exit and a message on stderr
fails "unknown_command_exits_2" 2 "unknown command 'frobnicate'" frobnicate
fails "bad_argument_exits_2" 2 "usage: show lcores" show lcores extra
fails "json_bad_argument_exits_2_with_json_error" 2 '"error":"usage: show ports"' --json show ports extra
is_json "$ERR" && ok "json_error_is_json" || not_ok "json_error_is_json" "$(cat "$ERR")"
fails "json_on_write_command_exits_2" 2 "has no JSON output" --json channel close 0x1
fails "json_unknown_command_exits_2" 2 '"error":"unknown command' --json frobnicate
"$BIN/chivectl" -s "$SOCK" --bogus status >/dev/null 2>"$ERR"
[ $? -eq 2 ] && grep -q "usage: chivectl" "$ERR" && ok "chivectl_bad_option_exits_2" ||
	not_ok "chivectl_bad_option_exits_2" "$(cat "$ERR")"

# --- the dataplane again, now with a port (net_null: no NIC, nothing received)
kill -INT "$DP1"
wait_exit "$DP1" 20
check "dataplane_stops" test "$IT_RC" -eq 0
wait_until 10 sh -c "! '$BIN/chivectl' -s '$SOCK' -t 5 show lcores >/dev/null 2>&1"
fails "show_lcores_while_down_exits_1" 1 "dataplane down" show lcores
fails "json_show_ports_while_down_exits_1" 1 '"error":"dataplane down' --json show ports
run --json status
if [ $RC -eq 1 ] && is_json "$ERR" && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["dataplane"]["up"] is False and "dataplane down" in d["error"] else 1)' "$ERR"; then
	ok "json_status_while_down_is_a_json_document_with_error"
else
	not_ok "json_status_while_down_is_a_json_document_with_error" "rc=$RC" "$(cat "$ERR")"
fi

"$BIN/chive-dataplane" --no-huge --no-pci -m 512 -l 0,1 --log-level=warning \
	--vdev=net_null0,no-rx=1 -- --shm "$SHM" --port net_null0 --ip 10.97.0.2/24 --mbufs 8191 \
	>>"$IT_DIR/dp-port.log" 2>&1 &
DP2=$!
IT_PIDS+=("$DP2")
check "status_succeeds_with_a_port" wait_until 20 status_ok
both show_ports_port show ports
jcheck "show_ports_json_names_the_port" \
	'len(d["ports"]) == 1 and d["ports"][0]["name"] == "net_null0" and d["ports"][0]["mtu"] == 1500 and d["ports"][0]["queues"] == 1'
jcheck "show_ports_json_mac_link_and_numbers" \
	'__import__("re").fullmatch("([0-9a-f]{2}:){5}[0-9a-f]{2}", d["ports"][0]["mac"]) is not None and isinstance(d["ports"][0]["link_up"], bool) and all(isinstance(d["ports"][0][k], int) for k in ("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_missed", "rx_errors", "tx_errors", "rx_nombuf", "tx_dropped"))'
grep -q "^net_null0 " "$IT_DIR/show_ports_port.table" && ok "show_ports_table_row" ||
	not_ok "show_ports_table_row" "$(cat "$IT_DIR/show_ports_port.table")"
jcheck "show_ports_json_queue_stats" \
	'[q["queue"] for q in d["ports"][0]["queue_stats"]] == [0] and all(isinstance(d["ports"][0]["queue_stats"][0][k], int) for k in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "errors"))'
grep -qE "^net_null0 +0 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+$" "$IT_DIR/show_ports_port.table" &&
	grep -qx "1 queue" "$IT_DIR/show_ports_port.table" && ok "show_ports_table_queue_row" ||
	not_ok "show_ports_table_queue_row" "$(cat "$IT_DIR/show_ports_port.table")"
# The NIC's extended stats (net_null: DPDK's generic ones), paged over PORT_XSTATS.
both show_ports_xstats_port show ports xstats
jcheck "show_ports_xstats_json_lists_rx_good_packets" \
	'd["port"] == "net_null0" and d["count"] == len(d["xstats"]) == d["total"] and d["truncated"] is False and [x["id"] for x in d["xstats"]] == list(range(d["count"])) and any(x["name"] == "rx_good_packets" and isinstance(x["value"], int) for x in d["xstats"])'
grep -qE "^rx_good_packets +[0-9]+$" "$IT_DIR/show_ports_xstats_port.table" &&
	grep -qE "^[0-9]+ xstats \(port net_null0\)$" "$IT_DIR/show_ports_xstats_port.table" &&
	ok "show_ports_xstats_table_lists_rx_good_packets" ||
	not_ok "show_ports_xstats_table_lists_rx_good_packets" "$(cat "$IT_DIR/show_ports_xstats_port.table")"
run_ring --json show ports xstats good_packets
jcheck "show_ports_xstats_json_filter" \
	'sorted(x["name"] for x in d["xstats"]) == ["rx_good_packets", "tx_good_packets"] and d["count"] == 2'
fails "show_ports_xstats_bad_argument_exits_2" 2 "usage: show ports xstats \\[FILTER\\]" show ports xstats a b
run_ring --json show lcores
jcheck "show_lcores_json_lcore0_polls_the_queue" \
	'[l["role"] for l in d["lcores"]] == ["net", "ctl"] and all(0.0 <= l["busy_ratio"] <= 1.0 for l in d["lcores"])'
# A new dataplane (its counters start again): the sampler starts afresh and has numbers again.
check "show_lcores_json_recent_ratios_known_after_the_restart" wait_until 10 recent_known

kill -INT "$DP2" "$CP_PID"
wait_exit "$DP2" 20
wait_exit "$CP_PID" 10

it_finish
