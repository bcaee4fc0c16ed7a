#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The MetricsPort (controlplane/metrics/) on a running pair: a dataplane
# with two lcores and no NIC or hugepages, and a controlplane with
# `--metrics-port 127.0.0.1:PORT --metrics-policy "accept 127.0.0.1"`.
# Checks that GET /metrics answers 200 in the text format 0.0.4, that
# `promtool check metrics` (Debian's prometheus package) finds no error and
# no lint problem besides tor's own name quirks, reproduced on purpose;
# that a counter the dataplane increments (/dp/ipc/cmd_rx, one per ping
# of `chivectl status`; /dp/lcore/iterations per lcore) shows the same
# values in `chivectl counters` and in the scrape; that each lcore's
# recent busy ratio (chive_lcore_busy_ratio{lcore,window}) is there for
# every lcore and window, within [0, 1]; that tor's names are
# there; that other paths, methods and malformed requests get 404, 405 and
# 400; that a client the policy does not accept (one connecting from
# 127.0.0.2) is closed with no answer, and so is everyone when no policy is
# set (tor's default); that connections are bounded in number and slow
# clients dropped; that a controlplane whose MetricsPort (here from a
# config file) cannot be bound refuses to start; that a port's counters,
# per-queue counters and extended stats (chive_port_xstat{port,name}) are
# scraped, and chivectl lists the same xstats; that cells show up by
# command and direction in chive_cells_total once a client built a circuit
# (as root: a network namespace); and that SIGINT leaves nothing listening.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

SHM=chive-itmx-$$
SOCK=$IT_DIR/cli.sock
EAL=(--no-huge --no-pci -m 64 -l 0,1 --log-level=warning)
CTL=("$BIN/chivectl" -s "$SOCK" -t 5)

# Two free TCP ports on 127.0.0.1 (the kernel picks them).
read -r PORT PORT2 < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])')
URL=http://127.0.0.1:$PORT/metrics

status_ok() { "${CTL[@]}" status >"$IT_DIR/status.out" 2>&1; }
scrape() { curl -s -S -m 5 -o "$IT_DIR/scrape.txt" -D "$IT_DIR/scrape.hdr" "$URL"; }
# ctl_value NAME: the value `chivectl counters NAME` prints for exactly NAME.
ctl_value() { "${CTL[@]}" counters "$1" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }
# scrape_value SAMPLE: the value of the sample line that starts with SAMPLE.
scrape_value() { awk -v s="$1" 'index($0, s " ") == 1 { print $NF }' "$IT_DIR/scrape.txt"; }
# raw REQUEST [SOURCE]: send REQUEST bytes from SOURCE (an address) and print the
# answer's status line, "EOF" if the connection closed with no answer, "RESET" if reset.
raw() {
	python3 - "$PORT" "$1" "${2:-127.0.0.1}" <<'EOF'
import socket, sys
port, req, src = int(sys.argv[1]), sys.argv[2].encode().decode("unicode_escape"), sys.argv[3]
s = socket.socket()
s.settimeout(5)
s.bind((src, 0))
s.connect(("127.0.0.1", port))
data = b""
try:
    s.sendall(req.encode("latin-1"))
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
except ConnectionResetError:
    print("RESET" if not data else data.split(b"\r\n")[0].decode())
    sys.exit(0)
print(data.split(b"\r\n")[0].decode() if data else "EOF")
EOF
}

# --- the pair, the MetricsPort on the command line
start_dp "$SHM" "${EAL[@]}"
"$BIN/chive-controlplane" --shm "$SHM" --socket "$SOCK" --log-level info \
	--data-dir "$IT_DIR/data" --metrics-port "127.0.0.1:$PORT" \
	--metrics-policy "accept 127.0.0.1" >"$IT_DIR/cp.log" 2>&1 &
CP_PID=$!
IT_PIDS+=("$CP_PID")
check "controlplane_attaches_to_the_dataplane" wait_until 20 status_ok
grep -q "cp.metrics: MetricsPort on 127.0.0.1:$PORT$" "$IT_DIR/cp.log" &&
	ok "controlplane_logs_its_metrics_port" ||
	not_ok "controlplane_logs_its_metrics_port" "$(grep metrics "$IT_DIR/cp.log")"

# --- a scrape: 200, the text format, HELP and TYPE
if scrape && head -1 "$IT_DIR/scrape.hdr" | grep -q "^HTTP/1.0 200 OK"; then
	ok "get_metrics_answers_200"
