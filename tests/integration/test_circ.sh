#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Circuits through three Chive relays (dataplane/cell/circ.c with the
# control plane's onionskin queue, controlplane/circ/), driven by the
# project's test client (tools/torclient). In a network namespace made here:
# a bridge with the kernel's side (10.81.0.1: chive-torclient and its echo
# endpoint) and three chive-dataplane processes on af_packet ports
# (A 10.81.0.11, B .12, C .13, ORPort 9001 each), each with its own control
# plane and DataDirectory.
# Checks:
#   - A and B run two lcores, one af_packet queue each (flows spread by the
#     kernel's fanout hash, replies to active opens steered in software by
#     port, ARP copied to both lcores); C runs one;
#   - 3-hop circuits A → B → C → echo endpoint, built with ntor-v3 (what tor
#     0.4.9 clients use at every hop), ntor and CREATE_FAST at the first hop:
#     CREATE2 at A, EXTEND2 at A and B (A and B open channels to B and C and
#     then reuse them), every RELAY DATA cell echoed end to end and checked
#     byte for byte by the client after peeling four layers;
#   - DESTROY from the client, and the client's channel going away, free
#     every circuit on every relay (the gauges return to 0);
#   - a slow reader at the far end (the endpoint stops reading for a while):
#     the relays pause the channels feeding the full queues (counted), no
#     circuit hits the hard cap, memory stays within the pool, and every
#     cell still arrives intact once the reader catches up;
#   - mixed paths with a real tor 0.4.9 relay: tor extends to Chive, and
#     Chive extends to tor, cells intact both ways, tor logs no warning;
#   - `chivectl show circuits` lists them, `circuit destroy` takes one down;
#   - channel loss in the middle (B's channel to C closed): every circuit
#     half on every relay is freed, DESTROYs go both ways with tor's reasons.
# Every wait is bounded; everything started here is removed on exit.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

NS=chive-circ-$$
KIP=10.81.0.1
ECHO_PORT=9500
ORPORT=9001
NSX=(ip netns exec "$NS")
RELAYS=(a b c)
declare -A RIP=([a]=10.81.0.11 [b]=10.81.0.12 [c]=10.81.0.13)
# A and B run two lcores with a network queue each (af_packet fanout spreads
# flows; replies to active opens are steered in software), C one.
declare -A RCORES=([a]=0,1 [b]=0,1 [c]=1)
declare -A RQUEUES=([a]=2 [b]=2 [c]=1)

cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT

