#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# TCP benchmark (`make bench`; never a timed test): bulk throughput and CPU
# cycles per segment, Chive <-> kernel against kernel <-> kernel, over the same
# link type (a veth pair in a private network namespace), in the same run.
#
#   chive:  the kernel reads BYTES from Chive's chargen service; Chive's cost is
#           the busy TSC cycles of its lcore (/dp/lcore/busy_cycles) per TCP
#           segment it sent or received.
#   kernel: the kernel reads BYTES from a kernel chargen server in a second
#           namespace over another veth pair; its cost is the CPU time of both
#           namespaces' work (all CPUs, from /proc/stat, converted at the TSC
#           rate) per segment (nstat OutSegs + InSegs of the sender side).
#
# Prints a table and writes build/bench/tcp.json. BENCH_BYTES (default 1 GiB).
set -u
cd "$(dirname "$0")/../.."
O=${O:-build}
BIN=$O/bin
BYTES=${BENCH_BYTES:-1073741824}
NS=chive-bench-$$
NS2=chive-bench2-$$
SHM=chive-bench-$$
SOCK=$(mktemp -u /tmp/chive-bench.XXXXXX.sock)
OUT=$O/bench
mkdir -p "$OUT"
PIDS=()

cleanup() {
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
	sleep 1
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	ip netns del "$NS2" 2>/dev/null
	rm -f "/dev/shm/$SHM" "$SOCK"
	rm -rf "/var/run/dpdk/chive-$SHM"
}
trap cleanup EXIT

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
cpu_jiffies() { awk '/^cpu / { s = 0; for (i = 2; i <= 9; i++) s += $i; print s - $5 - $6 }' /proc/stat; }
tsc_hz() { awk '/^cpu MHz/ { printf "%d\n", $4 * 1000000; exit }' /proc/cpuinfo; }

ip netns add "$NS"
ip netns add "$NS2"
for n in "$NS" "$NS2"; do ip netns exec "$n" ip link set lo up; done
# Link 1: kernel (NS) <-> Chive (af_packet on vchive).
ip netns exec "$NS" ip link add vkern type veth peer name vchive
ip netns exec "$NS" ip addr add 10.79.0.1/24 dev vkern
ip netns exec "$NS" ip link set vkern up
ip netns exec "$NS" ip link set vchive up
ip netns exec "$NS" ethtool -K vkern tx off tso off gso off gro off >/dev/null 2>&1
ip netns exec "$NS" ethtool -K vchive rx off tx off tso off gso off gro off >/dev/null 2>&1
# Link 2: kernel (NS) <-> kernel (NS2), same veth type and the same offload settings.
ip link add vk1 netns "$NS" type veth peer name vk2 netns "$NS2"
ip netns exec "$NS" ip addr add 10.79.1.1/24 dev vk1
ip netns exec "$NS2" ip addr add 10.79.1.2/24 dev vk2
ip netns exec "$NS" ip link set vk1 up
ip netns exec "$NS2" ip link set vk2 up
ip netns exec "$NS" ethtool -K vk1 tx off tso off gso off gro off >/dev/null 2>&1
ip netns exec "$NS2" ethtool -K vk2 tx off tso off gso off gro off >/dev/null 2>&1

ip netns exec "$NS" "$BIN/chive-dataplane" -l 0 --no-pci --log-level=warning \
	--vdev=net_af_packet0,iface=vchive,framecnt=8192,blocksz=4096,framesz=2048,qpairs=1 \
	-- --shm "$SHM" --port net_af_packet0 --ip 10.79.0.2/24 --chargen 19 >"$OUT/dp.log" 2>&1 &
PIDS+=($!)
"$BIN/chive-controlplane" --shm "$SHM" --socket "$SOCK" --data-dir "$OUT/cp-data" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do "$BIN/chivectl" -s "$SOCK" status >/dev/null 2>&1 && break; sleep 0.2; done
ctr() { "$BIN/chivectl" -s "$SOCK" counters "$1" | awk -v n="$1" '$1 == n { print $2 }'; }

