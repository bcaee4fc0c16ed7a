#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Enforce the include-layering rules of CONVENTIONS.md §15 (run by `make check`).
#
# Every .c/.h under common/, dataplane/, controlplane/ and drivers/ is checked
# against the nearest .may_include in its directory or above. A .may_include
# holds one shell glob per line, matched against the include target: "path"
# includes are matched as path, <system> includes as <system>. Lines starting
# with '!' deny and are tried first; '#' starts a comment. Besides:
#   - a *_int.h header may be included only from its own directory (tests/
#     may include anything and is not checked);
#   - every directory under dataplane/ that holds sources needs its own
#     .may_include, because the layers there (base < net < tls < cell < ctl)
#     differ in what they may see.
# Prints one line per violation and exits 1 if there is any.
set -u
cd "$(dirname "$0")/.."
bad=0

may_include_for() {
	local d=$1
	while [ "$d" != "." ] && [ "$d" != "/" ]; do
		[ -f "$d/.may_include" ] && { echo "$d/.may_include"; return; }
		d=$(dirname "$d")
	done
}

# allowed RULES TARGET: 0 if TARGET passes RULES.
allowed() {
	local rules=$1 target=$2 line pat
	while IFS= read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | xargs)
		[ -z "$line" ] && continue
		if [ "${line:0:1}" = "!" ]; then
			pat=${line:1}
			# shellcheck disable=SC2254
			case "$target" in $pat) return 1 ;; esac
		fi
	done <"$rules"
	while IFS= read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | xargs)
		[ -z "$line" ] && continue
		[ "${line:0:1}" = "!" ] && continue
		# shellcheck disable=SC2254
		case "$target" in $line) return 0 ;; esac
	done <"$rules"
	return 1
}

while IFS= read -r dir; do
	if [ -n "$(find "$dir" -maxdepth 1 -name '*.[ch]' -print -quit)" ] &&
		[ ! -f "$dir/.may_include" ]; then
		echo "$dir: no .may_include (every dataplane layer directory needs one)"
		bad=1
	fi
done < <(find dataplane -type d)

while IFS= read -r f; do
	rules=$(may_include_for "$(dirname "$f")")
	if [ -z "$rules" ]; then
		echo "$f: no .may_include applies"
		bad=1
		continue
	fi
	while IFS= read -r inc; do
		lineno=${inc%%:*}
		inc=${inc#*:}
		if [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
			target=${BASH_REMATCH[1]}
		elif [[ $inc =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*(\<[^\>]+\>) ]]; then
			target=${BASH_REMATCH[1]}
		else
			continue
		fi
		if ! allowed "$rules" "$target"; then
			echo "$f:$lineno: may not include $target (see $rules)"
			bad=1
		fi
		if [[ $target == *_int.h ]] && [ "$(dirname "$target")" != "$(dirname "$f")" ]; then
			echo "$f:$lineno: $target is private to $(dirname "$target")/"
			bad=1
		fi
	done < <(grep -n '^[[:space:]]*#[[:space:]]*include' "$f")
done < <(find common dataplane controlplane drivers -name '*.[ch]' | sort)

[ $bad -eq 0 ] && echo "check-includes: ok"
exit $bad
