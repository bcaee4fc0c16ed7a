#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# One configuration file for both processes (common/conf/conf.h): a
# dataplane (one lcore, no hugepages, no port) and a controlplane started
# with only `-f FILE` find each other through the file's SharedMemoryName,
# and `chivectl status` answers on the file's CliSocket; the command line
# overrides the file; a DPDKPort vdev in the file brings up the port. A
# file with an unknown option, a bad value or a keyword given twice, and a
# missing file, make both binaries exit 2 before anything is created, with
# FILE:LINE and the reason on stderr (an ORPort without a port, the
# dataplane alone: it is the one that needs a port). With no
# arguments at all both read /etc/chive/chive.conf (checked only when that
# file does not exist here).
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-itconf-$$
BADSHM=chive-itconf-bad-$$
SOCK=$IT_DIR/cli.sock
CONF=$IT_DIR/chive.conf
IT_SHMS+=("$SHM" "$BADSHM")
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)

cat >"$CONF" <<EOF
# chive.conf for test_config.sh: one file, both processes.
Nickname ChiveConfTest        # the relay's name
ContactInfo "test #$$ <nobody AT example dot org>"
TestingTorNetwork 1
PublishServerDescriptor 0
RelayBandwidthRate 10 MBytes
MyFamily \$0123456789ABCDEF0123456789ABCDEF01234567, \\
         FEDCBA9876543210FEDCBA9876543210FEDCBA98
DirAuthority test000a orport=5000 v3ident=0000000000000000000000000000000000000001 \\
    127.0.0.1:7000 0000 0000 0000 0000 0000 0000 0000 0000 0000 0002

# both processes
SharedMemoryName $SHM

# controlplane
DataDirectory $IT_DIR/data
CliSocket $SOCK
CliSocketMode 0600
Log info stderr
NumOnionWorkers 2

# dataplane: EAL
Lcores 0
HugePages 0
Memory 256
DPDKLogLevel warning
EOF

status_ok() { "${CTL[@]}" status >"$IT_DIR/status.out" 2>&1; }

no_leftovers() {
	[ ! -e "/dev/shm/$SHM" ] && [ ! -e "/var/run/dpdk/chive-$SHM" ] && [ ! -e "$SOCK" ]
}

# --- both processes from one file
"$BIN/chive-dataplane" -f "$CONF" >"$IT_DIR/dp.log" 2>&1 &
DP_PID=$!
IT_PIDS+=("$DP_PID")
"$BIN/chive-controlplane" -f "$CONF" >"$IT_DIR/cp.log" 2>&1 &
CP_PID=$!
IT_PIDS+=("$CP_PID")

check "dataplane_creates_the_files_segment" wait_until 20 test -e "/dev/shm/$SHM"
check "dataplane_eal_prefix_from_the_files_name" test -d "/var/run/dpdk/chive-$SHM"
check "controlplane_listens_on_the_files_socket" wait_until 20 test -S "$SOCK"
if wait_until 20 status_ok; then
	ok "chivectl_status_works"
else
	not_ok "chivectl_status_works" "$(cat "$IT_DIR/status.out")" "$(tail -5 "$IT_DIR/cp.log")" \
		"$(tail -5 "$IT_DIR/dp.log")"
fi
out=$(cat "$IT_DIR/status.out")
[[ $out == *"segment:       /dev/shm/$SHM"* && $out == *"lcores:        1"* ]] &&
	ok "status_shows_the_files_segment_and_one_lcore" ||
	not_ok "status_shows_the_files_segment_and_one_lcore" "$out"
mode=$(stat -c %a "$SOCK" 2>/dev/null)
[ "$mode" = "600" ] && ok "socket_mode_from_the_file" || not_ok "socket_mode_from_the_file" "mode=$mode"
[ -f "$IT_DIR/data/keys/secret_id_key" ] && ok "keys_in_the_files_data_directory" ||
	not_ok "keys_in_the_files_data_directory"
grep -q "configuration read from $CONF" "$IT_DIR/cp.log" &&
	ok "controlplane_logs_at_the_files_level" ||
	not_ok "controlplane_logs_at_the_files_level" "$(head -5 "$IT_DIR/cp.log")"

# --- the command line overrides the file: a second controlplane on another socket
SOCK2=$IT_DIR/cli2.sock
"$BIN/chive-controlplane" -f "$CONF" --socket "$SOCK2" --log-level notice \
	>"$IT_DIR/cp2.log" 2>&1 &
CP2_PID=$!
IT_PIDS+=("$CP2_PID")
status2_ok() { "$BIN/chivectl" -s "$SOCK2" -t 5 status >/dev/null 2>&1; }
check "command_line_overrides_the_files_socket" wait_until 20 status2_ok
! grep -q "configuration read from" "$IT_DIR/cp2.log" &&
	ok "command_line_overrides_the_files_log_level" ||
	not_ok "command_line_overrides_the_files_log_level"
kill -INT "$CP2_PID"
wait_exit "$CP2_PID" 10

# --- clean stop
kill -INT "$CP_PID"
kill -INT "$DP_PID"
if wait_exit "$DP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_exits_0_on_sigint"
else
	not_ok "dataplane_exits_0_on_sigint" "rc=$IT_RC" "$(tail -5 "$IT_DIR/dp.log")"
fi
if wait_exit "$CP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "controlplane_exits_0_on_sigint"
else
	not_ok "controlplane_exits_0_on_sigint" "rc=$IT_RC"
