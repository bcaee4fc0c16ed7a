#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Crypto-floor benchmark (`make bench`; never a timed test): cells/s of Chive's
# relay crypto and TLS record path alone (chive-bench-crypto, one thread), next
# to the limit `openssl speed` gives on the same machine, in the same run.
#
#   limit per forwarded cell = AES-128-CTR over the 509-byte payload
#                            + the TLS AEAD's open share of one 514-byte cell
#                            + its seal share of one 514-byte cell
#   where a cell's share is the record's time / 31 for 31-cell records
#   (`-bytes 15934`) and the whole `-aead` record for 1-cell records
#   (`-bytes 514`). `openssl speed` encrypts only: opening is counted at the
#   sealing cost (AES-GCM does the same CTR and GHASH work both ways).
#
# The AEAD is the one the dataplane's TLS settings negotiate (the program
# reports it; TLS_AES_256_GCM_SHA384 with tls_ctx.c's server preference).
# Prints a table and writes $O/bench/crypto.json. BENCH_SECONDS per case
# (default 2, whole seconds); BENCH_CPU=N pins both to CPU N (taskset).
set -u
cd "$(dirname "$0")/../.." || exit 1
O=${O:-build}
BIN=$O/bin/chive-bench-crypto
SECS=${BENCH_SECONDS:-2}
OUT=$O/bench
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/chive-bench-crypto.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
die() { echo "bench_crypto: $*" >&2; exit 1; }

[ -x "$BIN" ] || die "$BIN missing: make O=$O all"
command -v openssl >/dev/null || die "no openssl binary"
# Both sides single-threaded; pin them to one CPU only on request (a busy-polling
# lcore may own any CPU of a shared machine).
PIN=()
if [ -n "${BENCH_CPU:-}" ]; then
	command -v taskset >/dev/null || die "BENCH_CPU needs taskset"
	PIN=(taskset -c "$BENCH_CPU")
fi

# A hypervisor may hide the model name ("AMD EPYC"): family and model say more.
CPU=$(awk -F': ' '/^model name/ { n = $2 } /^cpu family/ { f = $2 } /^model\t/ { m = $2 }
	/^$/ { exit } END { printf "%s (family %s, model %s)", n, f, m }' /proc/cpuinfo)
OSSL=$(openssl version)
echo "CPU: $CPU, $(nproc) CPUs; $OSSL; ${SECS} s per case; pinned: ${PIN[*]:-no}"

"${PIN[@]}" "$BIN" --json --seconds "$SECS" >"$TMP/chive.json" || die "chive-bench-crypto failed"

# Chive's figures: "key ns_per_cell cells_per_s" lines, plus the negotiated suite.
declare -A NS CPS
CIPHER=
SHARE=0
while read -r k a b; do
	if [ "$k" = cipher ]; then CIPHER=$a; continue; fi
	if [ "$k" = share ]; then SHARE=$a; continue; fi
	NS[$k]=$a
	CPS[$k]=$b
done < <(python3 - "$TMP/chive.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
print("cipher", d["tls_cipher"])
print("share", d["cpu_share"])
for r in d["relay_crypto"]:
    print(f"relay_{r['dir']}_{r['circuits']}", r["ns_per_cell"], r["cells_per_s"])
for r in d["tls"]:
    print(f"tls_{r['cells_per_record']}", r["ns_per_cell"], r["cells_per_s"])
w = d["whole_path"]
print("path", w["ns_per_cell"], w["cells_per_s"])
EOF
)
case "$CIPHER" in
TLS_AES_256_GCM_SHA384 | ECDHE-RSA-AES256-GCM-SHA384) AEAD=aes-256-gcm ;;
TLS_AES_128_GCM_SHA256 | ECDHE-RSA-AES128-GCM-SHA256) AEAD=aes-128-gcm ;;
TLS_CHACHA20_POLY1305_SHA256 | ECDHE-RSA-CHACHA20-POLY1305) AEAD=chacha20-poly1305 ;;
*) die "unexpected TLS suite '$CIPHER'" ;;
esac

# openssl speed: the last line of its "type ... bytes" table is "NAME  <n>k",
# in 1000s of bytes per second.
speed() {
	local f=$TMP/speed.$1
	shift
	"${PIN[@]}" openssl speed -seconds "$SECS" "$@" >"$f" 2>&1 || die "openssl speed $* failed"
	awk '/^type/ { getline; v = $NF; sub(/k$/, "", v); print v; exit }' "$f"
}
K_CTR=$(speed ctr -evp aes-128-ctr -bytes 509)
K_R31=$(speed r31 -evp "$AEAD" -bytes 15934)
K_R1=$(speed r1 -evp "$AEAD" -aead -bytes 514)
for v in "$K_CTR" "$K_R31" "$K_R1"; do
	[[ $v =~ ^[0-9.]+$ ]] || die "could not parse openssl speed output ($TMP)"
