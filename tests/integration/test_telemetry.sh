#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK telemetry (dataplane/telemetry.h): a dataplane with two lcores and a
# net_null port (no NIC, no hugepages, no PCI) and its controlplane. In
# Chive's default EAL mode (--no-shconf here) the socket
# /var/run/dpdk/chive-NAME/dpdk_telemetry.v2 exists, and Debian's
# dpdk-telemetry.py reads it: "/" lists the /chive/ commands; /chive/info,
# /chive/lcores, /chive/lcore,ID[,FILTER], /chive/counters[,FILTER] and
# /chive/port answer with what the process runs with, the same values
# `chivectl` shows (a counter the dataplane incremented, the port's MAC);
# bad parameters answer null; /ethdev/list still works; the dict limit is
# reported ("truncated"). Then a client queries in a loop while the
# dataplane stops: it exits 0 and leaves nothing in /var/run/dpdk or
# /dev/shm. Last, a dataplane without a port says so in /chive/port.
# Everything is cleaned up on exit (lib.sh).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-ittele-$$
SOCK=$IT_DIR/cli.sock
TSOCK=/var/run/dpdk/chive-$SHM/dpdk_telemetry.v2
EAL=(--no-huge --no-pci -m 512 -l 0,1 --log-level=warning)
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)
TELE=/usr/bin/dpdk-telemetry.py
CLIENT=tests/integration/telemetry_client.py
OUT=$IT_DIR/out

status_ok() { "${CTL[@]}" status >/dev/null 2>&1; }

# tel CMD: CMD's value (the reply's only member) in $OUT as JSON, read with
# Debian's dpdk-telemetry.py (non-interactive: commands on stdin, one JSON
# reply per line on stdout), or with our client if DPDK's tool is missing.
tel() {
	if [ -x "$TELE" ]; then
		printf '%s\n' "$1" | python3 "$TELE" -f "chive-$SHM" >"$OUT.raw" 2>&1
	else
		python3 "$CLIENT" query "$TSOCK" "$1" >"$OUT.raw" 2>&1
	fi
	python3 -c 'import json,sys; d=json.loads(open(sys.argv[1]).readline()); print(json.dumps(d[sys.argv[2].split(",")[0]]))' \
		"$OUT.raw" "$1" >"$OUT" 2>/dev/null || cp "$OUT.raw" "$OUT"
}

# jcheck NAME EXPR: python EXPR over d (the JSON in $OUT) must be true.
jcheck() {
	local name=$1 expr=$2
	if python3 -c "import json,re,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if ($expr) else 1)" "$OUT" 2>/dev/null; then
		ok "$name"
	else
		not_ok "$name" "expected: $expr" "$(head -c 2000 "$OUT")"
	fi
}

# ctl_json FILE ARGS...: chivectl --json ARGS into FILE, retried (a busy-polling
# lcore on a loaded machine may miss a ring round trip).
ctl_json() {
	local f=$1 try
	shift
	for try in 1 2 3; do
		"${CTL[@]}" --json "$@" >"$f" 2>/dev/null && return 0
	done
	return 1
}

no_leftovers() {
	[ ! -e "/dev/shm/$SHM" ] && [ ! -e "/var/run/dpdk/chive-$SHM" ]
}

if [ -x "$TELE" ]; then
	ok "dpdk_telemetry_py_installed"
else
	not_ok "dpdk_telemetry_py_installed" "$TELE missing (Debian package dpdk-dev; scripts/install-deps.sh)"
fi

# --- the pair, with a port
start_cp "$SHM" "$SOCK"
check "controlplane_listens" wait_until 10 test -S "$SOCK"
IT_SHMS+=("$SHM")
"$BIN/chive-dataplane" "${EAL[@]}" --vdev=net_null0,no-rx=1 -- --shm "$SHM" --port net_null0 \
	--ip 10.97.0.2/24 --mbufs 8191 >>"$IT_DIR/dp-$SHM.log" 2>&1 &
