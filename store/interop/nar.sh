#!/usr/bin/env bash
# nar.sh: compares nixgo's NAR handling with CppNix 2.26 (reference-nix) on a
# tree with executables, symlinks, empty directories, empty files, unicode
# names and a 200 MB file (made in /tmp): nix-store --dump and nix nar pack
# must be byte-identical, nix hash path and nix-hash must agree, --restore
# must round-trip, and malformed NARs must be refused without writing
# anything. Then it times nix-store --dump of that tree and of a tree of
# many small files, for both implementations (the table of
# docs/benchmarks.md, section Store). Go tests must not run reference-nix,
# so this is a script; its output is recorded in RESULTS.md.
#
#   store/interop/nar.sh            (RUNS=5 timing runs by default)
#
# Every check prints "ok: ..." or "FAIL: ..."; the exit status is the number
# of failures.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ref=${REFERENCE_NIX:-$(cd "$repo/../shared/tools" 2>/dev/null && pwd)/reference-nix}
runs=${RUNS:-5}
T=$(mktemp -d /tmp/nixgo-nar.XXXXXX)
fails=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
export NIX_CONFIG='experimental-features = nix-command'

echo "building nixgo into $T/bin"
mkdir -p "$T/bin"
(cd "$repo" && go build -o "$T/bin/nixgo" ./cmd/nixgo) || exit 100
for n in nix nix-store nix-hash; do ln -s nixgo "$T/bin/$n"; done
G=$T/bin

# The tree.
tree=$T/tree
mkdir -p "$tree/bin" "$tree/empty" "$tree/deep/a/b/c" "$tree/ünïcödé dir/ελληνικά"
printf '#!/bin/sh\necho hi\n' >"$tree/bin/run"; chmod 755 "$tree/bin/run"
printf 'not executable\n' >"$tree/bin/data"
: >"$tree/empty-file"
: >"$tree/bin/empty-exec"; chmod 755 "$tree/bin/empty-exec"
ln -s bin/run "$tree/link"
ln -s /nonexistent/target "$tree/dangling"
ln -s "ünïcödé dir" "$tree/link-to-dir"
echo "grüße" >"$tree/ünïcödé dir/日本語.txt"
echo "γειά" >"$tree/ünïcödé dir/ελληνικά/file"
printf 'x' >"$tree/deep/a/b/c/one-byte"
head -c 8191 /dev/urandom >"$tree/deep/odd-size"
echo "generating a 200 MB file"
head -c 200000000 /dev/urandom >"$tree/big"

echo "== the NAR of the tree"
"$G/nix-store" --dump "$tree" >"$T/go.nar"
"$ref" nix-store --dump "$tree" >"$T/ref.nar"
if cmp -s "$T/go.nar" "$T/ref.nar"; then ok "nix-store --dump: identical ($(wc -c <"$T/go.nar") bytes)"; else fail "nix-store --dump differs"; fi
"$G/nix" nar pack "$tree" >"$T/go-pack.nar"
"$ref" nix nar pack "$tree" >"$T/ref-pack.nar"
cmp -s "$T/go-pack.nar" "$T/ref.nar" && cmp -s "$T/ref-pack.nar" "$T/ref.nar" && ok "nix nar pack: identical" || fail "nix nar pack differs"
"$G/nix" nar dump-path "$tree" 2>/dev/null | cmp -s - "$T/ref.nar" && ok "nix nar dump-path: identical" || fail "nix nar dump-path differs"
for sub in bin/run link empty empty-file "ünïcödé dir"; do
  "$G/nix-store" --dump "$tree/$sub" | cmp -s - <("$ref" nix-store --dump "$tree/$sub") && ok "nix-store --dump of '$sub': identical" || fail "nix-store --dump of '$sub' differs"
done

echo "== hashes"
for args in "nix hash path" "nix hash path --algo sha512 --format nix32" "nix hash path --mode flat --type sha1" \
  "nix-hash" "nix-hash --type sha256 --base32" "nix-hash --type sha512 --sri --truncate" "nix-hash --flat --type sha256"; do
  target=$tree
  case $args in *flat*) target=$tree/big ;; esac
  set -- $args
  cmd=$1; shift
  a=$("$G/$cmd" "$@" "$target" 2>&1); b=$("$ref" "$cmd" "$@" "$target" 2>&1)
  [ "$a" = "$b" ] && ok "$args: $a" || fail "$args: nixgo $a, CppNix $b"
done
a=$("$G/nix" hash file "$T/ref.nar"); b=$(sha256sum <"$T/ref.nar" | cut -d' ' -f1)
[ "$("$G/nix" hash convert --to base16 "$a")" = "$b" ] && ok "nix hash file of the NAR equals sha256sum" || fail "nix hash file of the NAR"

echo "== restore round trip"
"$G/nix-store" --restore "$T/r-go" <"$T/ref.nar" && ok "nixgo restores CppNix's NAR" || fail "nixgo restore"
"$G/nix-store" --dump "$T/r-go" | cmp -s - "$T/ref.nar" && ok "nixgo's dump of its restored tree is identical" || fail "round trip through nixgo"
"$ref" nix-store --dump "$T/r-go" | cmp -s - "$T/ref.nar" && ok "CppNix's dump of nixgo's restored tree is identical" || fail "CppNix dump of nixgo's restore"
"$ref" nix-store --restore "$T/r-ref" <"$T/go.nar" && "$G/nix-store" --dump "$T/r-ref" | cmp -s - "$T/ref.nar" && ok "CppNix restores nixgo's NAR; nixgo's dump of it is identical" || fail "CppNix restore of nixgo's NAR"
[ -x "$T/r-go/bin/run" ] && [ ! -x "$T/r-go/bin/data" ] && [ "$(readlink "$T/r-go/link")" = bin/run ] && ok "execute bits and symlinks restored" || fail "restored metadata"

