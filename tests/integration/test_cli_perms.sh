#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Who may use chivectl: the CLI socket's permissions decide (issue 7). The
# control plane runs as root with --socket-mode 0660 (the default): another
# user (nobody) is refused by the kernel and chivectl says so and exits 1;
# root is served. With --socket-mode 0666 nobody is served too. Also: a
# missing socket, an unknown command and a bad argument each exit non-zero
# with a message.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (runs chivectl as another user)"
	it_finish
	exit 0
fi
# A directory everyone may traverse (IT_DIR itself is 0700).
SOCKDIR=$IT_DIR/pub
mkdir -m 0755 "$SOCKDIR"
chmod 0711 "$IT_DIR"
SOCK=$SOCKDIR/cli.sock
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

start_cp_mode() {
	"$BIN/chive-controlplane" --shm "chive-itperm-$$" --socket "$SOCK" --socket-mode "$1" \
		--data-dir "$IT_DIR/data" >>"$IT_DIR/cp.log" 2>&1 &
	CP_PID=$!
	IT_PIDS+=("$CP_PID")
	wait_until 20 test -S "$SOCK"
}

# ---- 0660, owned by root: nobody is refused ----
check "controlplane_up_0660" start_cp_mode 0660
mode=$(stat -c '%a %U' "$SOCK")
check "socket_is_0660_root" test "$mode" = "660 root"
"$BIN/chivectl" -s "$SOCK" -t 5 help >"$IT_DIR/root.out" 2>&1
check "root_is_served" grep -q 'show consensus' "$IT_DIR/root.out"
as_nobody "$BIN/chivectl" -s "$SOCK" -t 5 help >"$IT_DIR/nobody.out" 2>&1
rc=$?
check "nobody_exits_1" test "$rc" -eq 1
check "nobody_told_permission_denied" grep -qi 'permission denied' "$IT_DIR/nobody.out"
check "nobody_got_no_answer" sh -c "! grep -q 'show consensus' '$IT_DIR/nobody.out'"
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 20
check "controlplane_stopped" test "$IT_RC" -eq 0

# ---- 0666: nobody is served ----
check "controlplane_up_0666" start_cp_mode 0666
as_nobody "$BIN/chivectl" -s "$SOCK" -t 5 help >"$IT_DIR/nobody2.out" 2>&1
check "nobody_served_with_0666" grep -q 'show consensus' "$IT_DIR/nobody2.out"

# ---- errors ----
"$BIN/chivectl" -s "$SOCK" -t 5 frobnicate >"$IT_DIR/e1.out" 2>&1
rc=$?
check "unknown_command_exits_2" test "$rc" -eq 2
check "unknown_command_says_so" grep -qi 'unknown' "$IT_DIR/e1.out"
"$BIN/chivectl" -s "$SOCK" -t 5 circuit destroy nothex >"$IT_DIR/e2.out" 2>&1
rc=$?
check "bad_argument_exits_nonzero" test "$rc" -ne 0
check "bad_argument_has_a_message" test -s "$IT_DIR/e2.out"
"$BIN/chivectl" -s "$IT_DIR/nosuch.sock" -t 5 status >"$IT_DIR/e3.out" 2>&1
rc=$?
check "missing_socket_exits_1" test "$rc" -eq 1
check "missing_socket_names_it" grep -q 'nosuch.sock' "$IT_DIR/e3.out"
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 20
check "socket_removed_at_exit" test ! -e "$SOCK"
it_finish