DP1=$!
IT_PIDS+=("$DP1")
check "telemetry_socket_exists" wait_until 20 test -S "$TSOCK"
check "status_succeeds_once_attached" wait_until 20 status_ok

tel /
jcheck "root_lists_every_chive_command" \
	'all(c in d for c in ("/chive/info", "/chive/lcores", "/chive/lcore", "/chive/counters", "/chive/port"))'
jcheck "root_lists_ethdev_commands" '"/ethdev/list" in d and "/ethdev/stats" in d'
jcheck "command_names_are_letters_digits_underscore_slash" \
	'all(re.fullmatch("[A-Za-z0-9_/]+", c) for c in d if c.startswith("/chive"))'
tel /help,/chive/lcore
jcheck "help_describes_the_parameters" '"lcore id" in d["/chive/lcore"]'

tel /chive/info
jcheck "info_segment_and_pid" \
	'd["shm"] == "'"$SHM"'" and d["segment"] == "/dev/shm/'"$SHM"'" and d["pid"] == '"$DP1"
jcheck "info_lcores_and_port" \
	'd["lcores"] == 2 and d["net_lcores"] == 1 and d["net_lcore_ids"] == [0] and d["port"] == "net_null0" and d["main_lcore"] == 0'
jcheck "info_versions" \
	'd["dpdk_version"].startswith("DPDK 22.11") and isinstance(d["ipc_abi_version"], int) and d["counters"] > 0 and d["tsc_hz"] > 0'
tel /chive/info,extra
jcheck "info_refuses_parameters" 'd is None'

tel /chive/lcores
jcheck "lcores_lists_the_ids" 'd == [0, 1]'

tel /chive/lcore,0
jcheck "lcore0_polls_the_queue" \
	'd["lcore_id"] == 0 and d["index"] == 0 and d["main"] == 1 and d["net_queue"] == 1 and d["rx_port"] == 0 and d["rx_queue"] == 0'
jcheck "lcore0_loop_counters" \
	'd["iterations"] > 0 and 0 < d["total_cycles"] and d["busy_cycles"] <= d["total_cycles"] and 0 <= d["busy_ppm"] <= 1000000 and 0.0 <= float(d["busy_ratio"]) <= 1.0'
jcheck "lcore0_gauges_channels_and_circuits_open" \
	'd["/dp/chan/open"] == 0 and d["/dp/circ/open"] == 0 and "/dp/tcp/conns" in d and "truncated" not in d'
tel /chive/lcore,1
jcheck "lcore1_has_no_queue" 'd["lcore_id"] == 1 and d["net_queue"] == 0 and d["rx_queue"] == -1 and d["iterations"] > 0'
tel /chive/lcore,1,/dp/lcore/
jcheck "lcore_filter_gives_that_lcores_counters" \
	'sorted(k for k in d if k.startswith("/")) == ["/dp/lcore/busy_cycles", "/dp/lcore/iterations", "/dp/lcore/net_queue", "/dp/lcore/total_cycles"] and d["/dp/lcore/net_queue"] == 0'
for bad in none:/chive/lcore unknown_id:/chive/lcore,99 not_a_number:/chive/lcore,x \
	trailing_garbage:/chive/lcore,0x; do
	tel "${bad#*:}"
	jcheck "lcore_parameter_${bad%%:*}_is_null" 'd is None'
done

# A counter the dataplane incremented (the gratuitous ARP at start), as chivectl shows it.
tel /chive/counters,/dp/arp/
jcheck "counters_filter" 'len(d) > 0 and all(k.startswith("/dp/arp/") for k in d)'
if ctl_json "$IT_DIR/ctl_counters" counters /dp/arp/; then
	CTL_ARP=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"]["/dp/arp/tx_announce"])' "$IT_DIR/ctl_counters")
else
	CTL_ARP=missing
