#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# chive-torclient (tools/torclient/) against real tor 0.4.9 relays (Debian's
# tor). In a network namespace made here, with namespace addresses on its
# loopback (10.82.0.1 and 10.82.0.3: two tor relays; 10.82.0.2: the tool and
# its echo endpoint), no directory authority (a placeholder that is never
# reached: an OR accepts CREATE2 and EXTEND2 without a consensus). Checks:
#   - client -> tor relay -> echo endpoint, with ntor-v3, with ntor, and with
#     CREATE_FAST to the tor relay: N circuits x M RELAY DATA cells verified
#     byte for byte, DESTROY propagated by tor to the endpoint. The tor relay
#     EXTENDs to the endpoint, so this checks the endpoint's responder
#     handshake (CERTS 1,2,4,5,7, AUTH_CHALLENGE, NETINFO) against tor as
#     initiator, the endpoint's check of tor's CERTS and AUTHENTICATE, and
#     its CREATE2 server; tor's own log must show the channel to the
#     endpoint's fingerprint open;
#   - client -> tor -> tor -> endpoint (EXTEND2 forwarded in RELAY_EARLY,
#     three layers of relay crypto);
#   - the endpoint's --echo-slow pause through tor (backpressure): nothing lost;
#   - client -> endpoint directly (ntor-v3 and CREATE_FAST);
#   - a wrong RSA identity for the first hop is refused by the tool;
#   - the tor relays log no protocol warning.
# Every run is bounded (timeout(1) and the tool's --timeout); everything
# started here is removed on exit, also on failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

NS=chive-tc-$$
T1=10.82.0.1
T2=10.82.0.3
TC=10.82.0.2
T1_PORT=9201
T2_PORT=9202
NSX=(ip netns exec "$NS")
TOOL=$BIN/chive-torclient

cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT

log_has() { grep -qF -- "$2" "$1" 2>/dev/null; }
port_open() { "${NSX[@]}" bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace)"
	it_finish
	exit 0
fi
if ! command -v tor >/dev/null; then
	not_ok "tool_tor" "tor not installed (scripts/install-deps.sh installs it)"
	it_finish
	exit 1
fi
if [ ! -x "$TOOL" ]; then
	not_ok "tool_built" "$TOOL missing (make O=$O)"
	it_finish
	exit 1
fi

ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
"${NSX[@]}" ip link set lo up
for a in $T1 $T2 $TC; do
	"${NSX[@]}" ip addr add "$a/32" dev lo
done

# ---- two tor relays, no authority, extending to private addresses ----
# start_tor NAME ADDR PORT: a relay with its DataDirectory in $IT_DIR/NAME.
start_tor() {
	local d=$IT_DIR/$1
	mkdir -m 0700 "$d"
	cat >"$d/torrc" <<EOF
DataDirectory $d
TestingTorNetwork 1
DirAuthority placeholder orport=1 no-v2 v3ident=0000000000000000000000000000000000000000 $2:1 0000000000000000000000000000000000000000
Nickname $1
ContactInfo chive-integration-test
Address $2
ORPort $2:$3
SocksPort 0
ExitRelay 0
PublishServerDescriptor 0
AssumeReachable 1
ExtendAllowPrivateAddresses 1
SafeLogging 0
Log notice file $d/notice.log
Log info file $d/info.log
ProtocolWarnings 1
RunAsDaemon 0
EOF
	"${NSX[@]}" tor -f "$d/torrc" --quiet >/dev/null 2>&1 &
	IT_PIDS+=("$!")
}
start_tor tctor1 $T1 $T1_PORT
start_tor tctor2 $T2 $T2_PORT
R1=$IT_DIR/tctor1
R2=$IT_DIR/tctor2
check "tor_relays_up" wait_until 40 test -s "$R1/fingerprint" -a -s "$R2/fingerprint"
check "tor_relay1_orport_open" wait_until 30 port_open $T1 $T1_PORT
check "tor_relay2_orport_open" wait_until 30 port_open $T2 $T2_PORT
ID1=$("$TOOL" --identity "$R1" 2>&1)
if [ "$(wc -w <<<"$ID1")" -eq 3 ] && grep -q "^$(awk '{ print $2 }' "$R1/fingerprint") " <<<"$ID1"; then
	ok "identity_read_from_tor_datadir"
