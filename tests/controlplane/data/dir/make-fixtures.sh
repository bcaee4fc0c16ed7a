#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Remake the directory-document fixtures of tests/controlplane/test_consensus.c
# from a real tor (Debian's /usr/sbin/tor 0.4.9): a throw-away test network
# of three v3 authorities and one relay, in a network namespace of its own
# (only its loopback, 127.0.0.11-14; nothing leaves the namespace), run until
# the first consensus that lists all four relays with all three signatures,
# then stopped and deleted.
#
#   tests/controlplane/data/dir/make-fixtures.sh     (as root; ~1-2 minutes)
#
# Writes next to itself:
#   consensus-ns.txt        GET /tor/status-vote/current/consensus
#   consensus-md.txt        GET /tor/status-vote/current/consensus-microdesc
#   keys-all.txt            GET /tor/keys/all (the three key certificates)
#   v3idents.txt            the authorities' v3 identity fingerprints (hex, one a line)
#   auth1-identity.pem      auth1's identity secret key, unencrypted (test-only:
#                           the suite re-signs certificates with it)
#   expected.txt            facts taken from tor's own files and torrcs, not from
#                           the documents: "key value" lines
# Needs: tor, tor-gencert, curl, openssl, ip (iproute2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
ns=chive-cons-$$
work=$(mktemp -d /tmp/chive-cons.XXXXXX)
NSX=(ip netns exec "$ns")
LIFETIME=240            # no tor outlives this many seconds
DEADLINE=$((SECONDS + 200))

