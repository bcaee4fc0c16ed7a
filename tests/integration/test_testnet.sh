#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Chive joins a real Tor network (issue 6): scripts/testnet starts three tor
# 0.4.9 directory authorities, four tor relays (one an exit for the
# namespace's addresses), a tor client and an HTTP server in a namespace of
# this test's own, plus Chive (2 dataplane lcores, 2 network queues) from a
# config file. Checked:
#   - every authority holds Chive's descriptor, fetched back byte-identical,
#     and none rejected it;
#   - the authorities' reachability test connects to Chive's ORPort and
#     finds it reachable (strict mode: Running is earned, not decreed);
#   - every tor node's consensus lists Chive Running and Valid, and Chive's
#     own verified consensus says the same; its microdescriptor carries the
#     family id of the family-cert Chive published (FamilyId);
#   - a real tor client downloads a 64 MiB file byte-identical over
#     guard(tor) -> Chive -> exit(tor) (a tor relay extends to Chive, Chive
#     extends to a tor relay) and over Chive -> middle(tor) -> exit(tor);
#   - Chive then measures bandwidth, republishes, and the consensus lists
#     it with that bandwidth and Fast;
#   - no tor log carries a warning that names Chive; Chive logs no error.
. "$(dirname "$0")/lib.sh"

TN=scripts/testnet
export TESTNET_NS=chive-it-tn-$$
export TESTNET_DIR=$IT_DIR/testnet
export TESTNET_NET=10.94.0
export TESTNET_FILE_SIZE=64M
export TESTNET_CHIVE=1
export TESTNET_BIN=$BIN
export TESTNET_WAIT_TIMEOUT=150

cleanup_tn() { "$TN" stop >/dev/null 2>&1; }
trap 'cleanup_tn; it_cleanup' EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi
for t in tor tor-gencert python3; do
	if ! command -v "$t" >/dev/null; then
		not_ok "tool_$t" "$t not installed (scripts/install-deps.sh installs it)"
		it_finish
		exit 1
	fi
done

if ! "$TN" start >"$IT_DIR/start.log" 2>&1; then
	not_ok "testnet_started" "$(tail -5 "$IT_DIR/start.log")"
	it_finish
	exit 1
