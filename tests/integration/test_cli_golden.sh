#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Golden output of chivectl against a running pair of processes. As root,
# in a network namespace this test creates: a veth pair with fixed MACs, a
# dataplane with two lcores on an af_packet port on one end (no hugepages,
# no PCI) and an ORPort, and its controlplane, both from one fixed config
# file. A fixed list of chivectl commands (help, status, every show, config
# get of a few keywords, counters, JSON forms, and error cases: unknown
# command, bad arguments, unknown circuit and channel handles, a
# restart-only keyword, a bad value, JSON on a write command) is run, and
# for each the exit status, stdout and stderr are compared byte for byte
# with tests/integration/golden/SLUG.txt after the normalization below.
# So a changed column header, table layout, footer or error message fails
# here until the golden file is regenerated on purpose:
#
#   UPDATE_GOLDEN=1 O=build tests/run.sh test_cli_golden    # then review git diff
#
# Normalization (norm() below), only of what legitimately varies per run;
# each replaced value keeps its width, so column alignment stays checked:
#   - the temp dir and segment name this run chose: @TMP@, @SHM@;
#   - the relay's identity (fresh keys each run): RSA fingerprints
#     @FINGERPRINT@, Ed25519 ids @ED25519_ID@;
#   - pids @PID@; uptimes "up @S@ s"; ages and delays in seconds "@S@";
#     timestamps @TIME@; the link credentials' generation (random) @GEN@;
#   - the ABI version as `status` prints it, @ABI@, only when it equals
#     IPC_ABI_VERSION in common/ipc/ipc_abi.h (so a bump does not churn
#     the files, but a mismatch shows);
#   - numbers that move while the relay runs, each replaced by N padded to
#     the width it had: `status` ping round trips and iterations, `show
#     lcores` iterations, cycles and busy ratios (1 s, 10 s, 60 s and
#     lifetime; "-" while not known yet), the packet and byte
#     counters of `show ports` (port and queue rows), the *packets and
#     *bytes values of `show ports xstats`, and "..._packets"/"..._bytes"
#     members of JSON. Drop and error counters are not normalized: they
#     are 0 on an idle veth.
# A command through the rings is asked again (up to twice, a second apart)
# when its answer differs, as other tests do: a loaded machine may stall a
# busy-polling lcore past a ping's 1 s timeout. Everything is cleaned up on
# exit, also on failure (lib.sh, and the namespace here).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

GOLDEN=tests/integration/golden
SHM=chive-itgold-$$
NS=chive-itgold-$$
SOCK=$IT_DIR/cli.sock
CONF=$IT_DIR/chive.conf
CTL=("$BIN/chivectl" -s "$SOCK" -t 10)
ABI=$(sed -n 's/^#define IPC_ABI_VERSION \([0-9]*\)u$/\1/p' common/ipc/ipc_abi.h)

if [ "$(id -u)" -ne 0 ]; then
	ok "cli_golden # SKIP needs root (network namespace, veth, raw sockets)"
	it_finish
	exit
fi
trap 'it_cleanup; ip netns del "$NS" 2>/dev/null' EXIT
IT_SHMS+=("$SHM")

# norm: stdin to stdout, normalized as the header says.
cat >"$IT_DIR/norm.pl" <<'EOF'
use strict;
use warnings;

my ($tmp, $shm, $abi) = @ENV{qw(GOLD_TMP GOLD_SHM GOLD_ABI)};

# Replace fields @idx (0-based, negative from the end) of $line, each a run
# of blanks and the non-blanks after them, by as many characters ending in N.
sub mask {
	my ($line, @idx) = @_;
	my @f = $line =~ /(\s*\S+)/g;

	for my $i (@idx) {
		$i += @f if $i < 0;
		next if $i < 0 || $i > $#f;
		$f[$i] = (' ' x (length($f[$i]) - 1)) . 'N';
	}
	return join '', @f;
}