# Every process in the namespace was started here: stop them by pid, then
# remove the namespace and the scratch directory.
cleanup() {
	local pids
	pids=$(ip netns pids "$ns" 2>/dev/null || true)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null || true
		sleep 1
		pids=$(ip netns pids "$ns" 2>/dev/null || true)
		# shellcheck disable=SC2086
		if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; fi
	fi
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "$ns"
"${NSX[@]}" ip link set lo up

AUTH_ADDRS=(127.0.0.11 127.0.0.12 127.0.0.13)
RELAY_ADDR=127.0.0.14
ORPORT=5000
DIRPORT=7000
RELAY_NICK=chiverelay
# Consensus parameters every authority votes (identical, so all are in the
# consensus): sorted, one negative, one the suite clamps.
PARAMS="cc_sendme_inc=31 chivetestneg=-5 circwindow=1000"

# ---- authority keys ----
dirauth_lines=""
for i in 1 2 3; do
	d=$work/auth$i
	a=${AUTH_ADDRS[$((i - 1))]}
	mkdir -p "$d/keys"
	(cd "$d/keys" && echo "" | tor-gencert --create-identity-key -m 12 \
		-a "$a:$DIRPORT" --passphrase-fd 0 >/dev/null 2>&1)
	tor --list-fingerprint --DataDirectory "$d" --ORPort 1 \
		--DirAuthority "x 127.0.0.1:1 ffffffffffffffffffffffffffffffffffffffff" \
		--quiet >/dev/null 2>&1
	rsafp=$(awk '{ print $2 }' "$d/fingerprint")
	v3=$(awk '$1 == "fingerprint" { print $2 }' "$d/keys/authority_certificate")
	echo "$v3" >>"$work/v3idents"
	dirauth_lines+="DirAuthority auth$i orport=$ORPORT no-v2 v3ident=$v3 $a:$DIRPORT $rsafp"$'\n'
done

# First valid-after ~24 s from now: the first vote (8 s before it) comes
# after the relay has uploaded its descriptor (testnet-pitfalls.md §2).
offset=$(( ($(date +%s) + 24) % 20 ))

common_torrc() { # NAME ADDR
	cat <<EOT
TestingTorNetwork 1
DataDirectory $work/$1
Nickname $1
Address $2
ORPort $2:$ORPORT
SocksPort 0
ControlPort 0
TestingV3AuthInitialVotingInterval 20
TestingV3AuthInitialVoteDelay 4
TestingV3AuthInitialDistDelay 4
TestingV3AuthVotingStartOffset $offset
V3AuthVotingInterval 20
V3AuthVoteDelay 4
V3AuthDistDelay 4
V3AuthNIntervalsValid 2
VanguardsLiteEnabled 0
Log notice file $work/$1/notice.log
SafeLogging 0
$dirauth_lines
EOT
}

for i in 1 2 3; do
	a=${AUTH_ADDRS[$((i - 1))]}
	{
		common_torrc "auth$i" "$a"
		cat <<EOT
DirPort $a:$DIRPORT
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ExitPolicy reject *:*
ContactInfo auth$i@chive.invalid
AssumeReachable 1
AuthDirTestReachability 0
AuthDirPinKeys 0
TestingAuthDirTimeToLearnReachability 0
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
ConsensusParams $PARAMS
EOT
	} >"$work/auth$i.torrc"
	"${NSX[@]}" timeout $LIFETIME tor -f "$work/auth$i.torrc" --quiet >/dev/null 2>&1 &
done

fetch() { # ADDR PATH OUT
	"${NSX[@]}" curl -sf --max-time 5 -o "$3" "http://$1:$DIRPORT$2"
}

# Relays start once the authority DirPorts answer (pitfalls §2).
while ! fetch 127.0.0.11 /tor/keys/all "$work/probe" 2>/dev/null; do
	[ $SECONDS -lt $DEADLINE ] || { echo "authorities did not come up" >&2; exit 1; }
	sleep 1
done
{
	common_torrc "$RELAY_NICK" "$RELAY_ADDR"
	cat <<EOT
AssumeReachable 1
ExitRelay 0
ExitPolicy reject *:*
ContactInfo relay@chive.invalid
EOT
} >"$work/relay.torrc"
"${NSX[@]}" timeout $LIFETIME tor -f "$work/relay.torrc" --quiet >/dev/null 2>&1 &

# ---- wait for a consensus with four relays and three signatures ----
while :; do
	[ $SECONDS -lt $DEADLINE ] || { echo "no complete consensus in time" >&2; exit 1; }
	sleep 2
	fetch 127.0.0.11 /tor/status-vote/current/consensus "$work/ns" 2>/dev/null || continue
	[ "$(grep -c '^r ' "$work/ns")" -eq 4 ] || continue
	[ "$(grep -c '^directory-signature ' "$work/ns")" -eq 3 ] || continue
	fetch 127.0.0.11 /tor/status-vote/current/consensus-microdesc "$work/md" || continue
	[ "$(grep -c '^r ' "$work/md")" -eq 4 ] || continue
	[ "$(grep -c '^directory-signature ' "$work/md")" -eq 3 ] || continue
	# Both flavours from the same voting round.
	[ "$(grep '^valid-after ' "$work/ns")" = "$(grep '^valid-after ' "$work/md")" ] || continue
	fetch 127.0.0.11 /tor/keys/all "$work/keys" || continue
	[ "$(grep -c '^dir-key-certificate-version ' "$work/keys")" -eq 3 ] || continue
	break
done

cp "$work/ns" "$here/consensus-ns.txt"
cp "$work/md" "$here/consensus-md.txt"
cp "$work/keys" "$here/keys-all.txt"
cp "$work/v3idents" "$here/v3idents.txt"
openssl pkey -in "$work/auth1/keys/authority_identity_key" -passin pass: \
	-traditional -out "$here/auth1-identity.pem"
chmod 0644 "$here/auth1-identity.pem"

relay_fp=$(awk '{ print $2 }' "$work/$RELAY_NICK/fingerprint")
{
	echo "n_relays 4"
	echo "n_signatures 3"
	echo "relay_nickname $RELAY_NICK"
	echo "relay_fingerprint $relay_fp"
	echo "relay_address $RELAY_ADDR"
	echo "relay_orport $ORPORT"
	echo "relay_dirport 0"
	echo "auth1_fingerprint $(awk '{ print $2 }' "$work/auth1/fingerprint")"
	echo "auth1_address ${AUTH_ADDRS[0]}"
	echo "auth1_dirport $DIRPORT"
	for p in $PARAMS; do echo "param ${p%%=*} ${p#*=}"; done
	for i in 1 2 3; do
		echo "cert_expires $(awk '$1 == "dir-key-expires" { print $2 "T" $3 }' \
			"$work/auth$i/keys/authority_certificate")"
	done
	echo "tor_version $(tor --version | head -n 1)"
} >"$here/expected.txt"
echo "fixtures written to $here"
