#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Chive's link handshake (dataplane/cell/chan.c with the control plane's
# controlplane/link/) against real tor 0.4.9 processes (Debian's tor). In a
# network namespace made here: a veth pair, tor on the kernel end
# (10.80.0.1), chive-dataplane on the other through DPDK's af_packet PMD
# (10.80.0.2, ORPort 9001), chive-controlplane with a fresh DataDirectory.
# Checks:
#   (a) Chive as responder: a tor client with `UseBridges 1` and a Bridge
#       line naming Chive's address and RSA fingerprint completes the link
#       handshake (tor verifies Chive's CERTS against the fingerprint: "Got
#       some good certificates ... Authenticated it with RSA and Ed25519",
#       "OR connection is now open, using protocol version 5"); Chive's
#       counters show the channel open at link 5 with a client, and the
#       first circuit cell the client sends (refused with DESTROY until
#       circuits exist); tor logs no handshake or certificate warning.
#   (b) Chive as initiator: `chivectl channel open` to a tor relay with its
#       RSA and Ed25519 identities; Chive verifies the relay's CERTS and
#       authenticates; the relay's own log shows it accepted Chive's
#       AUTHENTICATE ("Got an AUTHENTICATE cell ... Looks good") and opened
#       the channel with Chive's fingerprint; `show channels` lists it.
#   (c) A wrong fingerprint is refused with reason "identity".
# Every wait is bounded; everything started here is removed on exit.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

NS=chive-chan-$$
SHM=chive-it-chan-$$
SOCK=$IT_DIR/cli.sock
KIP=10.80.0.1
CIP=10.80.0.2
ORPORT=9001
TOR_ORPORT=9101
CTL=("$BIN/chivectl" -s "$SOCK" -t 70)
NSX=(ip netns exec "$NS")

cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT

counter() { "${CTL[@]}" counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
# counter_ge NAME VALUE: read afresh on every call (for wait_until).
counter_ge() { local v; v=$(counter "$1"); test "${v:-0}" -ge "$2"; }
log_has() { grep -qF -- "$2" "$1" 2>/dev/null; }

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi
for tool in tor openssl; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "tool_$tool" "$tool not installed (scripts/install-deps.sh installs it)"
		it_finish
		exit 1
	fi
done

ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
it_veth "$NS" vkern "$KIP/24" vchive

# ---- Chive: control plane with its own keys, dataplane with an ORPort ----
mkdir -m 0700 "$IT_DIR/chive"
"$BIN/chive-controlplane" --shm "$SHM" --socket "$SOCK" --log-level info \
	--data-dir "$IT_DIR/chive" >>"$IT_DIR/cp.log" 2>&1 &
IT_PIDS+=("$!")
IT_SHMS+=("$SHM")
"${NSX[@]}" "$BIN/chive-dataplane" --no-huge --no-pci -l 0 -m 512 \
	--log-level=warning --file-prefix="chive-$SHM" \
	--vdev=net_af_packet0,iface=vchive,framecnt=4096,blocksz=4096,framesz=2048,qpairs=1 \
	-- --shm "$SHM" --port net_af_packet0 --ip "$CIP/24" --orport "$ORPORT" \
	>>"$IT_DIR/dp.log" 2>&1 &
IT_PIDS+=("$!")
check "chive_up" wait_until 30 "${CTL[@]}" status
check "link_credentials_installed" wait_until 30 counter_ge /dp/chan/link_installs 1

# Chive's RSA fingerprint, as tor computes it: SHA-1 of the PKCS#1 DER public key.
FP=$(openssl rsa -in "$IT_DIR/chive/keys/secret_id_key" -RSAPublicKey_out -outform DER \
	2>/dev/null | sha1sum | cut -c1-40 | tr a-f A-F)
check "chive_fingerprint_read" test "${#FP}" -eq 40

# A placeholder authority (never reached): TestingTorNetwork needs one.
DIRAUTH="DirAuthority placeholder orport=1 no-v2 v3ident=0000000000000000000000000000000000000000 $KIP:1 0000000000000000000000000000000000000000"

# ---- (a) a tor client using Chive as its bridge ----
CD=$IT_DIR/client
mkdir -m 0700 "$CD"
cat >"$CD/torrc" <<EOF
DataDirectory $CD
TestingTorNetwork 1
$DIRAUTH
SocksPort 0
UseBridges 1
Bridge $CIP:$ORPORT $FP
Log notice file $CD/notice.log
Log info file $CD/info.log
ProtocolWarnings 1
RunAsDaemon 0
EOF
"${NSX[@]}" tor -f "$CD/torrc" --quiet >/dev/null 2>&1 &
IT_PIDS+=("$!")
check "bridge_client_tor_verified_chive_certs" wait_until 60 \
	log_has "$CD/info.log" "Authenticated it with RSA and Ed25519"
check "bridge_client_channel_open_link5" wait_until 30 \
	log_has "$CD/info.log" "OR connection is now open, using protocol version 5"
check "chive_counts_channel_open_link5" wait_until 30 counter_ge /dp/chan/open_link5 1
check "chive_counts_client_peer" counter_ge /dp/chan/open_client 1
check "chive_counts_first_circuit_cell" wait_until 30 counter_ge /dp/chan/create_rx 1
# The circuit layer answers it: the control plane's handshake, CREATED back.
check "chive_answered_the_clients_create" wait_until 30 counter_ge /dp/circ/created/ok 1
# tor checks our CREATED reply (its handshake's key confirmation) ...
check "bridge_client_finished_hop_through_chive" wait_until 30 \
	log_has "$CD/info.log" "Finished building circuit hop"
# ... and its first relay cell (BEGIN_DIR for the bridge's descriptor) is
# recognized at Chive: tor1 crypto and the running digest agree with tor's.
# Chive is no directory cache yet, so it answers END (NOTDIRECTORY).
check "chive_recognized_the_clients_relay_cell" wait_until 30 counter_ge /dp/circ/begin_refused 1
if grep -iE '\[warn\].*(certificate|handshake|AUTH_CHALLENGE|VERSIONS|NETINFO|CERTS|link protocol|identity)' \
	"$CD/notice.log" "$CD/info.log" >"$IT_DIR/client-warn.txt" 2>/dev/null; then
	not_ok "bridge_client_logs_no_handshake_warning" "$(head -5 "$IT_DIR/client-warn.txt")"
else
	ok "bridge_client_logs_no_handshake_warning"
fi

# ---- (b) Chive opens an authenticated channel to a tor relay ----
RD=$IT_DIR/relay
mkdir -m 0700 "$RD"
cat >"$RD/torrc" <<EOF
DataDirectory $RD
TestingTorNetwork 1
$DIRAUTH
Nickname chiveitrelay
ContactInfo chive-integration-test
Address $KIP
ORPort $KIP:$TOR_ORPORT
SocksPort 0
ExitRelay 0
PublishServerDescriptor 0
AssumeReachable 1
Log notice file $RD/notice.log
Log info file $RD/info.log
Log [handshake]debug file $RD/handshake.log
ProtocolWarnings 1
RunAsDaemon 0
EOF
"${NSX[@]}" tor -f "$RD/torrc" --quiet >/dev/null 2>&1 &
IT_PIDS+=("$!")
check "tor_relay_up" wait_until 60 log_has "$RD/notice.log" "Bootstrapped 0%"
wait_until 30 test -s "$RD/fingerprint"
RFP=$(awk '{ print $2 }' "$RD/fingerprint" 2>/dev/null)
RED=$(awk '{ print $2 }' "$RD/fingerprint-ed25519" 2>/dev/null)
check "tor_relay_identity_read" test "${#RFP}" -eq 40
wait_until 30 "${NSX[@]}" bash -c "exec 3<>/dev/tcp/$KIP/$TOR_ORPORT" 2>/dev/null

OUT=$("${CTL[@]}" channel open "$KIP:$TOR_ORPORT" "$RFP" $RED 2>&1)
if grep -q "link 5" <<<"$OUT"; then
	ok "chivectl_channel_open_to_tor_relay"
	echo "    $OUT"
else
	not_ok "chivectl_channel_open_to_tor_relay" "$OUT" "$(tail -5 "$IT_DIR/cp.log")"
fi
check "tor_relay_accepted_chive_authenticate" wait_until 30 \
	log_has "$RD/handshake.log" "type 3: Looks good."
check "tor_relay_opened_channel_with_chive_identity" wait_until 30 \
	grep -q "OR connection is now open, using protocol version 5. Its ID digest is $FP" \
	"$RD/info.log"
check "chive_counts_relay_channel" counter_ge /dp/chan/open_relay 1
SHOW=$("${CTL[@]}" show channels 2>&1)
if grep -q "$KIP:$TOR_ORPORT" <<<"$SHOW" && grep -qi "open" <<<"$SHOW"; then
	ok "show_channels_lists_relay_channel"
else
	not_ok "show_channels_lists_relay_channel" "$SHOW"
fi
if grep -iE '\[warn\].*(certificate|handshake|AUTHENTICATE|CERTS|NETINFO|link protocol)' \
	"$RD/notice.log" "$RD/info.log" >"$IT_DIR/relay-warn.txt" 2>/dev/null; then
	not_ok "tor_relay_logs_no_handshake_warning" "$(head -5 "$IT_DIR/relay-warn.txt")"
else
	ok "tor_relay_logs_no_handshake_warning"
fi

# ---- (c) the wrong identity is refused ----
BAD=0000000000000000000000000000000000000001
OUT=$("${CTL[@]}" channel open "$KIP:$TOR_ORPORT" "$BAD" 2>&1)
RC=$?
if [ "$RC" -ne 0 ] && grep -q "identity" <<<"$OUT"; then
	ok "wrong_fingerprint_refused"
else
	not_ok "wrong_fingerprint_refused" "rc=$RC: $OUT"
fi
check "chive_counts_identity_close" counter_ge /dp/chan/close/identity 1

it_finish