echo "== malformed NARs are refused and write nothing"
python3 - "$T" <<'EOF'
import struct, sys
d = sys.argv[1]
def s(x):
    b = x.encode() if isinstance(x, str) else x
    return struct.pack('<Q', len(b)) + b + b'\0' * ((8 - len(b) % 8) % 8)
def nar(names, typ='regular'):
    parts = ['nix-archive-1', '(', 'type', 'directory']
    for n in names:
        parts += ['entry', '(', 'name', n, 'node', '(', 'type', 'regular', 'contents', 'x', ')', ')']
    return b''.join(s(p) for p in parts + [')'])
cases = {'dotdot': nar(['a', '..']), 'dot': nar(['.']), 'slash': nar(['a/b']), 'root-slash': nar(['/']),
         'duplicate': nar(['a', 'a']), 'unsorted': nar(['b', 'a']), 'empty-name': nar(['']),
         'truncated': nar(['a', 'b'])[:-20], 'magic': s('nix-archive-2'), 'trailing-padding': nar(['a'])[:-1] + b'\1'}
for k, v in cases.items():
    open(f'{d}/bad-{k}.nar', 'wb').write(v)
EOF
mkdir -p "$T/out" "$T/ref-out"
for f in "$T"/bad-*.nar; do
  name=$(basename "$f" .nar)
  if "$G/nix-store" --restore "$T/out/$name" <"$f" >"$T/err" 2>&1; then
    fail "$name: accepted"
  elif [ -n "$(ls -A "$T/out")" ]; then
    fail "$name: refused ($(cat "$T/err")) but wrote something: $(ls -A "$T/out")"
  else
    refmsg=$("$ref" nix-store --restore "$T/ref-out/$name" <"$f" 2>&1)
    ok "$name: refused, nothing written: $(cat "$T/err")$([ "$(cat "$T/err")" = "$refmsg" ] && echo " (CppNix's message)")"
  fi
done
S=$T/store
"$G/nix-store" --store "$S" --add "$tree/bin" >/dev/null
before=$(ls -A "$S/nix/store" | sort)
for f in "$T"/bad-dotdot.nar "$T"/bad-truncated.nar; do
  { printf '\x01\0\0\0\0\0\0\0'; cat "$f"; } >"$T/bad.export"
  "$G/nix-store" --store "$S" --import <"$T/bad.export" >"$T/err" 2>&1 && fail "import of $(basename "$f") accepted" || ok "--import of $(basename "$f") refused: $(tail -1 "$T/err")"
done
[ "$(ls -A "$S/nix/store" | sort)" = "$before" ] && ok "store unchanged after the bad imports" || fail "store changed"
"$G/nix-store" --store "$S" --verify --check-contents >/dev/null 2>&1 && ok "store verifies" || fail "store does not verify"

echo "== dump throughput ($runs runs each; seconds: wall user sys)"
small=$T/small
python3 - "$small" <<'EOF'
import os, sys
for i in range(200):
    d = os.path.join(sys.argv[1], f'd{i}')
    os.makedirs(d)
    for j in range(50):
        with open(os.path.join(d, f'f{j}'), 'wb') as f:
            f.write(os.urandom((i * 50 + j) % 4096 + 1))
EOF
echo "small-files tree: $(find "$small" -type f | wc -l) files, $(du -sm "$small" | cut -f1) MB"
# timing IMPL TREE: the best and the median of $runs runs of nix-store --dump
# into a pipe, timed inside the chroot for CppNix (to leave out the cost of
# setting it up).
timing() {
  local impl=$1 tree=$2 cmd
  if [ "$impl" = ref ]; then cmd=("$ref" bash -c); else cmd=(bash -c); fi
  for i in $(seq 1 "$runs"); do
    "${cmd[@]}" "TIMEFORMAT='%R %U %S'; time ( $([ "$impl" = ref ] && echo nix-store || echo "$G/nix-store") --dump '$tree' | cat >/dev/null )" 2>&1 | tail -1
  done | sort -n | awk '{w[NR]=$1; u[NR]=$2; s[NR]=$3} END {m=int((NR+1)/2); printf "best %.2f wall (%.2f user %.2f sys), median %.2f wall (%.2f user %.2f sys)\n", w[1], u[1], s[1], w[m], u[m], s[m]}'
}
for t in tree small; do
  cat "${!t}"/* >/dev/null 2>&1; cat "$tree/big" >/dev/null  # warm the page cache
  echo "$t nixgo:  $(timing go "${!t}")"
  echo "$t CppNix: $(timing ref "${!t}")"
done
# hashtiming IMPL: nix-hash --type sha256 of the big tree (a NAR dump into
# SHA-256), best and median.
hashtiming() {
  local cmd
  if [ "$1" = ref ]; then cmd=("$ref" bash -c); else cmd=(bash -c); fi
  for i in $(seq 1 "$runs"); do
    "${cmd[@]}" "TIMEFORMAT='%R %U %S'; time $([ "$1" = ref ] && echo nix-hash || echo "$G/nix-hash") --type sha256 '$tree' >/dev/null" 2>&1 | tail -1
  done | sort -n | awk '{w[NR]=$1; u[NR]=$2; s[NR]=$3} END {m=int((NR+1)/2); printf "best %.2f wall (%.2f user %.2f sys), median %.2f wall (%.2f user %.2f sys)\n", w[1], u[1], s[1], w[m], u[m], s[m]}'
}
echo "nix-hash tree nixgo:  $(hashtiming go)"
echo "nix-hash tree CppNix: $(hashtiming ref)"

echo "== summary: $fails failure(s); work directory $T"
exit $fails