else
	not_ok "get_metrics_answers_200" "$(cat "$IT_DIR/scrape.hdr" 2>/dev/null)"
fi
grep -qi "^Content-Type: text/plain; version=0.0.4; charset=utf-8" "$IT_DIR/scrape.hdr" &&
	ok "content_type_is_text_format_0_0_4" ||
	not_ok "content_type_is_text_format_0_0_4" "$(cat "$IT_DIR/scrape.hdr")"
grep -qx "# TYPE chive_dp_tls_rx_wire_bytes_total counter" "$IT_DIR/scrape.txt" &&
	grep -qx "# TYPE chive_dp_chan_open gauge" "$IT_DIR/scrape.txt" &&
	grep -q "^# HELP chive_dp_chan_open channels open now (/dp/chan/open)$" "$IT_DIR/scrape.txt" &&
	ok "dataplane_counters_with_help_and_type" || not_ok "dataplane_counters_with_help_and_type"
grep -qx "# TYPE chive_cp_onionq_requested_total counter" "$IT_DIR/scrape.txt" &&
	grep -qx "# TYPE chive_cp_onionq_pending gauge" "$IT_DIR/scrape.txt" &&
	ok "controlplane_counters_are_there" || not_ok "controlplane_counters_are_there"
dups=$(grep '^# TYPE ' "$IT_DIR/scrape.txt" | awk '{ print $3 }' | sort | uniq -d)
[ -z "$dups" ] && ok "one_type_line_per_family" || not_ok "one_type_line_per_family" "$dups"

# --- promtool: no parse error; lint findings only where tor's names demand them
# promtool_ok NAME: `promtool check metrics` on the last scrape.
promtool_ok() {
	if ! command -v promtool >/dev/null 2>&1; then
		ok "$1 # SKIP promtool not installed (Debian: prometheus)"
		return
	fi
	promtool check metrics <"$IT_DIR/scrape.txt" >"$IT_DIR/promtool.out" 2>&1
	rc=$?
	# tor's own quirks (a gauge named _total, a counter without it), kept so
	# that dashboards keyed on tor's names work; and promtool reading "not_us"
	# ("not for us") as microseconds.
	unexpected=$(grep -v -e '^tor_relay_circuits_total non-counter metrics should not have "_total" suffix$' \
		-e '^tor_relay_traffic_bytes counter metrics should have "_total" suffix$' \
		-e '^chive_dp_[a-z]*_drop_not_us_total metric names should not contain abbreviated units$' \
		"$IT_DIR/promtool.out")
	if { [ $rc -eq 0 ] || [ $rc -eq 3 ]; } && [ -z "$unexpected" ]; then
		ok "$1"
	else
		not_ok "$1" "rc=$rc" "$unexpected"
	fi
}
promtool_ok "promtool_check_metrics_passes"

# --- a counter the dataplane increments, the same in chivectl and the scrape
before=$(ctl_value /dp/ipc/cmd_rx)
"${CTL[@]}" status >/dev/null 2>&1 # one PING per lcore
# A loaded machine may answer `status` before an lcore took its PING: wait for both.
pinged() { [ "$(ctl_value /dp/ipc/cmd_rx)" -ge $((before + 2)) ]; }
wait_until 10 pinged
c1=$(ctl_value /dp/ipc/cmd_rx)
scrape
s1=$(scrape_value chive_dp_ipc_cmd_rx_total)
c2=$(ctl_value /dp/ipc/cmd_rx)
if [ -n "$before" ] && [ -n "$s1" ] && [ "$c1" -ge $((before + 2)) ] && [ "$c1" -le "$s1" ] &&
	[ "$s1" -le "$c2" ]; then
	ok "pinged_counter_same_in_chivectl_and_scrape"
else
	not_ok "pinged_counter_same_in_chivectl_and_scrape" "before=$before chivectl=$c1 scrape=$s1 chivectl=$c2"
fi
c1=$(ctl_value /dp/lcore/iterations)
scrape
l0=$(scrape_value 'chive_dp_lcore_iterations_total{lcore="0"}')
l1=$(scrape_value 'chive_dp_lcore_iterations_total{lcore="1"}')
c2=$(ctl_value /dp/lcore/iterations)
if [ -n "$l0" ] && [ -n "$l1" ] && [ "$l0" -gt 0 ] && [ "$l1" -gt 0 ] &&
	[ "$c1" -le $((l0 + l1)) ] && [ $((l0 + l1)) -le "$c2" ]; then
	ok "lcore_iterations_per_lcore_sum_to_chivectls"