# Kernel chargen server in NS2 (same RFC 864 pattern, written by kernel_peer.py's generator).
ip netns exec "$NS2" python3 - <<'EOF' &
import socket, sys
sys.path.insert(0, "tests/integration")
from kernel_peer import CHARGEN
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("10.79.1.2", 19)); ls.listen(1); ls.settimeout(120)
c, _ = ls.accept()
buf = CHARGEN * ((1 << 20) // len(CHARGEN))
try:
    while True:
        c.sendall(buf)
except OSError:
    pass
EOF
PIDS+=($!)
sleep 1

HZ=$(tsc_hz)
# Chive <-> kernel.
busy0=$(ctr /dp/lcore/busy_cycles); tx0=$(ctr /dp/tcp/tx_segs); rx0=$(ctr /dp/tcp/rx_segs)
t0=$(date +%s.%N)
ip netns exec "$NS" python3 tests/integration/kernel_peer.py --timeout 300 chargen-bulk 10.79.0.2 19 "$BYTES" >"$OUT/chive.out"
t1=$(date +%s.%N)
busy1=$(ctr /dp/lcore/busy_cycles); tx1=$(ctr /dp/tcp/tx_segs); rx1=$(ctr /dp/tcp/rx_segs)
chive_s=$(calc "$t1 - $t0")
chive_segs=$(( (tx1 - tx0) + (rx1 - rx0) ))
chive_cps=$(calc "($busy1 - $busy0) / $chive_segs")

# Kernel <-> kernel.
ip netns exec "$NS2" nstat -n >/dev/null 2>&1
j0=$(cpu_jiffies)
t0=$(date +%s.%N)
ip netns exec "$NS" python3 tests/integration/kernel_peer.py --timeout 300 chargen-bulk 10.79.1.2 19 "$BYTES" >"$OUT/kernel.out"
t1=$(date +%s.%N)
j1=$(cpu_jiffies)
segs=$(ip netns exec "$NS2" nstat -z 2>/dev/null | awk '$1 == "TcpOutSegs" || $1 == "TcpInSegs" { s += $2 } END { print s + 0 }')
kern_s=$(calc "$t1 - $t0")
hz_user=$(getconf CLK_TCK)
kern_cps=$(calc "($j1 - $j0) / $hz_user * $HZ / $segs")

chive_mbps=$(calc "$BYTES * 8 / $chive_s / 1000000")
kern_mbps=$(calc "$BYTES * 8 / $kern_s / 1000000")
printf '\nTCP bulk transfer, %d bytes, veth link, one receiver (the kernel)\n' "$BYTES"
printf '%-22s %14s %20s\n' "sender" "Mbit/s" "cycles/segment"
printf '%-22s %14.0f %20.0f\n' "chive (1 lcore)" "$chive_mbps" "$chive_cps"
printf '%-22s %14.0f %20.0f\n' "kernel" "$kern_mbps" "$kern_cps"
printf '%-22s %14.2f %20.2f\n' "chive/kernel ratio" "$(calc "$chive_mbps / $kern_mbps")" \
	"$(calc "$chive_cps / $kern_cps")"
printf 'Chive cycles count only its busy lcore iterations; kernel cycles are all CPU time\n'
printf 'spent while it ran (both namespaces and the Python reader), so the kernel figure\n'
printf 'is an upper bound. The link is a veth pair; Chive reaches it through af_packet.\n'
cat >"$OUT/tcp.json" <<EOF
{"bytes": $BYTES, "link": "veth",
 "chive": {"seconds": $chive_s, "mbit_s": $chive_mbps, "cycles_per_segment": $chive_cps, "segments": $chive_segs},
 "kernel": {"seconds": $kern_s, "mbit_s": $kern_mbps, "cycles_per_segment": $kern_cps, "segments": $segs}}
EOF
echo "wrote $OUT/tcp.json"
