#!/bin/sh
# Records lattice.expected: the output paths, NAR hashes, NAR sizes and
# references of the package set in lattice.nix, as CppNix 2.26 builds them in
# its sandbox with a chroot store.
#
# reference-nix runs CppNix inside a chroot, where the kernel refuses the user
# namespaces of the sandbox; this script therefore runs the same CppNix
# binaries outside the chroot, through the chroot's dynamic loader, with a
# private configuration. It needs REFERENCE_NIX_ROOT (default
# /opt/reference-nix) to be installed by /work/shared/tools/reference-nix.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
R=${REFERENCE_NIX_ROOT:-/opt/reference-nix}
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"; kill $http 2>/dev/null || true' EXIT
cp "$here/lattice.nix" "$here/builder.sh" "$here/fetched.txt" "$work/"
mkdir "$work/conf"
printf 'sandbox = true\nbuild-users-group =\nsubstituters =\n' > "$work/conf/nix.conf"
printf 'build-hook =\n' > "$work/conf/user.conf"
nix() {
	prog=$1; shift
	env -i PATH=/usr/bin:/bin HOME="$work" NIX_CONF_DIR="$work/conf" NIX_USER_CONF_FILES="$work/conf/user.conf" \
		"$R/lib64/ld-linux-x86-64.so.2" --library-path "$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu" \
		--argv0 "$prog" "$R/usr/bin/nix" "$@"
}
(cd "$work" && exec python3 -m http.server 0 --bind 127.0.0.1 > "$work/http.log" 2>&1) &
http=$!
sleep 1
port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$work/http.log" | head -1)
cd "$work"
nix nix-build lattice.nix -A all -A fetchedFile -A fetchedHttp -A fixedTree --store "$work/store" \
	--option sandbox-paths "/bin /usr /lib /lib64 $work/fetched.txt" \
	--argstr fileUrl "file://$work/fetched.txt" --argstr httpUrl "http://127.0.0.1:$port/fetched.txt" \
	-j4 --cores 1 --no-out-link -Q > /dev/null
# One line per valid path that is not a .drv: path, NAR hash, NAR size,
# deriver, references.
for p in $(nix nix-store --store "$work/store" -q --requisites $(ls -d "$work"/store/nix/store/* | grep -v -e '\.drv$' -e '\.lock$' -e '\.chroot$' | sed "s|$work/store||") | sort -u); do
	printf '%s %s %s %s %s\n' "$p" \
		"$(nix nix-store --store "$work/store" -q --hash "$p")" \
		"$(nix nix-store --store "$work/store" -q --size "$p")" \
		"$(nix nix-store --store "$work/store" -q --deriver "$p")" \
		"$(nix nix-store --store "$work/store" -q --references "$p" | tr '\n' ' ')"
done | sed 's/ *$//' > "$here/lattice.expected"
