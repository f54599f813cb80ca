#!/bin/sh
# Wall time to build 200 trivial independent derivations (bench.nix) in a
# fresh chroot store, sandboxed, nixgo against CppNix 2.26 with the same
# max-jobs: ROUNDS alternating runs of each, medians printed. Usage:
#   bench.sh NIXGO_BINARY [JOBS...]        (default jobs: 1 2 4)
# CppNix runs outside its chroot through the chroot's dynamic loader (see
# gen-expected.sh), so that it can use its sandbox.
set -eu
nixgo=$(realpath "$1"); shift
jobs=${*:-1 2 4}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")" && pwd)
R=${REFERENCE_NIX_ROOT:-/opt/reference-nix}
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cp "$here/bench.nix" "$work/"
mkdir "$work/conf" "$work/bin"
printf 'sandbox = true\nbuild-users-group =\nsubstituters =\n' > "$work/conf/nix.conf"
printf 'build-hook =\n' > "$work/conf/user.conf"
ln -s "$nixgo" "$work/bin/nix-build"
ref() {
	env -i PATH=/usr/bin:/bin HOME="$work" NIX_CONF_DIR="$work/conf" NIX_USER_CONF_FILES="$work/conf/user.conf" \
		"$R/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu" \
		--argv0 nix-build "$R/usr/bin/nix" "$@"
}
mine() {
	env -i PATH=/usr/bin:/bin HOME="$work" NIX_CONF_DIR="$work/conf" NIX_USER_CONF_FILES="$work/conf/user.conf" \
		"$work/bin/nix-build" "$@"
}
cd "$work"
run() { # impl jobs → seconds
	chmod -R u+w store 2>/dev/null || true
	rm -rf store
	start=$(date +%s.%N)
	$1 bench.nix --store "$work/store" --option sandbox-paths "/bin /usr /lib /lib64" -j"$2" --cores 1 --no-out-link -Q > /dev/null 2> err || { cat err >&2; exit 1; }
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for j in $jobs; do
	: > ref.times; : > mine.times
	for r in $(seq "$rounds"); do
		run ref "$j" >> ref.times
		run mine "$j" >> mine.times
	done
	printf 'max-jobs %s: CppNix %s s, nixgo %s s (runs: CppNix %s; nixgo %s)\n' "$j" \
		"$(median < ref.times)" "$(median < mine.times)" "$(tr '\n' ' ' < ref.times)" "$(tr '\n' ' ' < mine.times)"
done