while (my $line = <STDIN>) {
	my $nl = chomp $line;

	$line =~ s/\Q$tmp\E/\@TMP\@/g;
	$line =~ s/\Q$shm\E/\@SHM\@/g;
	$line =~ s/\b[0-9A-F]{40}\b/\@FINGERPRINT\@/g;
	$line =~ s{(ed25519(?: id:)? +)[A-Za-z0-9+/]{43}(?![A-Za-z0-9+/])}{$1\@ED25519_ID\@}g;
	$line =~ s/\bpid \d+/pid \@PID\@/g;
	$line =~ s/\bup \d+\.\d s\b/up \@S\@ s/g;
	$line =~ s/\bgen \d+/gen \@GEN\@/g;
	$line =~ s/\bmade \d+ s ago/made \@S\@ s ago/g;
	$line =~ s/\brenewed in -?\d+ s\b/renewed in \@S\@ s/g;
	$line =~ s/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/\@TIME\@/g;
	$line =~ s/\(in -?\d+s\)/(in \@S\@s)/g;
	$line =~ s/\(\d+s ago\)/(\@S\@s ago)/g;
	$line =~ s/^(abi version: +)\Q$abi\E$/$1\@ABI\@/;
	$line =~ s/"((?:rx|tx)_(?:packets|bytes))":\d+/"$1":N/g;
	if ($line =~ /^\d+ +\d+ +\d+\.\d +\d+$/) {
		$line = mask($line, 2, 3);              # status: ping_rtt_us iterations
	} elsif ($line =~ /^\d+ +\d+ +(?:net|ctl|-) /) {
		$line = mask($line, 3 .. 9);            # show lcores: iterations, cycles, ratios
	} elsif ($line =~ /^\S+ +(?:[0-9a-f]{2}:){5}[0-9a-f]{2} /) {
		$line = mask($line, -9, -8, -7, -6);    # show ports: rx/tx packets and bytes
	} elsif ($line =~ /^\S+ +\d+(?: +\d+){5}$/) {
		$line = mask($line, 2, 3, 4, 5);        # show ports, a queue: the same
	} elsif ($line =~ /^\S*(?:packets|bytes) +\d+$/) {
		$line = mask($line, 1);                 # show ports xstats: packets, bytes
	}
	print $line, $nl ? "\n" : "";
}
EOF
norm() { GOLD_TMP=$IT_DIR GOLD_SHM=$SHM GOLD_ABI=$ABI perl "$IT_DIR/norm.pl"; }

# record FILE ARGS...: run chivectl ARGS and write what it did, normalized, to FILE.
record() {
	local file=$1 rc
	shift
	"${CTL[@]}" "$@" >"$IT_DIR/stdout" 2>"$IT_DIR/stderr"
	rc=$?
	{
		echo "\$ chivectl $*"
		echo "exit $rc"
		for s in stdout stderr; do
			echo "--- $s"
			norm <"$IT_DIR/$s"
			# Say so when a stream does not end in a newline (as diff does).
			if [ -s "$IT_DIR/$s" ] && [ -n "$(tail -c 1 "$IT_DIR/$s")" ]; then
				printf '\n\\ no newline at end\n'
			fi
		done
	} >"$file"
}

# golden SLUG ARGS...: chivectl ARGS, compared with $GOLDEN/SLUG.txt (or written with UPDATE_GOLDEN=1).
golden() {
	local slug=$1 want=$GOLDEN/$1.txt got=$IT_DIR/$1.txt try
	shift
	for try in 1 2 3; do
		record "$got" "$@"
		[ "${UPDATE_GOLDEN:-0}" = 1 ] && break
		cmp -s "$want" "$got" && break
		sleep 1
	done
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$GOLDEN"
		cp "$got" "$want"
		ok "$slug # golden file written"
	elif cmp -s "$want" "$got"; then
		ok "$slug"
	else
		not_ok "$slug" "differs from $want (UPDATE_GOLDEN=1 regenerates it):" \
			"$(diff -u "$want" "$got" 2>&1 | head -40)"
	fi
}

