#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The three binaries together: chive-dataplane (2 lcores, no hugepages, no
# PCI), chive-controlplane and chivectl. Checks that `chivectl status`
# reports uptime, ABI version, the relay identity, both lcores and a ping
# round trip through the rings, and that the link credentials are installed
# on both lcores (again after either process restarts); that unloadable
# relay keys stop the controlplane; that either process can stop or crash
# and come back while the other keeps running; that a foreign segment is
# refused with a message naming the mismatch; and that SIGINT and SIGTERM
# leave no shm segment, hugepage file, socket or DPDK runtime directory
# behind.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-it-$$
SOCK=$IT_DIR/cli.sock
EAL=(--no-huge --no-pci -m 64 -l 0,1 --log-level=warning)
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)

status_ok() { "${CTL[@]}" status >"$IT_DIR/status.out" 2>&1; }

no_leftovers() {
	[ ! -e "/dev/shm/$SHM" ] && [ ! -e "/var/run/dpdk/chive-$SHM" ] &&
		! ls /dev/hugepages/chive-"$SHM"* >/dev/null 2>&1
}

# --- chivectl without a controlplane
out=$("${CTL[@]}" status 2>&1)
rc=$?
if [ $rc -eq 1 ] && [[ $out == *"cannot connect"*"is chive-controlplane running"* ]]; then
	ok "chivectl_without_controlplane_fails_clearly"
else
	not_ok "chivectl_without_controlplane_fails_clearly" "rc=$rc out=$out"
fi

# --- bad segment names are refused before anything is created
"$BIN/chive-dataplane" --no-huge --no-pci -- --shm ../../etc/x >"$IT_DIR/badname.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "invalid --shm name" "$IT_DIR/badname.log" &&
	ok "dataplane_refuses_bad_segment_name" || not_ok "dataplane_refuses_bad_segment_name" "rc=$rc"
"$BIN/chive-controlplane" --shm 'a/b' --socket "$SOCK" >"$IT_DIR/badname.log" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "invalid --shm name" "$IT_DIR/badname.log" &&
	ok "controlplane_refuses_bad_segment_name" || not_ok "controlplane_refuses_bad_segment_name" "rc=$rc"

# --- relay keys that cannot be loaded stop the controlplane before it listens
mkdir -p "$IT_DIR/badkeys/keys"
printf 'not a key' >"$IT_DIR/badkeys/keys/secret_id_key"
chmod 600 "$IT_DIR/badkeys/keys/secret_id_key"
"$BIN/chive-controlplane" --shm "$SHM" --socket "$SOCK" --data-dir "$IT_DIR/badkeys" \
	>"$IT_DIR/badkeys.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot load the relay keys from $IT_DIR/badkeys" "$IT_DIR/badkeys.log" &&
	[ ! -e "$SOCK" ]; then
	ok "controlplane_refuses_unloadable_keys"
else
	not_ok "controlplane_refuses_unloadable_keys" "rc=$rc" "$(cat "$IT_DIR/badkeys.log")"
fi

# --- start both; the controlplane may come first and waits for the dataplane
start_cp "$SHM" "$SOCK"
check "controlplane_listens" wait_until 10 test -S "$SOCK"
out=$("${CTL[@]}" status 2>&1)
rc=$?
if [ $rc -eq 1 ] && [[ $out == *"dataplane:     down"* ]]; then
	ok "status_before_dataplane_reports_down"
else
	not_ok "status_before_dataplane_reports_down" "rc=$rc out=$out"
fi

start_dp "$SHM" "${EAL[@]}"
DP1=$DP_PID
check "dataplane_creates_segment" wait_until 20 test -e "/dev/shm/$SHM"
check "status_succeeds_once_attached" wait_until 20 status_ok
cat "$IT_DIR/status.out"

out=$(cat "$IT_DIR/status.out")
[[ $out =~ abi\ version:\ +[0-9]+ ]] && ok "status_shows_abi_version" ||
	not_ok "status_shows_abi_version"
[[ $out == *"lcores:        2"* ]] && ok "status_shows_two_lcores" ||
	not_ok "status_shows_two_lcores"
[[ $out =~ controlplane:\ +up\ [0-9]+\.[0-9]\ s ]] && [[ $out =~ dataplane:\ +up\ [0-9]+\.[0-9]\ s,\ pid\ $DP1 ]] &&
	ok "status_shows_uptimes_and_dataplane_pid" || not_ok "status_shows_uptimes_and_dataplane_pid"
[[ $out =~ identity:\ +[0-9A-F]{40}\ ed25519\ [A-Za-z0-9+/]{43} ]] &&
	ok "status_shows_relay_identity" || not_ok "status_shows_relay_identity"
# Every lcore answered the install (these lcores have no port, so no channels:
# "installed on 0/0 lcores (2 without channels)"; with ports "2/2").
creds_installed() { "${CTL[@]}" status 2>&1 | grep -qE "installed on ([0-9]+)/\1 lcores"; }
check "link_credentials_installed_on_every_lcore" wait_until 20 creds_installed
rows=$(grep -cE '^[01] +[01] +[0-9]+\.[0-9] +[0-9]+$' <<<"$out")
[ "$rows" -eq 2 ] && ok "status_shows_ping_rtt_for_each_lcore" ||
	not_ok "status_shows_ping_rtt_for_each_lcore" "rows=$rows"

out=$("${CTL[@]}" help 2>&1)
[[ $out == *"status"* && $out == *"help"* ]] && ok "help_lists_commands" || not_ok "help_lists_commands"
"${CTL[@]}" no-such-command >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "unknown_command_exits_2" || not_ok "unknown_command_exits_2" "rc=$rc"
"$BIN/chivectl" >/dev/null 2>&1
rc=$?
[ $rc -eq 2 ] && ok "chivectl_without_command_exits_2" || not_ok "chivectl_without_command_exits_2" "rc=$rc"