done

# ns per operation = bytes / (k * 1000 B/s) * 1e9.
CTR_NS=$(calc "509 * 1e6 / $K_CTR")
R31_NS=$(calc "15934 * 1e6 / $K_R31 / 31")
R1_NS=$(calc "514 * 1e6 / $K_R1")
declare -A LIM=(
	[relay_fwd_1]=$CTR_NS [relay_fwd_1024]=$CTR_NS [relay_fwd_65536]=$CTR_NS
	[relay_bwd_1]=$CTR_NS [relay_bwd_1024]=$CTR_NS [relay_bwd_65536]=$CTR_NS
	[tls_31]=$(calc "2 * $R31_NS")
	[tls_1]=$(calc "2 * $R1_NS")
	[path]=$(calc "$CTR_NS + 2 * $R31_NS")
)
KEYS=(relay_fwd_1 relay_fwd_1024 relay_fwd_65536 relay_bwd_1 relay_bwd_1024 relay_bwd_65536
	tls_31 tls_1 path)
declare -A NAME=(
	[relay_fwd_1]="relay crypto fwd, 1 circuit" [relay_fwd_1024]="relay crypto fwd, 1k circuits"
	[relay_fwd_65536]="relay crypto fwd, 64k circuits" [relay_bwd_1]="relay crypto bwd, 1 circuit"
	[relay_bwd_1024]="relay crypto bwd, 1k circuits" [relay_bwd_65536]="relay crypto bwd, 64k circuits"
	[tls_31]="TLS 31 cells/record" [tls_1]="TLS 1 cell/record" [path]="whole path (31/rec, 1k circs)"
)

printf '\nCrypto floor per 514-byte cell, one core: Chive vs openssl speed (%s, AES-128-CTR)\n' "$AEAD"
printf '%-32s %10s %12s %10s %12s %8s\n' "case" "chive ns" "chive c/s" "limit ns" "limit c/s" "ratio"
ROWS=
for k in "${KEYS[@]}"; do
	lim_cps=$(calc "1e9 / ${LIM[$k]}")
	ratio=$(calc "${CPS[$k]} / $lim_cps")
	printf '%-32s %10.1f %12.0f %10.1f %12.0f %8.2f\n' "${NAME[$k]}" "${NS[$k]}" "${CPS[$k]}" \
		"${LIM[$k]}" "$lim_cps" "$ratio"
	ROWS+="${ROWS:+,
}  {\"case\": \"$k\", \"chive_ns_per_cell\": ${NS[$k]}, \"chive_cells_per_s\": ${CPS[$k]}, \"limit_ns_per_cell\": ${LIM[$k]}, \"limit_cells_per_s\": $lim_cps, \"ratio\": $ratio}"
done
printf 'Limits: relay crypto = AES-128-CTR(509 B) = %.1f ns; TLS = seal + open of %s,\n' "$CTR_NS" "$AEAD"
printf '%.1f ns per cell of a 15934-byte record, %.1f ns per 514-byte -aead record; whole path =\n' \
	"$R31_NS" "$R1_NS"
printf 'CTR + the 31-cell TLS share both ways. Opening is counted at the sealing cost. Chive adds\n'
printf 'copies, header rewrites, the digest check and OpenSSL per-call costs; see tools/bench/README.md.\n'
if awk "BEGIN { exit !($SHARE < 0.9) }"; then
	printf 'WARNING: chive-bench-crypto had %.0f%% of a CPU (another task ran): its figures are low.\n' \
		"$(calc "$SHARE * 100")"
fi

cat >"$OUT/crypto.json" <<EOF
{"cpu": "$CPU", "openssl": "$OSSL", "seconds_per_case": $SECS, "aead": "$AEAD", "cpu_share": $SHARE,
 "openssl_speed_kBps": {"aes-128-ctr_509": $K_CTR, "${AEAD}_15934": $K_R31, "${AEAD}_514_aead": $K_R1},
 "rows": [
$ROWS],
 "chive": $(cat "$TMP/chive.json")}
EOF
python3 -m json.tool "$OUT/crypto.json" >/dev/null || die "wrote invalid JSON to $OUT/crypto.json"
echo "wrote $OUT/crypto.json"