fi
check "nothing_left_behind" wait_until 5 no_leftovers

# --- a port from the file: DPDKPort (a vdev here) becomes EAL's --vdev and the
# dataplane's --port, with PortAddress and ORPort
PORTSHM=chive-itconf-port-$$
IT_SHMS+=("$PORTSHM")
cat >"$IT_DIR/port.conf" <<EOF
SharedMemoryName $PORTSHM
Lcores 0
HugePages 0
Memory 512
Mbufs 8191
DPDKPort net_null0,copy=1
PortAddress 10.9.9.2/24
ORPort 9001
EOF
"$BIN/chive-dataplane" -f "$IT_DIR/port.conf" >"$IT_DIR/dp-port.log" 2>&1 &
DPP_PID=$!
IT_PIDS+=("$DPP_PID")
dp_port_ready() { grep -q "ready: 1 lcores, segment /dev/shm/$PORTSHM" "$IT_DIR/dp-port.log"; }
if wait_until 20 dp_port_ready &&
	grep -q "port net_null0 (net_null): 10.9.9.2, MTU 1500" "$IT_DIR/dp-port.log"; then
	ok "dataplane_port_from_the_file"
else
	not_ok "dataplane_port_from_the_file" "$(grep -v '^EAL' "$IT_DIR/dp-port.log" | tail -5)"
fi
kill -INT "$DPP_PID"
if wait_exit "$DPP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_with_port_exits_0_on_sigint"
else
	not_ok "dataplane_with_port_exits_0_on_sigint" "rc=$IT_RC"
fi

# The dataplane alone refuses what only it cannot do: an ORPort without a port.
printf 'SharedMemoryName %s\nORPort 9001\n' "$BADSHM" >"$IT_DIR/orport.conf"
"$BIN/chive-dataplane" -f "$IT_DIR/orport.conf" >/dev/null 2>"$IT_DIR/err"
rc=$?
[ $rc -eq 2 ] && grep -qF "$IT_DIR/orport.conf: ORPort needs DPDKPort" "$IT_DIR/err" &&
	ok "dataplane_refuses_orport_without_port" ||
	not_ok "dataplane_refuses_orport_without_port" "rc=$rc" "$(cat "$IT_DIR/err")"

# --- bad files: both refuse them at start, FILE:LINE: reason on stderr, nothing created
# refused NAME FILE WANT: both binaries exit 2 with WANT on stderr (not stdout).
refused() {
	local name=$1 file=$2 want=$3 b rc
	for b in chive-dataplane chive-controlplane; do
		timeout 20 "$BIN/$b" -f "$file" >"$IT_DIR/out" 2>"$IT_DIR/err"
		rc=$?
		if [ $rc -eq 2 ] && grep -qF -- "$want" "$IT_DIR/err" && [ ! -s "$IT_DIR/out" ]; then
			ok "${b#chive-}_refuses_$name"
		else
			not_ok "${b#chive-}_refuses_$name" "rc=$rc want: $want" "$(cat "$IT_DIR/err")"
		fi
	done
	[ ! -e "/dev/shm/$BADSHM" ] && [ ! -e "/var/run/dpdk/chive-$BADSHM" ] &&
		ok "nothing_created_for_$name" || not_ok "nothing_created_for_$name"
}

BAD=$IT_DIR/bad.conf
printf 'SharedMemoryName %s\nHugePages 0\nNickname A\n# a comment\nNicknam B\n' "$BADSHM" >"$BAD"
refused "unknown_option" "$BAD" "$BAD:5: unknown option \"Nicknam\""

printf 'SharedMemoryName %s\nHugePages 0\n\nORPort 99999\n' "$BADSHM" >"$BAD"
refused "bad_port" "$BAD" "$BAD:4: ORPort: \"99999\" is not a port (1-65535)"

printf 'SharedMemoryName %s\nMemory lots\n' "$BADSHM" >"$BAD"
refused "bad_number" "$BAD" "$BAD:2: Memory: \"lots\" is not a number in 64-1048576"

printf 'SharedMemoryName %s\nExitRelay 1\n' "$BADSHM" >"$BAD"
refused "exit_relay" "$BAD" "$BAD:2: ExitRelay: Chive is not an exit relay yet (ExitRelay must be 0)"

printf 'SharedMemoryName %s\nNickname A\nNickname B\n' "$BADSHM" >"$BAD"
refused "repeated_option" "$BAD" "$BAD:3: Nickname given twice (lines 2 and 3)"

refused "missing_file" "$IT_DIR/nonexistent.conf" \
	"$IT_DIR/nonexistent.conf: No such file or directory"

# --- no arguments at all: /etc/chive/chive.conf
if [ -e /etc/chive/chive.conf ]; then
	ok "no_arguments_reads_etc_chive_chive_conf # SKIP /etc/chive/chive.conf exists here"
else
	for b in chive-dataplane chive-controlplane; do
		timeout 20 "$BIN/$b" >"$IT_DIR/out" 2>"$IT_DIR/err"
		rc=$?
		if [ $rc -eq 2 ] && grep -qF "/etc/chive/chive.conf: No such file or directory" "$IT_DIR/err"
		then
			ok "${b#chive-}_without_arguments_reads_etc_chive_chive_conf"
		else
			not_ok "${b#chive-}_without_arguments_reads_etc_chive_chive_conf" "rc=$rc" \
				"$(cat "$IT_DIR/err")"
		fi
	done
fi

it_finish
