#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Chive's userspace TCP against the Linux kernel's TCP. In a network
# namespace made here: a veth pair, the kernel on one end (10.78.0.1), and
# chive-dataplane on the other through DPDK's af_packet PMD (10.78.0.2),
# serving echo (7), discard (9) and chargen (19). kernel_peer.py plays the
# kernel side. Checks, by issue item:
#   (a) 1 GiB each way, SHA-256 equal (echo round trip and chargen);
#   (b) the same through 1 % and through 5 % drop plus 1 % reordering
#       injected on both directions, 1 GiB each way each time;
#   (c) 2,000 concurrent connections, 1 MiB each way on each;
#   (d) half-close both ways, every byte delivered;
#   (e) RST paths: a closed port refuses, a kernel abort resets Chive's side,
#       100,000 spoofed SYNs do not stop a legitimate connection;
#   (f) Chive's active open to a kernel listener.
# Plus ARP and ICMP echo (ping). Everything it starts is removed on exit.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

NS=chive-tcp-$$
SHM=chive-it-tcp-$$
SOCK=$IT_DIR/cli.sock
KIP=10.78.0.1
CIP=10.78.0.2
GIB=$((1 << 30))
PEER=(ip netns exec "$NS" python3 tests/integration/kernel_peer.py)
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)

cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT

