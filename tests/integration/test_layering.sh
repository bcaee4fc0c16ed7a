#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The layering rules of CONVENTIONS.md §15 hold and are enforced:
# the tree passes `make check` (every header alone, scripts/check-includes.sh);
# the checker catches each kind of violation planted in a copy of the tree;
# the build gives common/ and controlplane/ no DPDK include path; and the
# controlplane, chivectl and the unit runner link no DPDK library.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh

if make -s --no-print-directory O="$O" headers >"$IT_DIR/headers.log" 2>&1; then
	ok "every_header_compiles_alone"
else
	not_ok "every_header_compiles_alone" "$(tail -5 "$IT_DIR/headers.log")"
fi
if scripts/check-includes.sh >"$IT_DIR/inc.log" 2>&1; then
	ok "tree_passes_include_rules"
else
	not_ok "tree_passes_include_rules" "$(cat "$IT_DIR/inc.log")"
fi

# A copy of the sources with one violation of each kind.
T=$IT_DIR/tree
mkdir -p "$T"
cp -r Makefile common dataplane controlplane drivers tests tools scripts "$T/"
echo '#include <rte_lcore.h>' >"$T/controlplane/zz_dpdk.c"
echo '#include <openssl/evp.h>' >"$T/common/ipc/zz_ssl.c"
echo '#include "dataplane/ctl/ctl.h"' >"$T/dataplane/base/zz_up.c"
echo '#include "dataplane/lcore.h"' >"$T/dataplane/ctl/zz_up.c"
echo '#include "controlplane/cli/x_int.h"' >"$T/controlplane/zz_int.c"
mkdir -p "$T/dataplane/newlayer" && touch "$T/dataplane/newlayer/x.c"
out=$(cd "$T" && scripts/check-includes.sh 2>&1)
rc=$?
[ $rc -eq 1 ] && ok "checker_fails_on_violations" || not_ok "checker_fails_on_violations" "rc=$rc"
for want in "controlplane/zz_dpdk.c:1: may not include <rte_lcore.h>" \
	"common/ipc/zz_ssl.c:1: may not include <openssl/evp.h>" \
	"dataplane/base/zz_up.c:1: may not include dataplane/ctl/ctl.h" \
	"dataplane/ctl/zz_up.c:1: may not include dataplane/lcore.h" \
	"controlplane/zz_int.c:1: controlplane/cli/x_int.h is private" \
	"dataplane/newlayer: no .may_include"; do
	[[ $out == *"$want"* ]] && ok "checker_reports: $want" || not_ok "checker_reports: $want" "$out"
done

# The compiler is the second guard: no DPDK include path outside dataplane/ and drivers/.
if (cd "$T" && make -s O=build build/controlplane/zz_dpdk.o) >"$IT_DIR/cc.log" 2>&1; then
	not_ok "controlplane_cannot_compile_dpdk_include"
else
	grep -q "rte_lcore.h: No such file" "$IT_DIR/cc.log" && ok "controlplane_cannot_compile_dpdk_include" ||
		not_ok "controlplane_cannot_compile_dpdk_include" "$(cat "$IT_DIR/cc.log")"
fi

for b in "$BIN/chive-controlplane" "$BIN/chivectl" "$O/tests/unit"; do
	n=$(ldd "$b" | grep -c 'librte_')
	[ "$n" -eq 0 ] && ok "links_no_dpdk: $(basename "$b")" || not_ok "links_no_dpdk: $(basename "$b")" "$n DPDK libraries"
done
n=$(ldd "$BIN/chive-dataplane" | grep -c 'librte_eal')
[ "$n" -eq 1 ] && ok "dataplane_links_dpdk" || not_ok "dataplane_links_dpdk"

it_finish
