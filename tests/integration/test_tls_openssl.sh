#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Chive's TLS (dataplane/tls/, over Chive's TCP) against OpenSSL and Python
# on the Linux kernel's TCP. In a network namespace made here: a veth pair,
# the kernel on one end (10.79.0.1), chive-dataplane on the other through
# DPDK's af_packet PMD (10.79.0.2). Checks:
#   (a) chive --tls-echo against `openssl s_client` (TLS 1.2 and 1.3 forced):
#       a few MiB round trip, SHA-256 equal;
#   (b) what a tor 0.4.9 peer relies on, as s_client sees it: TLS 1.3 picks
#       TLS_AES_256_GCM_SHA384 with X25519; one certificate sent; no client
#       certificate asked for; no compression; no resumption; no DHE; P-224
#       accepted when it is all a client offers;
#   (c) chive --tls-client against a python3 `ssl` echo server (TLS 1.2 and
#       1.3 forced on the server): every byte back and checked, SNI
#       www.<random>.com, close_notify.
# Every wait is bounded; everything started here is removed on exit.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/integration/lib.sh

NS=chive-tls-$$
SHM=chive-it-tls-$$
SOCK=$IT_DIR/cli.sock
KIP=10.79.0.1
CIP=10.79.0.2
PORT=4433
BULK=$((4 << 20))
CONNS=4
CBYTES=$((2 << 20))
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)
NSX=(ip netns exec "$NS")

cleanup_ns() { ip netns del "$NS" 2>/dev/null; }
trap 'it_cleanup; cleanup_ns' EXIT