counter() { "${CTL[@]}" counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
# counter_cmp NAME OP VALUE: compare a counter's current value (read on every call,
# so wait_until polls it).
counter_cmp() { test "$(counter "$1")" "$2" "$3"; }

# start_chive [extra dataplane options...]: (re)start the dataplane in the namespace.
start_chive() {
	if [ -n "${DP_PID:-}" ] && kill -0 "$DP_PID" 2>/dev/null; then
		kill -INT "$DP_PID"
		wait_exit "$DP_PID" 20
	fi
	IT_SHMS+=("$SHM")
	ip netns exec "$NS" "$BIN/chive-dataplane" --no-huge --no-pci -l 0 -m 1536 \
		--log-level=warning --file-prefix="chive-$SHM" \
		--vdev=net_af_packet0,iface=vchive,framecnt=8192,blocksz=4096,framesz=2048,qpairs=1 \
		-- --shm "$SHM" --port net_af_packet0 --ip "$CIP/24" --echo 7 --discard 9 \
		--chargen 19 --max-conns 4096 --syn-backlog 4096 --mbufs 262143 "$@" \
		>>"$IT_DIR/dp.log" 2>&1 &
	DP_PID=$!
	IT_PIDS+=("$DP_PID")
	wait_until 30 "${CTL[@]}" status
}

peer() { # peer NAME TIMEOUT ARGS...: run kernel_peer.py; ok if it prints OK.
	local name=$1 t=$2
	shift 2
	local out
	out=$(timeout $((t + 30)) "${PEER[@]}" --timeout "$t" "$@" 2>&1)
	if [[ $out == OK* ]]; then
		ok "$name"
		echo "    $out"
	else
		not_ok "$name" "$out" "$(tail -5 "$IT_DIR/dp.log")"
	fi
}

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi

ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
it_veth "$NS" vkern "$KIP/24" vchive
ulimit -n 16384

start_cp "$SHM" "$SOCK"
start_chive
check "chive_up_on_af_packet" wait_until 30 "${CTL[@]}" status

check "icmp_echo_and_arp" ip netns exec "$NS" ping -c 3 -i 0.2 -W 2 "$CIP"

# (a)
peer "echo_1gib_sha256_equal" 300 echo-bulk "$CIP" 7 "$GIB"
peer "chargen_1gib_sha256_equal" 300 chargen-bulk "$CIP" 19 "$GIB"
peer "discard_256mib" 120 discard-bulk "$CIP" 9 $((256 << 20))

# (c)
peer "2000_connections_1mib_each_way" 240 many --active 2000 "$CIP" 7 2000 1048576

# (d) the kernel shuts its write side while Chive keeps sending the echo
peer "kernel_half_close_chive_keeps_sending" 120 half-close-send "$CIP" 7 $((64 << 20))

# (e)
peer "closed_port_refuses" 10 refused "$CIP" 1
before=$(counter /dp/tcp/estab_resets)
peer "kernel_abort_sends_rst" 10 abort "$CIP" 7
wait_until 10 counter_cmp /dp/tcp/estab_resets -gt "${before:-0}" &&
	ok "chive_counts_the_reset" || not_ok "chive_counts_the_reset"
peer "syn_flood_100k_legit_connection_works" 120 synflood 10.78.0.77 "$CIP" 7 100000
check "syn_flood_answered_with_cookies" test "$(counter /dp/tcp/syncookies_sent)" -gt 0

# (f) and (d) the other way: Chive opens 4 connections to a kernel echo server,
# sends 16 MiB of the chargen pattern on each, shuts its write side, and keeps
# receiving the echo, which it checks byte by byte.
timeout 150 "${PEER[@]}" --timeout 120 echo-server "$KIP" 9000 4 >"$IT_DIR/srv.log" 2>&1 &
SRV=$!
IT_PIDS+=("$SRV")
wait_until 10 grep -q READY "$IT_DIR/srv.log"
start_chive --client "$KIP:9000:4:$((16 << 20))"
if wait_exit "$SRV" 150 && [ "$IT_RC" -eq 0 ]; then
	ok "kernel_listener_got_chive_active_opens_and_pattern"
	grep OK "$IT_DIR/srv.log" | sed 's/^/    /'
else
	not_ok "kernel_listener_got_chive_active_opens_and_pattern" "$(cat "$IT_DIR/srv.log")"
fi
wait_until 30 counter_cmp /dp/diag/client_done = 4 &&
	ok "chive_client_received_every_echoed_byte_after_its_fin" ||
	not_ok "chive_client_received_every_echoed_byte_after_its_fin" \
		"done=$(counter /dp/diag/client_done) failed=$(counter /dp/diag/client_failed)"
check "chive_client_saw_no_corrupt_byte" test "$(counter /dp/diag/client_bad_bytes)" = "0"
check "chive_active_opens_counted" test "$(counter /dp/tcp/active_opens)" = "4"

# (b)
start_chive --fault-rx seed=11,drop=1%,reorder=1% --fault-tx seed=12,drop=1%,reorder=1%
peer "echo_1pct_loss_reorder_sha256_equal" 600 echo-bulk "$CIP" 7 "$GIB"
peer "chargen_1pct_loss_reorder_sha256_equal" 600 chargen-bulk "$CIP" 19 "$GIB"
check "faults_were_injected" test "$(counter /dp/tcp/retrans_segs)" -gt 0
start_chive --fault-rx seed=21,drop=5%,reorder=1% --fault-tx seed=22,drop=5%,reorder=1%
peer "echo_5pct_loss_reorder_sha256_equal" 900 echo-bulk "$CIP" 7 "$GIB"
peer "chargen_5pct_loss_reorder_sha256_equal" 900 chargen-bulk "$CIP" 19 "$GIB"
# Losses at that rate really happened: about one segment in twenty sent was resent
# (the drops on the ACK path add some). At least 3 %, the 1 % run's three times.
RXT5=$(counter /dp/tcp/retrans_segs)
TX5=$(counter /dp/tcp/tx_segs)
check "faults_5pct_were_injected" test "$((RXT5 * 100))" -ge "$((TX5 * 3))"
echo "    5 %: $RXT5 of $TX5 segments resent, $(counter /dp/tcp/rto) timeouts"

kill -INT "$DP_PID"
if wait_exit "$DP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_stops_cleanly"
else
	not_ok "dataplane_stops_cleanly" "rc=$IT_RC"
fi
check "no_segment_or_runtime_dir_left" test ! -e "/dev/shm/$SHM" -a ! -e "/var/run/dpdk/chive-$SHM"
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 10

it_finish