# --- the pair, from one fixed config file
cat >"$CONF" <<EOF
SharedMemoryName $SHM
CliSocket $SOCK
CliSocketMode 0660
DataDirectory $IT_DIR/data
Log notice stderr
Nickname ChiveGolden
ContactInfo golden@example.invalid
Address 10.84.0.2
ORPort 9001
PublishServerDescriptor 0
NumOnionWorkers 2
Lcores 0,1
HugePages 0
Memory 512
DPDKPort net_af_packet0,iface=vr,framecnt=4096,blocksz=4096,framesz=2048,qpairs=1
DPDKLogLevel warning
PortAddress 10.84.0.2/24
Mbufs 8191
EOF
NSX=(ip netns exec "$NS")
ip netns add "$NS"
"${NSX[@]}" ip link set lo up
"${NSX[@]}" ip link add vk address 02:00:00:84:00:01 type veth peer name vr address 02:00:00:84:00:02
"${NSX[@]}" ip addr add 10.84.0.1/24 dev vk
"${NSX[@]}" ip link set vk up
"${NSX[@]}" ip link set vr up
"${NSX[@]}" ethtool -K vk tx off tso off gso off gro off >/dev/null 2>&1
"${NSX[@]}" ethtool -K vr rx off tx off tso off gso off gro off >/dev/null 2>&1
"${NSX[@]}" "$BIN/chive-dataplane" -f "$CONF" >"$IT_DIR/dp.log" 2>&1 &
DP_PID=$!
IT_PIDS+=("$DP_PID")
"$BIN/chive-controlplane" -f "$CONF" >"$IT_DIR/cp.log" 2>&1 &
CP_PID=$!
IT_PIDS+=("$CP_PID")
status_ok() { "${CTL[@]}" status >/dev/null 2>&1; }
creds() { "${CTL[@]}" counters /dp/chan/link_installs 2>/dev/null | grep -Eq '^/dp/chan/link_installs +[1-9]'; }
check "pair_is_up" wait_until 30 status_ok
check "link_credentials_installed" wait_until 30 creds

# --- read commands
golden help help
golden status status
golden show_channels show channels
golden show_circuits show circuits
golden show_consensus show consensus
golden show_ports show ports
golden show_ports_xstats show ports xstats
golden show_lcores show lcores
golden show_keys show keys
golden show_config show config
golden config_get_nickname config get Nickname
golden config_get_orport_any_case config get orport
golden config_get_bandwidth_rate config get RelayBandwidthRate
golden config_get_dataplane_keyword config get DPDKPort
golden counters_chan_open counters /dp/chan/open
golden json_show_channels --json show channels
golden json_show_ports --json show ports
golden json_config_get_orport --json config get ORPort

# --- errors: exit status and message
golden err_unknown_command frobnicate
golden err_json_unknown_command --json frobnicate
golden err_help_unknown_command help frobnicate
golden err_show_lcores_extra_argument show lcores extra
golden err_show_ports_extra_argument show ports extra
golden err_show_ports_xstats_extra_arguments show ports xstats a b
golden err_circuit_destroy_without_handle circuit destroy
golden err_circuit_destroy_unknown_circuit circuit destroy 0x00010001
golden err_circuit_destroy_no_such_lcore circuit destroy 0x12345678
golden err_channel_close_unknown_channel channel close 0x00000001
golden err_config_get_unknown_keyword config get Frobnicate
golden err_config_set_needs_restart config set ORPort 9002
golden err_config_set_bad_value config set Nickname bad!name
golden err_config_set_without_value config set Nickname
golden err_json_on_write_command --json channel close 0x1

# Nothing above changed anything: the refused ORPort is still the file's.
golden config_get_orport_after_refusal config get ORPort

kill -INT "$CP_PID" "$DP_PID"
wait_exit "$CP_PID" 10
wait_exit "$DP_PID" 20

it_finish