counter() { "${CTL[@]}" counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
# counter_is NAME VALUE: read afresh on every call (for wait_until).
counter_is() { test "$(counter "$1")" = "$2"; }

# start_chive [extra dataplane options...]: (re)start the dataplane in the namespace.
start_chive() {
	if [ -n "${DP_PID:-}" ] && kill -0 "$DP_PID" 2>/dev/null; then
		kill -INT "$DP_PID"
		wait_exit "$DP_PID" 20
	fi
	IT_SHMS+=("$SHM")
	"${NSX[@]}" "$BIN/chive-dataplane" --no-huge --no-pci -l 0 -m 512 \
		--log-level=warning --file-prefix="chive-$SHM" \
		--vdev=net_af_packet0,iface=vchive,framecnt=4096,blocksz=4096,framesz=2048,qpairs=1 \
		-- --shm "$SHM" --port net_af_packet0 --ip "$CIP/24" --mbufs 65535 "$@" \
		>>"$IT_DIR/dp.log" 2>&1 &
	DP_PID=$!
	IT_PIDS+=("$DP_PID")
	wait_until 30 "${CTL[@]}" status
}

# probe NAME PATTERN S_CLIENT_ARGS...: one short s_client session; ok if its output matches.
probe() {
	local name=$1 pat=$2 out
	shift 2
	out=$(echo Q | timeout 20 "${NSX[@]}" openssl s_client -connect "$CIP:$PORT" "$@" 2>&1)
	if grep -qE -- "$pat" <<<"$out"; then
		ok "$name"
	else
		not_ok "$name" "no match for '$pat' in:" "$(tail -15 <<<"$out")"
	fi
}

# s_client_bulk VERSION_FLAG: send $BULK bytes through s_client, compare the echo by SHA-256.
s_client_bulk() {
	local v=$1 name=$2 out=$IT_DIR/echo$1.bin pid deadline size=0
	: >"$out"
	"${NSX[@]}" openssl s_client -quiet -connect "$CIP:$PORT" "$v" <"$IT_DIR/bulk.bin" \
		>"$out" 2>"$IT_DIR/s_client$v.err" &
	pid=$!
	IT_PIDS+=("$pid")
	deadline=$((SECONDS + 120))
	while [ $SECONDS -lt $deadline ] && kill -0 "$pid" 2>/dev/null; do
		size=$(stat -c %s "$out")
		[ "$size" -ge "$BULK" ] && break
		sleep 0.2
	done
	size=$(stat -c %s "$out")
	kill -TERM "$pid" 2>/dev/null
	wait_exit "$pid" 10
	if [ "$size" -eq "$BULK" ] &&
		[ "$(sha256sum <"$out" | cut -d' ' -f1)" = "$(sha256sum <"$IT_DIR/bulk.bin" | cut -d' ' -f1)" ]; then
		ok "$name"
		echo "    $((BULK >> 20)) MiB echoed, SHA-256 equal"
	else
		not_ok "$name" "received $size of $BULK bytes" "$(tail -5 "$IT_DIR/s_client$v.err")" \
			"$(tail -5 "$IT_DIR/dp.log")"
	fi
}

if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: needs root (network namespace, veth, raw sockets)"
	it_finish
	exit 0
fi
for tool in openssl python3; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "tool_$tool" "$tool not installed"
		it_finish
		exit 1
	fi
done

ip netns add "$NS" || { not_ok "netns_created"; it_finish; exit 1; }
it_veth "$NS" vkern "$KIP/24" vchive

head -c "$BULK" /dev/urandom >"$IT_DIR/bulk.bin"

start_cp "$SHM" "$SOCK"
start_chive --tls-echo "$PORT"
check "chive_up_with_tls_echo" wait_until 30 "${CTL[@]}" status

# (a)
s_client_bulk -tls1_3 "s_client_tls13_echo_sha256_equal"
s_client_bulk -tls1_2 "s_client_tls12_echo_sha256_equal"
check "chive_negotiated_tls13" test "$(counter /dp/tls/v13)" -ge 1
check "chive_negotiated_tls12" test "$(counter /dp/tls/v12)" -ge 1

# (b)
probe "tls13_picks_aes256_gcm_like_tor" "Cipher is TLS_AES_256_GCM_SHA384" -tls1_3
probe "tls13_key_share_x25519" "Server Temp Key: X25519" -tls1_3
probe "tls12_picks_ecdhe_rsa_aes256_gcm" "Cipher is ECDHE-RSA-AES256-GCM-SHA384" -tls1_2
probe "server_asks_no_client_certificate" "No client certificate CA names sent" -tls1_3
probe "no_compression" "Compression: NONE" -tls1_2
probe "p224_accepted_when_only_offer" "Server Temp Key: ECDH, (P-224|secp224r1)" -tls1_2 -groups P-224
out=$(echo Q | timeout 20 "${NSX[@]}" openssl s_client -connect "$CIP:$PORT" -showcerts 2>&1)
n=$(grep -c "BEGIN CERTIFICATE" <<<"$out")
check "server_sends_one_certificate" test "$n" -eq 1
out=$(echo Q | timeout 20 "${NSX[@]}" openssl s_client -connect "$CIP:$PORT" -tls1_2 \
	-cipher DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA 2>&1)
if grep -q "Cipher is (NONE)" <<<"$out" || grep -q "alert handshake failure" <<<"$out"; then
	ok "dhe_only_client_refused"
else
	not_ok "dhe_only_client_refused" "$(tail -5 <<<"$out")"
fi
for v in -tls1_2 -tls1_3; do
	out=$(echo Q | timeout 40 "${NSX[@]}" openssl s_client -connect "$CIP:$PORT" "$v" -reconnect 2>&1)
	if grep -q "^New, " <<<"$out" && ! grep -q "^Reused, " <<<"$out"; then
		ok "no_resumption$v"
	else
		not_ok "no_resumption$v" "$(grep -E '^(New|Reused),' <<<"$out")"
	fi
done
check "handshakes_counted_on_chive" test "$(counter /dp/tls/hs_done_server)" -ge 10
check "refused_handshake_counted" test "$(counter /dp/tls/hs_fail_server_protocol)" -ge 1

# (c) chive's TLS client against a Python ssl echo server, per version.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$IT_DIR/srv.key" -out "$IT_DIR/srv.crt" \
	-subj "/CN=www.example.net" -days 2 >/dev/null 2>&1
cat >"$IT_DIR/tls_echo.py" <<'EOF'
import re, socket, ssl, sys, threading
host, port, conns, version, crt, key, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], sys.argv[5], sys.argv[6], float(sys.argv[7])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
v = ssl.TLSVersion.TLSv1_2 if version == "1.2" else ssl.TLSVersion.TLSv1_3
ctx.minimum_version = v
ctx.maximum_version = v
ctx.load_cert_chain(crt, key)
snis, results, lock = [], [], threading.Lock()
def on_sni(sock, name, c):
    with lock:
        snis.append(name)