shm_of() { echo "chive-it-circ-$$-$1"; }
ctl() { local r=$1; shift; "$BIN/chivectl" -s "$IT_DIR/cli-$r.sock" -t 20 "$@"; }
counter() { ctl "$1" counters "$2" 2>/dev/null | awk -v n="$2" '$1 == n { print $2 }'; }
counter_ge() { local v; v=$(counter "$1" "$2"); test "${v:-0}" -ge "$3"; }
counter_eq() { local v; v=$(counter "$1" "$2"); test "${v:-x}" = "$3"; }
all_circs_gone() {
	local r
	for r in "${RELAYS[@]}"; do
		counter_eq "$r" /dp/circ/open 0 || return 1
		counter_eq "$r" /dp/circ/cells_queued 0 || return 1
	done
}
sum_counter() {
	local r v t=0
	for r in "${RELAYS[@]}"; do
		v=$(counter "$r" "$1")
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi
if [ ! -x "$BIN/chive-torclient" ]; then
	not_ok "torclient_built" "$BIN/chive-torclient missing"
	it_finish
	exit 1
fi

ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
"${NSX[@]}" ip link set lo up
"${NSX[@]}" ip link add br0 type bridge
"${NSX[@]}" ip addr add "$KIP/24" dev br0
"${NSX[@]}" ip link set br0 up
for r in "${RELAYS[@]}"; do
	"${NSX[@]}" ip link add "v$r" type veth peer name "v${r}br"
	"${NSX[@]}" ip link set "v${r}br" master br0
	"${NSX[@]}" ip link set "v${r}br" up
	"${NSX[@]}" ip link set "v$r" up
	"${NSX[@]}" ethtool -K "v${r}br" tx off tso off gso off gro off >/dev/null 2>&1
	"${NSX[@]}" ethtool -K "v$r" rx off tx off tso off gso off gro off >/dev/null 2>&1
done
"${NSX[@]}" ethtool -K br0 tx off tso off gso off gro off >/dev/null 2>&1
# Small kernel socket buffers (per namespace) so that a slow reader backs up
# into the relays within a few hundred cells rather than megabytes.
"${NSX[@]}" sysctl -qw net.ipv4.tcp_rmem="4096 32768 65536" net.ipv4.tcp_wmem="4096 32768 65536"

# ---- three relays: a control plane (own keys) and a dataplane each ----
for r in "${RELAYS[@]}"; do
	shm=$(shm_of "$r")
	mkdir -m 0700 "$IT_DIR/data-$r"
	"$BIN/chive-controlplane" --shm "$shm" --socket "$IT_DIR/cli-$r.sock" --log-level info \
		--data-dir "$IT_DIR/data-$r" --onion-workers 1 >>"$IT_DIR/cp-$r.log" 2>&1 &
	IT_PIDS+=("$!")
	IT_SHMS+=("$shm")
	"${NSX[@]}" "$BIN/chive-dataplane" --no-huge --no-pci -l "${RCORES[$r]}" -m 256 \
		--log-level=warning --file-prefix="chive-$shm" \
		--vdev=net_af_packet0,iface=v$r,framecnt=4096,blocksz=4096,framesz=2048,qpairs=${RQUEUES[$r]} \
		-- --shm "$shm" --port net_af_packet0 --ip "${RIP[$r]}/24" --orport "$ORPORT" --mbufs 16384 --queues "${RQUEUES[$r]}" \
		--circ-max 512 --circ-cells 4096 --circ-queue 64 --circ-queue-max 1024 \
		--extend-private >>"$IT_DIR/dp-$r.log" 2>&1 &
	IT_PIDS+=("$!")
done
for r in "${RELAYS[@]}"; do
	check "relay_${r}_up" wait_until 30 ctl "$r" status
	check "relay_${r}_link_credentials" wait_until 30 counter_ge "$r" /dp/chan/link_installs 1
done

HOPS=()
for r in "${RELAYS[@]}"; do
	HOPS+=(--hop "${RIP[$r]}:$ORPORT,$IT_DIR/data-$r")
done
TC=("${NSX[@]}" "$BIN/chive-torclient" "${HOPS[@]}" --echo-listen "$KIP:$ECHO_PORT"
	--echo-final --echo-datadir "$IT_DIR/echo")
mkdir -m 0700 "$IT_DIR/echo"

# run_tc NAME ARGS...: run the client (bounded), keep its output, check its exit status.
run_tc() {
	local name=$1
	shift
	if timeout 120 "${TC[@]}" "$@" >"$IT_DIR/tc-$name.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "exit $?: $(tail -3 "$IT_DIR/tc-$name.out")"
	fi
}

# ---- 3-hop circuits, data end to end ----
run_tc "ntor3_3hop_8circ_echo_intact" --htype ntor3 --circuits 8 --cells 64 --timeout 90
check "relay_a_answered_create2_ntor3" counter_ge a /dp/circ/create/ntor3 8
check "relay_a_extended" counter_ge a /dp/circ/extend/ok 8
check "relay_b_extended" counter_ge b /dp/circ/extend/ok 8
check "relay_c_extended_to_endpoint" counter_ge c /dp/circ/extend/ok 8
# The 8 EXTEND2s arrive together: one channel is opened, 7 wait for it.
check "relay_a_opened_one_channel_to_b" counter_eq a /dp/circ/extend/connect 1
check "relay_a_others_waited_for_it" counter_ge a /dp/circ/extend/wait 7
check "relay_b_forwarded_both_ways" counter_ge b /dp/circ/cells_fwd 512
check "relay_b_backward" counter_ge b /dp/circ/cells_bwd 512
check "circuits_freed_after_run" wait_until 30 all_circs_gone
run_tc "ntor_3hop_echo_intact" --htype ntor --circuits 4 --cells 32 --timeout 90
run_tc "create_fast_first_hop_echo_intact" --htype fast --circuits 4 --cells 32 --timeout 90
check "relay_a_answered_create_fast" counter_ge a /dp/circ/create/fast 4
# The channels A→B and B→C outlive each client and are reused: by circuits
# on the lcore that opened them, or through it from A's or B's other lcore
# (extend/xl); A never opens a second channel to B.
ext_ge() { local r v w; r=$1; v=$(counter "$r" /dp/circ/extend/reuse); w=$(counter "$r" /dp/circ/extend/xl); test $((${v:-0} + ${w:-0})) -ge "$2"; }
check "relay_a_reused_its_channel_to_b" ext_ge a 8
check "relay_b_reused_its_channel_to_c" ext_ge b 8
check "relay_a_one_channel_to_b_for_both_lcores" counter_eq a /dp/circ/extend/connect 1

# ---- circuits across lcores ----
# A's channel to B belongs to the lcore that opened it; a client whose
# channel the port hashes to A's other lcore is extended over it through a
# cross-lcore circuit (keys on the client's lcore, a next-hop half on the
# channel's). Clients come until one lands there (each 1/2; at most 20).
# Each is a slow-reader run, so the backpressure crosses lcores as well: the
# home may have at most --circ-queue cells in flight to the half or in its
# queue (credit the half returns as cells leave), so with the endpoint
# stalled the home runs out of credit and pauses the client's channel.
xl_runs_ok=0
p0=$(counter a /dp/circ/pauses)
x0=$(counter a /dp/circ/extend/xl)
r0=$(counter a /dp/circ/xl_rx)
for i in $(seq 1 20); do
	if timeout 90 "${TC[@]}" --circuits 4 --cells 600 --window 600 --echo-slow 2000 \
		--timeout 60 >"$IT_DIR/tc-xl.out" 2>&1; then
		xl_runs_ok=$((xl_runs_ok + 1))
	else
		break
	fi
	counter_ge a /dp/circ/extend/xl $((${x0:-0} + 4)) && break
done
check "xl_runs_echo_intact" test "$xl_runs_ok" -eq "$i"
check "circuits_span_lcores_on_a" counter_ge a /dp/circ/extend/xl $((${x0:-0} + 4))
# 4 x 600 cells each way crossed the rings (forward to the half, back home).
check "cross_lcore_cells_both_ways" counter_ge a /dp/circ/xl_rx $((${r0:-0} + 4800))
check "cross_lcore_backpressure_paused" counter_ge a /dp/circ/pauses $((${p0:-0} + 1))
check "cross_lcore_credit_ran_out_and_came_back" counter_ge a /dp/circ/xl_credit_waits 1
check "cross_lcore_nothing_lost" counter_eq a /dp/circ/xl_lost 0
check "cross_lcore_no_queue_overflow" test "$(sum_counter /dp/circ/queue_overflow)" -eq 0
check "cross_lcore_no_cell_buffer_ran_out" test "$(sum_counter /dp/circ/cells_nobuf)" -eq 0
check "circuits_and_halves_freed" wait_until 30 all_circs_gone
# Software steering on the two-queue relays: every ARP frame one lcore
# receives is copied to the other through the steering ring.
check "relay_a_arp_fanout" counter_ge a /dp/net/arp_fanout 1
check "relay_a_steering_ring_delivers" counter_ge a /dp/net/steer_rx 1
check "relay_a_nothing_lost_to_steering" counter_eq a /dp/net/steer_full 0
run_tc "destroy_reaches_every_hop" --circuits 4 --cells 8 --destroy --timeout 90
check "all_circuits_freed_everywhere" wait_until 30 all_circs_gone
check "relay_b_got_destroy" counter_ge b /dp/circ/destroy_rx 4

# ---- a slow reader at the far end: backpressure, nothing lost ----
run_tc "slow_reader_all_cells_intact" --circuits 4 --cells 1000 --window 1000 --echo-slow 3000 \
	--timeout 100
check "backpressure_paused_a_channel" test "$(sum_counter /dp/circ/pauses)" -ge 1
check "no_circuit_hit_the_queue_cap" test "$(sum_counter /dp/circ/queue_overflow)" -eq 0
check "no_cell_buffer_ran_out" test "$(sum_counter /dp/circ/cells_nobuf)" -eq 0
check "circuits_freed_after_slow_run" wait_until 30 all_circs_gone

# ---- mixed paths with a real tor 0.4.9 relay (T, on the kernel side) ----
# client -> T -> A -> endpoint: tor extends to Chive (Chive answers tor's
# CREATE2 as responder of a channel tor authenticated); client -> A -> T ->
# endpoint: Chive extends to tor (Chive authenticates to tor, tor answers
# Chive's CREATE2 and its relay cells pass through Chive both ways).
TD=$IT_DIR/tor-t
TPORT=9101
mkdir -m 0700 "$TD"
cat >"$TD/torrc" <<EOF
DataDirectory $TD
TestingTorNetwork 1
DirAuthority placeholder orport=1 no-v2 v3ident=0000000000000000000000000000000000000000 $KIP:1 0000000000000000000000000000000000000000
Nickname chivecirct
ContactInfo chive-integration-test
Address $KIP
ORPort $KIP:$TPORT
SocksPort 0
ExitRelay 0
PublishServerDescriptor 0
AssumeReachable 1
ExtendAllowPrivateAddresses 1
Log notice file $TD/notice.log
ProtocolWarnings 1
RunAsDaemon 0
EOF
if command -v tor >/dev/null; then
	"${NSX[@]}" tor -f "$TD/torrc" --quiet >/dev/null 2>&1 &
	IT_PIDS+=("$!")
	check "tor_relay_up" wait_until 40 test -s "$TD/fingerprint"
	TC2=("${NSX[@]}" "$BIN/chive-torclient" --echo-listen "$KIP:$ECHO_PORT" --echo-final
		--echo-datadir "$IT_DIR/echo")
	if timeout 120 "${TC2[@]}" --hop "$KIP:$TPORT,$TD" --hop "${RIP[a]}:$ORPORT,$IT_DIR/data-a" \
		--circuits 4 --cells 64 --destroy --timeout 90 >"$IT_DIR/tc-tor-chive.out" 2>&1; then
		ok "tor_then_chive_echo_intact"
	else
		not_ok "tor_then_chive_echo_intact" "$(tail -3 "$IT_DIR/tc-tor-chive.out")"
	fi
	if timeout 120 "${TC2[@]}" --hop "${RIP[a]}:$ORPORT,$IT_DIR/data-a" --hop "$KIP:$TPORT,$TD" \
		--circuits 4 --cells 64 --destroy --timeout 90 >"$IT_DIR/tc-chive-tor.out" 2>&1; then
		ok "chive_then_tor_echo_intact"
	else
		not_ok "chive_then_tor_echo_intact" "$(tail -3 "$IT_DIR/tc-chive-tor.out")"
	fi
	check "circuits_freed_after_tor_paths" wait_until 30 all_circs_gone
	# Any warning but the three every test-network relay run as root prints.
	if grep -E '\[warn\]' "$TD/notice.log" 2>/dev/null |
		grep -vE 'DirAuthority|TestingTorNetwork is set|running Tor as root' >"$IT_DIR/tor-warn.txt"; then
		not_ok "tor_relay_logs_no_warning" "$(head -5 "$IT_DIR/tor-warn.txt")"
	else
		ok "tor_relay_logs_no_warning"
	fi
else
	not_ok "tool_tor" "tor not installed (scripts/install-deps.sh installs it)"
fi

# ---- channel loss in the middle: B's channel to C goes away ----
# Circuits stay up while the endpoint holds its reads (--echo-slow); B's
# channel to C is closed by the operator: B frees the circuits and sends
# DESTROY (CHANNEL_CLOSED) back toward A, which passes it on (DESTROYED);
# C loses the same channel and frees its halves. Every gauge returns to 0.
# B's channels to C (one per lcore of B that extended to C).
c_open() { ctl b show channels | awk -v p="${RIP[c]}:$ORPORT" '$5 == p && $4 == "out" && $3 == "open" { print $1 }'; }
b_circs_ge() { counter_ge b /dp/circ/open "$1"; }
"${TC[@]}" --circuits 4 --cells 200 --window 8 --echo-slow 8000 --timeout 60 \
	>"$IT_DIR/tc-midloss.out" 2>&1 &
TCPID=$!
IT_PIDS+=("$TCPID")
check "midloss_circuits_up_through_b" wait_until 30 b_circs_ge 4
BC=$(c_open)
check "midloss_b_has_channel_to_c" test -n "$BC"
d0_a=$(counter a /dp/circ/destroy_rx)
ctl_quiet() { ctl "$@" >/dev/null; }
# The operator's view: B lists the 4 circuits, extended over its channel to C.
# A listing asks every lcore; on a loaded machine one may miss its 1 s ping,
# so ask again (bounded) until the listing is whole.
b_lists_4() {
	ctl b show circuits >"$IT_DIR/b-circuits.txt" 2>&1 && grep -q "^4 circuits$" "$IT_DIR/b-circuits.txt"
}
check "show_circuits_lists_them" wait_until 10 b_lists_4
check "show_circuits_shows_the_next_hop" \
	test "$(awk '$3 == "open" && $6 != "-"' "$IT_DIR/b-circuits.txt" | wc -l)" -eq 4
# DESTROY from the far end: one circuit destroyed by hand on C (REQUESTED
# both ways); B gets it from its next hop and passes DESTROYED back to A.
c_has_open() {
	ctl c show circuits >"$IT_DIR/c-circuits.txt" 2>&1 &&
		awk '$3 == "open" { f = 1 } END { exit !f }' "$IT_DIR/c-circuits.txt"
}
check "c_lists_an_open_circuit" wait_until 10 c_has_open
C1=$(awk '$3 == "open" { print $1; exit }' "$IT_DIR/c-circuits.txt")
d0_b=$(counter b /dp/circ/destroy_rx)
d0_bd=$(counter b /dp/circ/destroy_tx/destroyed)
check "circuit_destroy_by_hand_on_c" ctl_quiet c circuit destroy "${C1:-0x0}"
check "circuit_destroy_sent_requested_both_ways" counter_ge c /dp/circ/destroy_tx/requested 2
check "far_end_destroy_reached_b" wait_until 10 counter_ge b /dp/circ/destroy_rx $((${d0_b:-0} + 1))
check "b_passed_it_on_as_destroyed" counter_ge b /dp/circ/destroy_tx/destroyed $((${d0_bd:-0} + 1))
closed_all=0
for h in $BC; do
	ctl_quiet b channel close "$h" || closed_all=1
done
check "midloss_close_b_to_c" test "$closed_all" -eq 0
check "midloss_all_circuits_freed" wait_until 30 all_circs_gone
check "midloss_b_sent_channel_closed" counter_ge b /dp/circ/destroy_tx/channel_closed 3
check "midloss_a_got_destroy_from_b" counter_ge a /dp/circ/destroy_rx $((${d0_a:-0} + 4))
check "midloss_a_passed_destroyed_on" counter_ge a /dp/circ/destroy_tx/destroyed 4
check "midloss_c_freed_its_halves" counter_ge c /dp/circ/chan_closed 3
if wait_exit "$TCPID" 60 && [ "$IT_RC" -ne 0 ]; then
	ok "midloss_client_saw_its_circuits_fail"
else
	not_ok "midloss_client_saw_its_circuits_fail" "exit ${IT_RC:-?}: $(tail -2 "$IT_DIR/tc-midloss.out")"
fi

for r in "${RELAYS[@]}"; do
	if grep -E 'AddressSanitizer|runtime error|Segmentation' "$IT_DIR/dp-$r.log" \
		"$IT_DIR/cp-$r.log" >/dev/null 2>&1; then
		not_ok "relay_${r}_logs_clean" "$(grep -E 'AddressSanitizer|runtime error' "$IT_DIR/dp-$r.log" | head -3)"
	else
		ok "relay_${r}_logs_clean"
	fi
done
if [ "$IT_FAIL" -ne 0 ]; then
	for f in "$IT_DIR"/dp-*.log "$IT_DIR"/cp-*.log; do
		echo "--- tail of $(basename "$f")"
		tail -n 8 "$f" | sed 's/^/    /'
	done
fi
it_finish
