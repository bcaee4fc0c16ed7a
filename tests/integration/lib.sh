# SPDX-License-Identifier: BSD-3-Clause
#
# Helpers for integration tests (sourced). Each test prints "ok - NAME" or
# "not ok - NAME" per check and ends with "RESULT <test> passed=N failed=M"
# (read by tests/run.sh). Every wait is bounded; it_cleanup runs on any exit
# and removes every process, segment, socket and EAL directory the test made.

IT_NAME=${IT_NAME:-$(basename "$0" .sh)}
IT_PASS=0
IT_FAIL=0
IT_PIDS=()
IT_SHMS=()
IT_DIR=$(mktemp -d "/tmp/chive-it.XXXXXX")
O=${O:-build}
BIN=$O/bin

ok() {
	echo "ok - $1"
	IT_PASS=$((IT_PASS + 1))
}

not_ok() {
	echo "not ok - $1"
	IT_FAIL=$((IT_FAIL + 1))
	shift
	[ $# -gt 0 ] && printf '    %s\n' "$@"
	return 0
}

# check NAME CMD...: ok if CMD exits 0.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "command failed: $*"; fi
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while [ $SECONDS -lt $deadline ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# wait_exit PID SECONDS: wait for PID to exit; sets IT_RC to its status; 1 on timeout.
wait_exit() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		IT_RC=124
		return 1
	fi
	wait "$pid" 2>/dev/null
	IT_RC=$?
	return 0
}

# it_veth NS KIF KADDR CIF: in network namespace NS (already made), loopback up
# and a veth pair: KIF, the kernel's end, with address KADDR (a.b.c.d/len), and
# CIF, the end chive-dataplane takes through af_packet. Offloads off on both, so
# that the kernel puts real checksums and MTU-sized frames on the wire.
it_veth() {
	local nsx=(ip netns exec "$1") kif=$2 kaddr=$3 cif=$4

	"${nsx[@]}" ip link set lo up
	"${nsx[@]}" ip link add "$kif" type veth peer name "$cif"
	"${nsx[@]}" ip addr add "$kaddr" dev "$kif"
	"${nsx[@]}" ip link set "$kif" up
	"${nsx[@]}" ip link set "$cif" up
	"${nsx[@]}" ethtool -K "$kif" tx off tso off gso off gro off >/dev/null 2>&1
	"${nsx[@]}" ethtool -K "$cif" rx off tx off tso off gso off gro off >/dev/null 2>&1
}

# start_dp SHM [EAL args...]: start chive-dataplane in the background; sets DP_PID.
start_dp() {
	local shm=$1
	shift
	IT_SHMS+=("$shm")
	"$BIN/chive-dataplane" "$@" -- --shm "$shm" >>"$IT_DIR/dp-$shm.log" 2>&1 &
	DP_PID=$!
	IT_PIDS+=("$DP_PID")
}

# start_cp SHM SOCKET: start chive-controlplane in the background, its relay
# keys in $IT_DIR/data-SHM (kept across restarts, as a relay's are); sets CP_PID.
start_cp() {
	"$BIN/chive-controlplane" --shm "$1" --socket "$2" --log-level info \
		--data-dir "$IT_DIR/data-$1" >>"$IT_DIR/cp-$1.log" 2>&1 &
	CP_PID=$!
	IT_PIDS+=("$CP_PID")
}

it_cleanup() {
	local p s
	for p in "${IT_PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	for p in "${IT_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	for s in "${IT_SHMS[@]}"; do
		rm -f "/dev/shm/$s"
		rm -rf "/var/run/dpdk/chive-$s"
		rm -f /dev/hugepages/chive-"$s"* 2>/dev/null
	done
	rmdir /var/run/dpdk 2>/dev/null
	rm -rf "$IT_DIR"
}
trap it_cleanup EXIT

it_finish() {
	echo "RESULT $IT_NAME passed=$IT_PASS failed=$IT_FAIL"
	[ "$IT_FAIL" -eq 0 ]
}