# --- the controlplane crashes and restarts; the dataplane keeps running
kill -KILL "$CP_PID"
wait_exit "$CP_PID" 5
start_cp "$SHM" "$SOCK"
check "restarted_controlplane_reattaches" wait_until 20 status_ok
[[ $(cat "$IT_DIR/status.out") == *"pid $DP1"* ]] && ok "dataplane_survived_controlplane_crash" ||
	not_ok "dataplane_survived_controlplane_crash"
check "restarted_controlplane_installs_credentials_again" wait_until 20 creds_installed

# --- SIGINT stops the dataplane cleanly; the controlplane notices
kill -INT "$DP1"
if wait_exit "$DP1" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_exits_0_on_sigint"
else
	not_ok "dataplane_exits_0_on_sigint" "rc=$IT_RC"
fi
check "sigint_leaves_no_segment_hugepage_or_runtime_dir" no_leftovers
out=$("${CTL[@]}" status 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"dataplane:     down"* ]] && ok "controlplane_reports_stopped_dataplane" ||
	not_ok "controlplane_reports_stopped_dataplane" "rc=$rc out=$out"

# --- a new dataplane is picked up without restarting the controlplane
start_dp "$SHM" "${EAL[@]}"
DP2=$DP_PID
check "controlplane_attaches_to_new_dataplane" wait_until 20 status_ok
[[ $(cat "$IT_DIR/status.out") == *"pid $DP2"* ]] && ok "status_names_the_new_dataplane" ||
	not_ok "status_names_the_new_dataplane"
check "new_dataplane_gets_the_credentials" wait_until 20 creds_installed

# --- SIGKILL leaves a stale segment; the next dataplane replaces it
kill -KILL "$DP2"
wait_exit "$DP2" 5
check "killed_dataplane_leaves_stale_segment" test -e "/dev/shm/$SHM"
start_dp "$SHM" "${EAL[@]}"
DP3=$DP_PID
check "new_dataplane_replaces_stale_segment" wait_until 20 status_ok
[[ $(cat "$IT_DIR/status.out") == *"pid $DP3"* ]] && ok "status_names_the_replacement_dataplane" ||
	not_ok "status_names_the_replacement_dataplane"

# --- a second dataplane on the same segment name is refused while one runs
"$BIN/chive-dataplane" "${EAL[@]}" --file-prefix="chive-$SHM-dup" -- --shm "$SHM" \
	>"$IT_DIR/dup.log" 2>&1 &
DUP=$!
IT_PIDS+=("$DUP")
if wait_exit "$DUP" 20 && [ "$IT_RC" -eq 1 ] && grep -q "belongs to a running dataplane" "$IT_DIR/dup.log"; then
	ok "second_dataplane_on_same_segment_is_refused"
else
	not_ok "second_dataplane_on_same_segment_is_refused" "rc=$IT_RC" "$(cat "$IT_DIR/dup.log")"
fi
rm -rf "/var/run/dpdk/chive-$SHM-dup"
check "refused_dataplane_left_running_one_intact" status_ok

# --- SIGTERM stops both cleanly
kill -TERM "$CP_PID"
if wait_exit "$CP_PID" 10 && [ "$IT_RC" -eq 0 ]; then
	ok "controlplane_exits_0_on_sigterm"
else
	not_ok "controlplane_exits_0_on_sigterm" "rc=$IT_RC"
fi
check "controlplane_removes_its_socket" test ! -e "$SOCK"
kill -TERM "$DP3"
if wait_exit "$DP3" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_exits_0_on_sigterm"
else
	not_ok "dataplane_exits_0_on_sigterm" "rc=$IT_RC"
fi
check "sigterm_leaves_no_segment_hugepage_or_runtime_dir" no_leftovers

# --- no hugepage options at all: with none reserved it runs from ordinary memory
start_cp "$SHM" "$SOCK"
start_dp "$SHM" --no-pci -l 0 --log-level=warning
DP4=$DP_PID
check "dataplane_starts_without_memory_options" wait_until 20 status_ok
kill -INT "$DP4"
if wait_exit "$DP4" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_without_memory_options_stops_cleanly"
else
	not_ok "dataplane_without_memory_options_stops_cleanly" "rc=$IT_RC"
fi
check "no_leftovers_without_memory_options" no_leftovers
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 10

# --- a foreign segment is refused, and the reason names the mismatch
BAD=$SHM-bad
IT_SHMS+=("$BAD")
python3 -c 'import sys; sys.stdout.buffer.write(b"NOTCHIVE" + bytes(4088))' >"/dev/shm/$BAD"
start_cp "$BAD" "$SOCK"
check "controlplane_listens_with_foreign_segment" wait_until 10 test -S "$SOCK"
wait_until 10 grep -q "cannot attach" "$IT_DIR/cp-$BAD.log"
out=$("${CTL[@]}" status 2>&1)
rc=$?
[ $rc -eq 1 ] && [[ $out == *"bad magic"* ]] && ok "foreign_segment_refused_with_bad_magic" ||
	not_ok "foreign_segment_refused_with_bad_magic" "rc=$rc out=$out"
grep -q "\[err\] cp.dp: cannot attach: bad magic" "$IT_DIR/cp-$BAD.log" &&
	ok "controlplane_logs_the_mismatch_once" || not_ok "controlplane_logs_the_mismatch_once"
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 10

it_finish