else
	not_ok "lcore_iterations_per_lcore_sum_to_chivectls" "chivectl=$c1 lcore0=$l0 lcore1=$l1 chivectl=$c2"
fi
grep -qx 'chive_dp_lcore_info{lcore="1",lcore_id="1"} 1' "$IT_DIR/scrape.txt" &&
	grep -qx 'chive_dataplane_up 1' "$IT_DIR/scrape.txt" &&
	ok "lcore_info_and_dataplane_up" || not_ok "lcore_info_and_dataplane_up"

# --- each lcore's recent busy ratio, by window (sampled once a second: known within seconds)
# busy_ratios: the scrape has chive_lcore_busy_ratio for lcores 0 and 1 and every window, each in [0, 1].
busy_ratios() {
	python3 - "$IT_DIR/scrape.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
got = {}
for m in re.finditer(r'^chive_lcore_busy_ratio\{lcore="(\d+)",window="(\d+s)"\} (\S+)$', text, re.M):
    got[(m.group(1), m.group(2))] = float(m.group(3))
want = {(l, w) for l in ("0", "1") for w in ("1s", "10s", "60s")}
ok = (set(got) == want and all(0.0 <= v <= 1.0 for v in got.values()) and
      "# TYPE chive_lcore_busy_ratio gauge\n" in text and "# HELP chive_lcore_busy_ratio " in text)
sys.exit(0 if ok else 1)
EOF
}
scrape_busy() { scrape && busy_ratios; }
if wait_until 10 scrape_busy; then
	ok "lcore_busy_ratio_per_lcore_and_window"
else
	not_ok "lcore_busy_ratio_per_lcore_and_window" "$(grep chive_lcore_busy_ratio "$IT_DIR/scrape.txt")"
fi
promtool_ok "promtool_check_metrics_passes_with_busy_ratios"

# --- tor's names
grep -qx '# TYPE tor_relay_load_onionskins_total counter' "$IT_DIR/scrape.txt" &&
	grep -qE '^tor_relay_load_onionskins_total\{type="ntor_v3",action="processed"\} [0-9]+$' \
		"$IT_DIR/scrape.txt" &&
	grep -qE '^tor_relay_load_onionskins_total\{type="ntor_v3",action="dropped"\} [0-9]+$' \
		"$IT_DIR/scrape.txt" &&
	ok "tor_onionskins_metric" || not_ok "tor_onionskins_metric"
grep -qx 'tor_relay_circuits_total{state="opened"} 0' "$IT_DIR/scrape.txt" &&
	grep -qE '^tor_relay_traffic_bytes\{direction="written"\} [0-9]+$' "$IT_DIR/scrape.txt" &&
	grep -qE '^tor_relay_connections_total\{type="OR",direction="received",state="created",family="ipv4"\} [0-9]+$' \
		"$IT_DIR/scrape.txt" &&
	ok "tor_circuits_traffic_connections_metrics" || not_ok "tor_circuits_traffic_connections_metrics"