else
	not_ok "identity_read_from_tor_datadir" "$ID1"
fi
# Without tor's fingerprint files (a Chive DataDirectory has none), the RSA id
# comes from keys/secret_id_key and the Ed25519 id from the key file.
mkdir -m 0700 "$IT_DIR/nofp"
cp -a "$R1/keys" "$IT_DIR/nofp/keys"
ID1B=$("$TOOL" --identity "$IT_DIR/nofp" 2>&1)
if [ "$ID1B" = "$ID1" ]; then
	ok "identity_derived_without_fingerprint_files"
else
	not_ok "identity_derived_without_fingerprint_files" "want: $ID1" "got:  $ID1B"
fi

# tc_run NAME ARGS...: run the tool in the namespace, output in $IT_DIR/NAME.log; sets TC_RC.
tc_run() {
	local name=$1
	shift
	"${NSX[@]}" timeout -k 5 40 "$TOOL" --timeout 30 "$@" >"$IT_DIR/$name.log" 2>&1
	TC_RC=$?
}

# tc_ok NAME ARGS...: the run must exit 0 with an "ok" summary.
tc_ok() {
	local name=$1
	shift
	tc_run "$name" "$@"
	if [ "$TC_RC" -eq 0 ] && grep -q '^torclient: ok:' "$IT_DIR/$name.log"; then
		ok "$name"
		grep '^torclient: ok:' "$IT_DIR/$name.log" | sed 's/^/    /'
	else
		not_ok "$name" "exit $TC_RC" "$(tail -n 8 "$IT_DIR/$name.log")"
	fi
}

# json_field NAME FIELD: a top-level number/boolean field of the run's JSON summary.
json_field() {
	grep -o "\"$2\":[a-z0-9.]*" "$IT_DIR/$1.log" | head -n 1 | cut -d: -f2
}
json_echo_field() {
	grep -o "\"echo\":{.*}" "$IT_DIR/$1.log" | grep -o "\"$2\":[0-9]*" | cut -d: -f2
}

HOP1=(--hop "$T1:$T1_PORT,$R1")
HOP2=(--hop "$T2:$T2_PORT,$R2")

# ---- client -> tor -> echo endpoint ----
tc_run ntor3_via_tor_relay "${HOP1[@]}" --echo-listen $TC:9301 --echo-final \
	--echo-datadir "$IT_DIR/echo" --htype ntor3 --circuits 10 --cells 100 --window 8 \
	--destroy --json
N=ntor3_via_tor_relay
if [ "$TC_RC" -eq 0 ] && [ "$(json_field $N ok)" = true ] && [ "$(json_field $N built)" = 10 ] &&
	[ "$(json_field $N verified)" = 1000 ] && [ "$(json_field $N destroy_seen)" = 10 ]; then
	ok "$N"
	echo "    $(grep -o '"seconds".*"lost":[0-9]*' "$IT_DIR/$N.log")"
else
	not_ok "$N" "exit $TC_RC" "$(tail -n 8 "$IT_DIR/$N.log")"
fi
if [ "$(json_echo_field $N relay_channels)" -ge 1 ] 2>/dev/null &&
	[ "$(json_echo_field $N failed_channels)" = 0 ]; then
	ok "echo_verified_tor_certs_and_authenticate"
else
	not_ok "echo_verified_tor_certs_and_authenticate" "$(grep -o '"echo".*' "$IT_DIR/$N.log")"
fi
EFP=$("$TOOL" --identity "$IT_DIR/echo" 2>/dev/null | awk '{ print $1 }')
check "tor_opened_channel_to_echo_identity" wait_until 10 grep -q \
	"OR connection is now open, using protocol version 5. Its ID digest is $EFP" "$R1/info.log"

tc_ok ntor_via_tor_relay "${HOP1[@]}" --echo-listen $TC:9302 --echo-final --htype ntor \
	--circuits 10 --cells 100 --window 8 --destroy
