#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# RelayBandwidthRate in the dataplane: a Chive relay limited to 200 KBytes/s
# (read and written separately, tor's rule) carries ~1 MB each way between
# chive-torclient and its echo endpoint. Checked: every cell arrives intact;
# the read and write token buckets ran dry and held traffic back (their
# counters), so the run takes at least as long as the limit allows (a lower
# bound only: a slower machine just takes longer); the limit comes from the
# config file's RelayBandwidthRate.
. "$(dirname "$0")/lib.sh"

NS=chive-bw-$$
KIP=10.82.0.1
RIP=10.82.0.11
ORPORT=9001
ECHO_PORT=9500
RATE=204800
NSX=(ip netns exec "$NS")
SHM=chive-it-bw-$$
cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT
ctl() { "$BIN/chivectl" -s "$IT_DIR/cli.sock" -t 10 "$@"; }
counter() { ctl counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
counter_ge() { local v; v=$(counter "$1"); test "${v:-0}" -ge "$2"; }

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi
ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
it_veth "$NS" vk "$KIP/24" vr

mkdir -m 0700 "$IT_DIR/data" "$IT_DIR/echo"
cat >"$IT_DIR/chive.conf" <<CONF
# one relay, limited like tor's RelayBandwidthRate 200 KBytes
SharedMemoryName $SHM
DataDirectory $IT_DIR/data
CliSocket $IT_DIR/cli.sock
ORPort $ORPORT
PublishServerDescriptor 0
RelayBandwidthRate 200 KBytes
RelayBandwidthBurst 200 KBytes
Lcores 0
HugePages 0
Memory 256
DPDKPort net_af_packet0,iface=vr,framecnt=4096,blocksz=4096,framesz=2048
DPDKLogLevel warning
Mbufs 16384
PortAddress $RIP/24
ExtendAllowPrivateAddresses 1
CONF
IT_SHMS+=("$SHM")
"$BIN/chive-controlplane" -f "$IT_DIR/chive.conf" >>"$IT_DIR/cp.log" 2>&1 &
IT_PIDS+=("$!")
"${NSX[@]}" "$BIN/chive-dataplane" -f "$IT_DIR/chive.conf" >>"$IT_DIR/dp.log" 2>&1 &
IT_PIDS+=("$!")
check "relay_up" wait_until 30 ctl status
check "link_credentials" wait_until 30 counter_ge /dp/chan/link_installs 1

# 4 circuits x 500 cells each way: ~1 MB each way through the relay.
t0=$(date +%s%N)
if timeout 120 "${NSX[@]}" "$BIN/chive-torclient" --hop "$RIP:$ORPORT,$IT_DIR/data" \
	--echo-listen "$KIP:$ECHO_PORT" --echo-final --echo-datadir "$IT_DIR/echo" \
	--circuits 4 --cells 500 --window 32 --timeout 100 >"$IT_DIR/tc.out" 2>&1; then
	ok "cells_intact_under_the_limit"
else
	not_ok "cells_intact_under_the_limit" "$(tail -3 "$IT_DIR/tc.out")"
fi
ms=$((($(date +%s%N) - t0) / 1000000))
check "relay_forwarded_every_cell" counter_ge /dp/circ/cells_fwd 2000
check "read_bucket_ran_dry" counter_ge /dp/chan/bw_read_waits 1
check "write_bucket_ran_dry" counter_ge /dp/chan/bw_write_waits 1
# 2000 cells x 514 bytes each way, less the 200 KB burst, at 200 KB/s: ~4 s.
# Half of that as a bound leaves room for TLS framing and timer coarseness.
min_ms=$(((2000 * 514 - RATE) * 1000 / RATE / 2))
if [ "$ms" -ge "$min_ms" ]; then
	ok "limit_held_traffic_back"
else
	not_ok "limit_held_traffic_back" "took ${ms} ms; the limit allows no less than ~$((min_ms * 2)) ms"
fi
it_finish
