#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install every Debian 12 package that Chive's build, tests and demo need.
# Idempotent: prints nothing and exits 0 when everything is already present.
# Must run as root (or with sudo available) on Debian 12 (bookworm).
set -euo pipefail

PKGS=(
	# toolchain and build
	build-essential pkg-config make
	# DPDK 22.11 (headers, libraries, PMDs incl. net_ring/net_tap/af_xdp) and tools;
	# dpdk-dev also ships /usr/bin/dpdk-telemetry.py (test_telemetry)
	dpdk dpdk-dev libdpdk-dev
	# crypto and TLS
	libssl-dev openssl
	# AF_XDP and the XDP steering program
	libbpf-dev libxdp-dev clang llvm bpftool
	# libFuzzer (make fuzz)
	libclang-rt-14-dev
	# unit tests
	libcunit1-dev
	# integration tests and demo: namespaces, the reference tor, harness helpers
	iproute2 tor python3 procps psmisc curl ethtool iputils-ping
	# promtool, which checks the MetricsPort's scrapes (test_metrics)
	prometheus
)

missing=()
for p in "${PKGS[@]}"; do
	# dpkg-query prints "install ok installed" only for fully installed packages.
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done

[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: need root to install: ${missing[*]}" >&2
		exit 1
	}
	SUDO=sudo
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's tor package starts a system tor on install; Chive's tests run their
# own tor processes and must not share ports or state with a system daemon.
if [ -x /usr/sbin/tor ] && command -v systemctl >/dev/null 2>&1; then
	$SUDO systemctl disable --now tor >/dev/null 2>&1 || true
fi
# Likewise Debian's prometheus package starts a Prometheus server (port 9090);
# the tests only need its promtool.
if [ -x /usr/bin/prometheus ] && command -v systemctl >/dev/null 2>&1; then
	$SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
echo "install-deps: done"