tc_ok create_fast_first_hop_tor "${HOP1[@]}" --echo-listen $TC:9303 --echo-final --htype fast \
	--circuits 10 --cells 100 --window 8 --destroy
tc_ok three_hops_two_tor_relays "${HOP1[@]}" "${HOP2[@]}" --echo-listen $TC:9304 --echo-final \
	--htype ntor3 --circuits 10 --cells 100 --window 8 --destroy
tc_ok echo_slow_backpressure_via_tor "${HOP1[@]}" --echo-listen $TC:9305 --echo-final \
	--echo-slow 1000 --circuits 4 --cells 300 --window 64

# Timed mode, as `make bench` drives it: once built, a phase paced at 400
# cells/s, then one as fast as the windows allow; each reports its echoes and
# round-trip times, and the markers a benchmark script samples on come out.
tc_run timed_phases_via_tor "${HOP1[@]}" --echo-listen $TC:9306 --echo-final --htype fast \
	--circuits 4 --window 8 --phase 400:1 --phase 0:1 --settle 100 --json
N=timed_phases_via_tor
if [ "$TC_RC" -eq 0 ] && python3 - "$IT_DIR/$N.log" <<'EOF'; then
import json, sys
lines = open(sys.argv[1]).read().splitlines()
s = json.loads([l for l in lines if l.startswith("{")][0])
p = s["phases"]
assert s["ok"] and s["built"] == 4 and s["verified"] == s["cells_sent"] > 0, s
assert len(p) == 2 and [x["rate"] for x in p] == [400, 0], p
assert 300 <= p[0]["cells_sent"] <= 410, p[0]          # the pacer held the rate
assert p[0]["rtt_n"] == p[0]["verified"] > 0 and 0 < p[0]["rtt_p50_us"] <= p[0]["rtt_p99_us"], p[0]
assert p[1]["verified"] > p[0]["verified"], p         # unpaced is faster than 400/s here
for m in ("built 4 circuits", "phase 0 start", "phase 0 end", "phase 1 start", "phase 1 end"):
    assert "torclient: " + m in lines, m
EOF
	ok "$N"
else
	not_ok "$N" "exit $TC_RC" "$(tail -n 8 "$IT_DIR/$N.log")"
fi

# ---- the endpoint alone as the first hop ----
tc_ok endpoint_first_hop_ntor3 --echo-listen $TC:9306 --echo-final --htype ntor3 \
	--circuits 10 --cells 100 --destroy
tc_ok endpoint_first_hop_fast --echo-listen $TC:9307 --echo-final --htype fast \
	--circuits 10 --cells 100 --destroy

# ---- a wrong RSA identity for the first hop ----
read -r _ ED1 NT1 <<<"$ID1"
N=wrong_rsa_identity_refused
tc_run $N --hop "$T1:$T1_PORT,0000000000000000000000000000000000000001,$ED1,$NT1" \
	--echo-listen $TC:9308 --echo-final --circuits 1 --cells 1
if [ "$TC_RC" -eq 1 ] && grep -q "identity mismatch" "$IT_DIR/$N.log" &&
	grep -q "circuits built=0" "$IT_DIR/$N.log"; then
	ok "$N"
	grep "identity mismatch" "$IT_DIR/$N.log" | head -n 1 | sed 's/^/    /'
else
	not_ok "$N" "exit $TC_RC" "$(tail -n 5 "$IT_DIR/$N.log")"
fi

# ---- tor said nothing bad about us ----
for d in "$R1" "$R2"; do
	n=$(basename "$d")
	if grep -hE '\[warn\]' "$d/notice.log" "$d/info.log" 2>/dev/null |
		grep -viE 'DirAuthority|TestingTorNetwork|sensitive information|as root|SafeLogging' \
			>"$IT_DIR/$n-warn.txt"; then
		not_ok "${n}_logs_no_warning" "$(head -n 5 "$IT_DIR/$n-warn.txt")"
	else
		ok "${n}_logs_no_warning"
	fi
done

it_finish