# --- other requests
r=$(curl -s -o /dev/null -w '%{http_code}' -m 5 "http://127.0.0.1:$PORT/")
[ "$r" = 404 ] && ok "other_path_is_404" || not_ok "other_path_is_404" "$r"
r=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -X POST "$URL")
[ "$r" = 405 ] && ok "post_is_405" || not_ok "post_is_405" "$r"
r=$(raw 'garbage\r\n\r\n')
[ "$r" = "HTTP/1.0 400 Bad Request" ] && ok "garbage_is_400" || not_ok "garbage_is_400" "$r"
r=$(raw 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n')
[ "$r" = "HTTP/1.0 200 OK" ] && ok "raw_http11_request_is_200" || not_ok "raw_http11_request_is_200" "$r"

# --- MetricsPortPolicy: 127.0.0.2 is not accepted, closed with no answer
r=$(raw 'GET /metrics HTTP/1.0\r\n\r\n' 127.0.0.2)
[ "$r" = EOF ] || [ "$r" = RESET ] && ok "client_the_policy_rejects_gets_no_answer" ||
	not_ok "client_the_policy_rejects_gets_no_answer" "$r"
n=$(ctl_value /cp/metrics/policy_rejected)
s=$(ctl_value /cp/metrics/scrapes)
[ "${n:-0}" -ge 1 ] && [ "${s:-0}" -ge 3 ] && ok "chivectl_shows_the_metrics_counters" ||
	not_ok "chivectl_shows_the_metrics_counters" "policy_rejected=$n scrapes=$s"

# --- tor's default: no MetricsPortPolicy rejects everyone (a second controlplane)
"$BIN/chive-controlplane" --shm "$SHM" --socket "$IT_DIR/cli2.sock" --data-dir "$IT_DIR/data2" \
	--metrics-port "$PORT2" >"$IT_DIR/cp2.log" 2>&1 &
CP2=$!
IT_PIDS+=("$CP2")
if wait_until 20 test -S "$IT_DIR/cli2.sock"; then
	curl -s -m 5 -o /dev/null "http://127.0.0.1:$PORT2/metrics"
	rc=$?
	# 52: empty reply; 56: reset (the request was unread when the server closed)
	[ $rc -eq 52 ] || [ $rc -eq 56 ] && ok "no_policy_rejects_everyone" ||
		not_ok "no_policy_rejects_everyone" "curl rc=$rc"
	grep -q "MetricsPort on 127.0.0.1:$PORT2; MetricsPortPolicy accepts no one" "$IT_DIR/cp2.log" &&
		ok "no_policy_is_logged" || not_ok "no_policy_is_logged" "$(cat "$IT_DIR/cp2.log")"
else
	not_ok "no_policy_rejects_everyone" "$(cat "$IT_DIR/cp2.log")"
fi
kill -INT "$CP2"
wait_exit "$CP2" 10

# --- a MetricsPort (from the config file) that cannot be bound stops the start
cat >"$IT_DIR/busy.conf" <<EOF
SharedMemoryName $SHM
CliSocket $IT_DIR/cli3.sock
DataDirectory $IT_DIR/data2
MetricsPort 127.0.0.1:$PORT prometheus
MetricsPortPolicy accept 127.0.0.1
EOF
timeout 20 "$BIN/chive-controlplane" -f "$IT_DIR/busy.conf" >"$IT_DIR/cp3.log" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "cannot listen on MetricsPort 127.0.0.1:$PORT: Address already in use" \
	"$IT_DIR/cp3.log" && [ ! -e "$IT_DIR/cli3.sock" ]; then
	ok "unbindable_metrics_port_refuses_start"
else
	not_ok "unbindable_metrics_port_refuses_start" "rc=$rc" "$(tail -3 "$IT_DIR/cp3.log")"
fi

# --- bounds: 16 connections at most; slow clients are dropped (10 s)
python3 - "$PORT" >"$IT_DIR/slow.out" 2>&1 <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
conns = []
t0 = time.time()
for _ in range(16):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /metr")
    conns.append(s)
time.sleep(0.5)
extra = socket.create_connection(("127.0.0.1", port))
extra.settimeout(3)
try:
    print("17th:", "EOF" if extra.recv(100) == b"" else "DATA")
except ConnectionResetError:
    print("17th: EOF")
except socket.timeout:
    print("17th: OPEN")
for s in conns:
    s.settimeout(20)
got = b""
for s in conns:
    try:
        got += s.recv(100)
    except (ConnectionResetError, socket.timeout):
        pass
print("slow closed after %.1f s, %d bytes" % (time.time() - t0, len(got)))
EOF
cat "$IT_DIR/slow.out"
grep -qx "17th: EOF" "$IT_DIR/slow.out" && ok "connection_over_the_limit_is_closed" ||
	not_ok "connection_over_the_limit_is_closed" "$(cat "$IT_DIR/slow.out")"
if [[ $(cat "$IT_DIR/slow.out") =~ slow\ closed\ after\ ([0-9]+)\.[0-9]\ s,\ 0\ bytes ]] &&
	[ "${BASH_REMATCH[1]}" -ge 8 ] && [ "${BASH_REMATCH[1]}" -le 15 ]; then
	ok "slow_clients_are_dropped"
else
	not_ok "slow_clients_are_dropped" "$(cat "$IT_DIR/slow.out")"
fi
n=$(ctl_value /cp/metrics/timeouts)
r=$(ctl_value /cp/metrics/conn_refused)
[ "${n:-0}" -eq 16 ] && [ "${r:-0}" -ge 1 ] && ok "timeouts_and_refusals_are_counted" ||
	not_ok "timeouts_and_refusals_are_counted" "timeouts=$n conn_refused=$r"
check "scrapes_work_again_afterwards" scrape

# --- the dataplane again, with a port (net_null: no NIC, every packet sent is
# counted by the PMD): the port's identity, link, NIC and per-queue counters
# and its extended stats appear, fetched from the dataplane every 5 s, and
# chivectl lists the same extended stats.
kill -INT "$DP_PID"
wait_exit "$DP_PID" 20
"$BIN/chive-dataplane" --no-huge --no-pci -m 512 -l 0,1 --log-level=warning \
	--vdev=net_null0,no-rx=1 -- --shm "$SHM" --port net_null0 --ip 10.98.0.2/24 --mbufs 8191 \
	>>"$IT_DIR/dp2.log" 2>&1 &
DP_PID=$!
IT_PIDS+=("$DP_PID")
port_scraped() { scrape && grep -q '^chive_port_tx_packets_total{port="net_null0"} [1-9]' "$IT_DIR/scrape.txt"; }
# The dataplane's gratuitous ARP at start is a packet the NIC sent.
check "port_counters_scraped" wait_until 30 port_scraped
check "port_info_scraped" grep -qE '^chive_port_info\{port="net_null0",mac="([0-9a-f]{2}:){5}[0-9a-f]{2}",mtu="1500",queues="1"\} 1$' "$IT_DIR/scrape.txt"
check "port_link_scraped" grep -qE '^chive_port_link_up\{port="net_null0"\} 1$' "$IT_DIR/scrape.txt"
check "port_rx_missed_typed" grep -qx '# TYPE chive_port_rx_missed_total counter' "$IT_DIR/scrape.txt"
# Per queue (rte_eth_stats q_*) and the NIC's extended stats (rte_eth_xstats,
# paged over PORT_XSTATS): net_null has the generic ones, rx_good_packets first.
check "port_queue_counters_scraped" grep -qE '^chive_port_queue_tx_packets_total\{port="net_null0",queue="0"\} [1-9][0-9]*$' "$IT_DIR/scrape.txt"
check "port_queue_counters_typed" grep -qx '# TYPE chive_port_queue_rx_bytes_total counter' "$IT_DIR/scrape.txt"
check "port_xstat_rx_good_packets_scraped" grep -qE '^chive_port_xstat\{port="net_null0",name="rx_good_packets"\} [0-9]+$' "$IT_DIR/scrape.txt"
check "port_xstat_family_untyped" grep -qx '# TYPE chive_port_xstat untyped' "$IT_DIR/scrape.txt"
check "port_xstats_none_omitted" grep -qx 'chive_port_xstats_omitted{port="net_null0"} 0' "$IT_DIR/scrape.txt"
promtool_ok "promtool_check_metrics_passes_with_a_port"
# chivectl lists the same stats, by the same names: every scraped name is in
# `show ports xstats`, and a counter that only grows (tx_good_packets) is no
# smaller there than in the earlier scrape.
"${CTL[@]}" show ports xstats >"$IT_DIR/xstats.txt" 2>&1
sed -n 's/^chive_port_xstat{port="net_null0",name="\([^"]*\)"} [0-9]*$/\1/p' "$IT_DIR/scrape.txt" |
	sort >"$IT_DIR/xstat_names.scrape"
awk 'NR > 1 && NF == 2 { print $1 }' "$IT_DIR/xstats.txt" | sort >"$IT_DIR/xstat_names.ctl"
if [ -s "$IT_DIR/xstat_names.scrape" ] && cmp -s "$IT_DIR/xstat_names.scrape" "$IT_DIR/xstat_names.ctl" &&
	grep -qE '^rx_good_packets +[0-9]+$' "$IT_DIR/xstats.txt"; then
	ok "chivectl_lists_the_scraped_xstats"
else
	not_ok "chivectl_lists_the_scraped_xstats" "$(diff "$IT_DIR/xstat_names.scrape" "$IT_DIR/xstat_names.ctl")" "$(head -5 "$IT_DIR/xstats.txt")"
fi
s1=$(scrape_value 'chive_port_xstat{port="net_null0",name="tx_good_packets"}')
c1=$(awk '$1 == "tx_good_packets" { print $2 }' "$IT_DIR/xstats.txt")
[ -n "$s1" ] && [ -n "$c1" ] && [ "$s1" -ge 1 ] && [ "$c1" -ge "$s1" ] &&
	ok "xstat_tx_good_packets_in_chivectl_and_scrape" ||
	not_ok "xstat_tx_good_packets_in_chivectl_and_scrape" "scrape=$s1 chivectl=$c1"

# --- cells by command and direction (chive_cells_total): the dataplane again,
# with an ORPort on an af_packet port in a network namespace, and
# chive-torclient building a one-hop circuit through it from the kernel's
# side. The link handshake and the CREATE2 show up by command, the same in
# chivectl and the scrape.
if [ "$(id -u)" -ne 0 ]; then
	ok "cells_by_command_scraped # SKIP needs root (network namespace, veth, raw sockets)"
else
	NS=chive-itmx-$$
	KIP=10.83.0.1
	RIP=10.83.0.2
	ORPORT=9001
	NSX=(ip netns exec "$NS")
	trap 'it_cleanup; ip netns del "$NS" 2>/dev/null' EXIT
	kill -INT "$DP_PID"
	wait_exit "$DP_PID" 20
	ip netns add "$NS"
	it_veth "$NS" vk "$KIP/24" vr
	"${NSX[@]}" "$BIN/chive-dataplane" --no-huge --no-pci -m 512 -l 0 --log-level=warning \
		--vdev=net_af_packet0,iface=vr,framecnt=4096,blocksz=4096,framesz=2048,qpairs=1 \
		-- --shm "$SHM" --port net_af_packet0 --ip "$RIP/24" --orport "$ORPORT" \
		>>"$IT_DIR/dp3.log" 2>&1 &
	DP_PID=$!
	IT_PIDS+=("$DP_PID")
	creds() { [ "$(ctl_value /dp/chan/link_installs)" -ge 1 ]; }
	check "orport_gets_link_credentials" wait_until 30 creds
	if timeout 60 "${NSX[@]}" "$BIN/chive-torclient" --hop "$RIP:$ORPORT,$IT_DIR/data" \
		--circuits 1 --cells 0 --timeout 30 >"$IT_DIR/tc.out" 2>&1; then
		ok "torclient_builds_a_circuit_through_chive"
	else
		not_ok "torclient_builds_a_circuit_through_chive" "$(tail -3 "$IT_DIR/tc.out")"
	fi
	closed() { [ "$(ctl_value /dp/chan/open)" = 0 ]; }
	wait_until 10 closed
	scrape
	grep -qx '# TYPE chive_cells_total counter' "$IT_DIR/scrape.txt" &&
		ok "cells_family_typed" || not_ok "cells_family_typed"
	bad=""
	for row in received:versions received:netinfo received:create2 sent:versions \
		sent:certs sent:auth_challenge sent:netinfo sent:created2; do
		v=$(scrape_value "chive_cells_total{direction=\"${row%%:*}\",command=\"${row#*:}\"}")
		[ "${v:-0}" -ge 1 ] || bad="$bad $row=${v:-missing}"
	done
	[ -z "$bad" ] && ok "cells_by_command_scraped" || not_ok "cells_by_command_scraped" "$bad"
	s1=$(scrape_value 'chive_cells_total{direction="received",command="netinfo"}')
	c1=$(ctl_value /dp/cell/rx/netinfo)
	s2=$(scrape_value 'chive_cells_total{direction="sent",command="created2"}')
	c2=$(ctl_value /dp/cell/tx/created2)
	[ -n "$s1" ] && [ "$s1" = "$c1" ] && [ -n "$s2" ] && [ "$s2" = "$c2" ] &&
		ok "cells_by_command_same_in_chivectl_and_scrape" ||
		not_ok "cells_by_command_same_in_chivectl_and_scrape" \
			"netinfo: scrape=$s1 chivectl=$c1" "created2: scrape=$s2 chivectl=$c2"
fi

# --- clean stop: nothing listens any more
kill -INT "$CP_PID"
if wait_exit "$CP_PID" 20 && [ "$IT_RC" -eq 0 ]; then
	ok "controlplane_exits_0_on_sigint"
else
	not_ok "controlplane_exits_0_on_sigint" "rc=$IT_RC"
fi
curl -s -m 2 -o /dev/null "$URL"
rc=$?
[ $rc -eq 7 ] && ok "metrics_port_closed_at_exit" || not_ok "metrics_port_closed_at_exit" "curl rc=$rc"
kill -INT "$DP_PID"
wait_exit "$DP_PID" 20

it_finish