ctx.sni_callback = on_sni
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind((host, port))
ls.listen(conns)
ls.settimeout(timeout)
print("READY", flush=True)
def serve(c):
    total, ver = 0, ""
    try:
        c.settimeout(timeout)
        s = ctx.wrap_socket(c, server_side=True)
        ver = s.version()
        while True:
            d = s.recv(65536)
            if not d:
                break
            s.sendall(d)
            total += len(d)
        try:
            s.unwrap()
        except (OSError, ssl.SSLError):
            pass
        s.close()
    except Exception as e:  # report, do not hang
        total, ver = -1, repr(e)
    with lock:
        results.append((total, ver))
threads = []
try:
    for _ in range(conns):
        c, _ = ls.accept()
        t = threading.Thread(target=serve, args=(c,), daemon=True)
        t.start()
        threads.append(t)
except socket.timeout:
    pass
for t in threads:
    t.join(timeout)
want = "TLSv1.2" if version == "1.2" else "TLSv1.3"
good = len(results) == conns and all(r[0] > 0 and r[1] == want for r in results) and \
    len(snis) == conns and all(n and re.fullmatch(r"www\.[a-z2-7]{8,20}\.com", n) for n in snis)
print(("OK" if good else "FAIL"), "results=%s sni=%s" % (results, snis), flush=True)
sys.exit(0 if good else 1)
EOF
for ver in 1.2 1.3; do
	sport=$((9400 + ${ver#1.}))
	timeout 150 "${NSX[@]}" python3 "$IT_DIR/tls_echo.py" "$KIP" "$sport" "$CONNS" "$ver" \
		"$IT_DIR/srv.crt" "$IT_DIR/srv.key" 120 >"$IT_DIR/py$ver.log" 2>&1 &
	SRV=$!
	IT_PIDS+=("$SRV")
	wait_until 10 grep -q READY "$IT_DIR/py$ver.log"
	start_chive --tls-client "$KIP:$sport:$CONNS:$CBYTES"
	if wait_until 120 counter_is /dp/diag/tls_client_done "$CONNS"; then
		ok "chive_tls_client_tls${ver}_every_byte_back"
	else
		not_ok "chive_tls_client_tls${ver}_every_byte_back" \
			"done=$(counter /dp/diag/tls_client_done) failed=$(counter /dp/diag/tls_client_failed)" \
			"$(tail -3 "$IT_DIR/py$ver.log")" "$(tail -5 "$IT_DIR/dp.log")"
	fi
	check "chive_tls_client_tls${ver}_no_bad_byte" test "$(counter /dp/diag/tls_client_bad_bytes)" = "0"
	check "chive_tls_client_tls${ver}_none_failed" test "$(counter /dp/diag/tls_client_failed)" = "0"
	check "chive_tls_client_tls${ver}_version_counted" \
		test "$(counter "/dp/tls/v1${ver#1.}")" = "$CONNS"
	if wait_exit "$SRV" 60 && [ "$IT_RC" -eq 0 ]; then
		ok "python_tls${ver}_server_saw_random_sni_and_close_notify"
		sed 's/^/    /' "$IT_DIR/py$ver.log" | grep OK
	else
		not_ok "python_tls${ver}_server_saw_random_sni_and_close_notify" \
			"rc=${IT_RC:-?}" "$(cat "$IT_DIR/py$ver.log")"
	fi
done

kill -INT "$DP_PID"
if wait_exit "$DP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "dataplane_stops_cleanly"
else
	not_ok "dataplane_stops_cleanly" "rc=$IT_RC" "$(tail -5 "$IT_DIR/dp.log")"
fi
check "no_segment_or_runtime_dir_left" test ! -e "/dev/shm/$SHM" -a ! -e "/var/run/dpdk/chive-$SHM"
kill -TERM "$CP_PID"
wait_exit "$CP_PID" 10

it_finish