fi
ok "testnet_started"
# shellcheck disable=SC1091
. "$TESTNET_DIR/env"
ctl() { "$BIN/chivectl" -s "$CHIVE_SOCKET" -t 10 "$@"; }
counter() { ctl counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
counter_ge() { local v; v=$(counter "$1"); test "${v:-0}" -ge "$2"; }
counter_eq() { local v; v=$(counter "$1"); test "${v:-x}" = "$2"; }

# `status` pings every lcore (1 s timeout): on a loaded machine (sanitizers,
# CI) a ping can miss, so ask again, bounded.
two_lcores() { "$BIN/chivectl" -s "$CHIVE_SOCKET" status | grep -q '^lcores: *2$'; }
check "chive_two_lcores" wait_until 30 two_lcores
check "descriptor_held_by_every_authority" wait_until 60 counter_eq /cp/dir/authorities_holding 3
check "descriptor_never_rejected" counter_eq /cp/dir/upload_rejected 0

# The authorities probe the ORPort a new descriptor names (dir-spec §3.4.2).
reach() { grep -q "Found router \$$CHIVE_FP~$CHIVE_NICK .* to be reachable" "$TESTNET_DIR/$1"/*.log; }
check "auth0_found_chive_reachable" wait_until 60 reach auth0
check "auth1_found_chive_reachable" wait_until 10 reach auth1

if "$TN" wait --expect-nick "$CHIVE_NICK" --timeout 150 >"$IT_DIR/wait.log" 2>&1; then
	ok "every_node_lists_chive_running"
else
	not_ok "every_node_lists_chive_running" "$(tail -8 "$IT_DIR/wait.log")"
fi
check "chive_consensus_verified" wait_until 60 counter_ge /cp/dir/cons_ok 1
check "chive_sees_itself_running" wait_until 60 counter_eq /cp/dir/flag/running 1
check "chive_sees_itself_valid" counter_eq /cp/dir/flag/valid 1
check "no_consensus_refused" counter_eq /cp/dir/cons_bad 0
# Happy families: the authorities turned our family-cert into the
# microdescriptor's family-ids (proposal 321), as clients see it.
microdesc() {
	ip netns exec "$TESTNET_NS" python3 - "$AUTH0_IP" "$CHIVE_FP" <<'PYEOF'
import base64, sys, urllib.request
ip, fp = sys.argv[1], sys.argv[2]
base = f"http://{ip}:9030/tor"
cons = urllib.request.urlopen(base + "/status-vote/current/consensus-microdesc", timeout=10)
lines = cons.read().decode().split("\n")
rid = base64.b64encode(bytes.fromhex(fp)).decode().rstrip("=")
for i, line in enumerate(lines):
    if line.startswith("r ") and line.split()[2] == rid:
        for m in lines[i + 1:i + 8]:
            if m.startswith("m "):
                md = urllib.request.urlopen(base + "/micro/d/" + m.split()[1], timeout=10)
                sys.stdout.write(md.read().decode())
                sys.exit(0)
sys.exit(1)
PYEOF
}
if microdesc >"$IT_DIR/microdesc.txt" 2>&1 &&
	grep -qx "family-ids ed25519:$CHIVE_FAMILY_ID" "$IT_DIR/microdesc.txt"; then
	ok "microdesc_has_our_family_id"
else
	not_ok "microdesc_has_our_family_id" "$(head -c 600 "$IT_DIR/microdesc.txt")"
fi
ctl "show consensus" >"$IT_DIR/show-consensus.txt" 2>&1
check "show_consensus_lists_us" grep -q '^this relay: *listed, flags .*Running.*Valid' \
	"$IT_DIR/show-consensus.txt"

# download NAME PATH: 64 MiB over PATH, byte-identical.
download() {
	local out=$IT_DIR/dl-$1.json
	if scripts/testnet-client.py --path "$2" --expect-sha256 "$HTTP_SHA256" --timeout 240 \
		>"$out" 2>"$IT_DIR/dl-$1.err" &&
		grep -q '"sha256_ok": true' "$out" &&
		grep -q "\"bytes\": $HTTP_SIZE," "$out"; then
		ok "download_$1"
	else
		not_ok "download_$1" "$(tail -3 "$IT_DIR/dl-$1.err")" "$(cat "$out" 2>/dev/null)"
	fi
}
download "chive_middle" "$GUARD_NICK,$CHIVE_NICK,$EXIT_NICK"
download "chive_first" "$CHIVE_NICK,$MIDDLE_NICK,$EXIT_NICK"
check "file_is_at_least_50_mib" test "$HTTP_SIZE" -ge $((50 << 20))
check "chive_answered_creates" counter_ge /dp/circ/created/ok 2
check "chive_extended_to_tor" counter_ge /dp/circ/extend/ok 2
check "chive_relayed_cells" counter_ge /dp/circ/cells_bwd $((2 * HTTP_SIZE / 498))

# The operator's view of the running relay (issue 7): is it up, how busy is
# each core, what is it carrying, what is it dropping and why. From the
# MetricsPort, scraped in the namespace, and from chivectl.
ip netns exec "$TESTNET_NS" curl -s --max-time 5 "http://$CHIVE_METRICS/metrics" \
	>"$IT_DIR/scrape.txt" 2>&1
# series_sum REGEX: the sum of the values of the series whose line matches REGEX.
series_sum() { awk -v re="$1" '$0 !~ /^#/ && $0 ~ re { s += $NF } END { printf "%d\n", s }' "$IT_DIR/scrape.txt"; }
series_ge() { test "$(series_sum "$1")" -ge "$2"; }
check "scrape_relay_flags_running" series_ge '^tor_relay_flag\{type="Running"\}' 1
check "scrape_onionskins_processed" series_ge '^tor_relay_load_onionskins_total\{.*action="processed"' 2
check "scrape_relay_cells_both_ways" series_ge '^chive_cells_total\{direction="received",command="relay"\}' 1000
check "scrape_relay_cells_sent" series_ge '^chive_cells_total\{direction="sent",command="relay"\}' 1000
check "scrape_traffic_bytes" series_ge '^tor_relay_traffic_bytes\{direction="read"\}' $((HTTP_SIZE))
check "scrape_port_packets" series_ge '^chive_port_.*rx_packets' 1000
check "scrape_drops_are_named" grep -q '^chive_dp_circ_queue_overflow_total' "$IT_DIR/scrape.txt"
check "scrape_busy_ratio_of_each_lcore" test "$(grep -cE '^chive_lcore_busy_ratio\{lcore="[01]",window="10s"\}' "$IT_DIR/scrape.txt")" -eq 2
check "scrape_destroys_counted" grep -qE '^tor_relay_destroy_cell_total |^chive_dp_circ_destroy_tx_' "$IT_DIR/scrape.txt"
ctl show lcores >"$IT_DIR/show-lcores.txt" 2>&1
check "show_lcores_both_busy_polling" test "$(grep -cE '^ *[01] ' "$IT_DIR/show-lcores.txt")" -ge 2
ctl show channels >"$IT_DIR/show-channels.txt" 2>&1
check "show_channels_lists_tor_relays" grep -q "open" "$IT_DIR/show-channels.txt"

# The traffic is measured, the descriptor republished, the consensus follows.
check "bandwidth_measured" wait_until 30 counter_ge /cp/dir/bw_observed 1000
check "descriptor_republished" wait_until 30 counter_ge /cp/dir/descs_built 2
check "consensus_lists_bandwidth" wait_until 120 counter_ge /cp/dir/listed_bandwidth_kb 1
check "chive_fast" wait_until 60 counter_eq /cp/dir/flag/fast 1

# Every tor node's warnings: none may name Chive (fingerprint, nickname or address).
grep -h '\[warn\]' "$TESTNET_DIR"/*/notice.log "$TESTNET_DIR"/*/info.log 2>/dev/null |
	grep -E "$CHIVE_FP|~$CHIVE_NICK|$CHIVE_IP([^0-9]|$)" >"$IT_DIR/tor-warn-chive.txt"
if [ -s "$IT_DIR/tor-warn-chive.txt" ]; then
	not_ok "tor_logs_no_warning_about_chive" "$(sort -u "$IT_DIR/tor-warn-chive.txt" | head -5)"
else
	ok "tor_logs_no_warning_about_chive"
fi
if grep -E '\[(err|warn)\] cp\.dir' "$CHIVE_DIR/cp.log" >"$IT_DIR/chive-warn.txt"; then
	not_ok "chive_directory_work_clean" "$(head -5 "$IT_DIR/chive-warn.txt")"
else
	ok "chive_directory_work_clean"
fi

if [ "$IT_FAIL" -ne 0 ]; then
	echo "--- show consensus"
	ctl "show consensus" 2>&1 | sed 's/^/    /'
	echo "--- tail of Chive's controlplane log"
	tail -n 15 "$CHIVE_DIR/cp.log" | sed 's/^/    /'
fi
it_finish