fi
jcheck "counters_match_chivectl" 'd["/dp/arp/tx_announce"] >= 1 and str(d["/dp/arp/tx_announce"]) == "'"$CTL_ARP"'"'
tel /chive/info
N_CTR=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counters"])' "$OUT")
tel /chive/counters
jcheck "counters_has_loop_counters" 'd["/dp/lcore/iterations"] > 0 and d["/dp/lcore/net_queue"] == 1'
jcheck "counters_within_dict_limit_and_truncation_reported" \
	'len(d) <= 256 and (sum(1 for k in d if k.startswith("/")) + d.get("truncated", 0) == '"$N_CTR"') and (("truncated" in d) == ('"$N_CTR"' > 255))'
tel /chive/counters,/no/such/
jcheck "counters_filter_without_match_is_empty" 'd == {}'

tel /chive/port
cp "$OUT" "$IT_DIR/port"
jcheck "port_names_the_port" \
	'd["configured"] == 1 and d["name"] == "net_null0" and d["driver"] == "net_null" and d["mtu"] == 1500 and d["queues"] == 1 and d["queue_lcores"] == [0]'
jcheck "port_link_and_stats" \
	'd["link_up"] in (0, 1) and all(isinstance(d[k], int) for k in ("rx_packets", "tx_packets", "rx_bytes", "tx_bytes", "rx_missed", "rx_errors", "tx_errors", "rx_nombuf")) and d["tx_packets"] >= 1'
if ctl_json "$IT_DIR/ctl_ports" show ports; then
	CTL_MAC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ports"][0]["mac"])' "$IT_DIR/ctl_ports")
else
	CTL_MAC=missing
fi
jcheck "port_mac_as_chivectl_shows" 're.fullmatch("([0-9a-f]{2}:){5}[0-9a-f]{2}", d["mac"]) and d["mac"] == "'"$CTL_MAC"'"'

tel /ethdev/list
jcheck "ethdev_list_still_works" 'd == [0]'
tel /ethdev/stats,0
jcheck "ethdev_stats_still_works" 'isinstance(d["opackets"], int)'

# Our own protocol client agrees with DPDK's tool.
python3 "$CLIENT" query "$TSOCK" /chive/lcores >"$OUT" 2>&1
jcheck "raw_protocol_client_agrees" 'd == {"/chive/lcores": [0, 1]}'

# --- stop while a client queries in a loop
python3 "$CLIENT" hammer "$TSOCK" /chive/counters 20 >"$IT_DIR/hammer1" 2>&1 &
HAMMER=$!
IT_PIDS+=("$HAMMER")
sleep 0.5
kill -INT "$DP1"
wait_exit "$DP1" 20
check "dataplane_stops_cleanly_while_queried" test "$IT_RC" -eq 0
wait_exit "$HAMMER" 25
if [ "$IT_RC" -eq 0 ] && grep -q "^OK replies=[1-9]" "$IT_DIR/hammer1"; then
	ok "queries_during_shutdown_answered_or_closed"
else
	not_ok "queries_during_shutdown_answered_or_closed" "rc=$IT_RC" "$(cat "$IT_DIR/hammer1")"
fi
if grep -q "still running at shutdown" "$IT_DIR/dp-$SHM.log"; then
	not_ok "no_callback_outlives_shutdown" "$(cat "$IT_DIR/dp-$SHM.log")"
else
	ok "no_callback_outlives_shutdown"
fi
check "nothing_left_in_var_run_dpdk_or_dev_shm" no_leftovers

# --- a dataplane without a port
start_dp "$SHM" "${EAL[@]}"
DP2=$DP_PID
check "telemetry_socket_again" wait_until 20 test -S "$TSOCK"
tel /chive/port
jcheck "port_not_configured" 'd == {"configured": 0}'
tel /chive/info
jcheck "info_no_networking_lcore" 'd["net_lcores"] == 0 and d["net_lcore_ids"] == [] and d["port"] == "" and d["pid"] == '"$DP2"
kill -INT "$DP2" "$CP_PID"
wait_exit "$DP2" 20
check "dataplane_without_port_stops_cleanly" test "$IT_RC" -eq 0
wait_exit "$CP_PID" 10
check "nothing_left_after_second_run" no_leftovers

it_finish
