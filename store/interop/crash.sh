#!/usr/bin/env bash
# crash.sh: kills nixgo with SIGKILL at random moments while it adds a large
# tree, restores a NAR and imports an export, ITER times each (default 40):
# first through the library (TestCrashSafety in store/local: AddPath, AddNAR
# with known metadata, Import), then through the real commands (nix store
# add, nix-store --import, nix-store --restore), checking the store with
# nixgo's nix-store --verify --check-contents after every kill, then kills
# nixgo's garbage collector (nix-store --gc) ITER times; at the end
# both stores are checked with nixgo's and CppNix's nix-store --verify
# --check-contents. Output recorded in RESULTS.md.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ref=${REFERENCE_NIX:-$(cd "$repo/../shared/tools" && pwd)/reference-nix}
T=$(mktemp -d /tmp/nixgo-crash.XXXXXX)
fails=0

echo "== killing nixgo $((3 * ${ITER:-40})) times (store $T/store)"
(cd "$repo" && NIXGO_CRASH_STORE=$T/store NIXGO_CRASH_ITER=${ITER:-40} \
  go test ./store/local -run '^TestCrashSafety$' -count=1 -v 2>&1) |
  grep -E 'crash_test.go|^(--- |ok|FAIL)' | sed 's/^ *//'
[ "${PIPESTATUS[0]}" = 0 ] || fails=$((fails + 1))

echo "== killing the real commands: nix-store --add, --import, --restore, $((3 * ${ITER:-40})) times (store $T/cmd)"
mkdir -p "$T/bin"; (cd "$repo" && go build -o "$T/bin/nixgo" ./cmd/nixgo) || exit 100
for n in nix nix-store; do ln -sf nixgo "$T/bin/$n"; done
G=$T/bin C=$T/cmd D=$T/data
export NIX_CONFIG='experimental-features = nix-command'
# A tree of 400 files and a 24 MB file, its NAR, and exports of it under a
# different input-addressed path each time (made by export PATHNAME).
mkdir -p "$D/tree"
python3 - "$D/tree" <<'EOF'
import os, random, sys
r = random.Random(1)
for i in range(400):
    d = os.path.join(sys.argv[1], 'd%02d' % (i % 20))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, 'f%03d' % i)
    with open(p, 'wb') as f:
        f.write(r.randbytes(1024 + r.randrange(32 << 10)))
    if i % 7 == 0:
        os.chmod(p, 0o755)
with open(os.path.join(sys.argv[1], 'big'), 'wb') as f:
    f.write(r.randbytes(24 << 20))
EOF
"$G/nix-store" --dump "$D/tree" >"$D/tree.nar"
export_as() { # export_as NAME: an export of the tree as /nix/store/<hash>-NAME
  python3 - "$D/tree.nar" "$1" >"$D/export" <<'EOF'
import hashlib, struct, sys
def num(n): return struct.pack('<Q', n)
def s(b):
    b = b.encode() if isinstance(b, str) else b
    return num(len(b)) + b + b'\0' * ((8 - len(b) % 8) % 8)
alphabet = '0123456789abcdfghijklmnpqrsvwxyz'
h = hashlib.sha1(sys.argv[2].encode()).digest()
part = ''.join(alphabet[b % 32] for b in (h + h)[:32])
out = sys.stdout.buffer
out.write(num(1))
with open(sys.argv[1], 'rb') as f:
    while True:
        c = f.read(1 << 20)
        if not c: break
        out.write(c)
out.write(num(0x4558494e) + s('/nix/store/%s-%s' % (part, sys.argv[2])) + num(0) + s('') + num(0) + num(0))
EOF
}
# fulltime CMD...: how long a complete run takes, in milliseconds.
fulltime() { local t0=$(date +%s%N); "$@" >/dev/null 2>&1; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
# killrun MS CMD...: run CMD and kill it with SIGKILL after MS milliseconds.
killrun() {
  local ms=$1; shift
  "$@" >/dev/null 2>&1 &
  local pid=$!
  sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  [ $? = 137 ] && killed=$((killed + 1))
}
cleanverify() { # cleanverify: nixgo's --verify --check-contents of the store says nothing else
  "$G/nix-store" --store "$C" --verify --check-contents >"$T/v" 2>&1 &&
    ! grep -qvE '^(reading the Nix store|checking (path existence|link hashes|store hashes))\.\.\.$' "$T/v"
}
"$G/nix" store add --store "$C" -n warmup "$D/tree" >/dev/null
t_add=$(fulltime "$G/nix" store add --store "$C" -n full-add "$D/tree")
export_as full-import; t_imp=$(fulltime sh -c "'$G/nix-store' --store '$C' --import <'$D/export'")
t_res=$(fulltime sh -c "'$G/nix-store' --restore '$T/full-restore' <'$D/tree.nar'")
echo "a full run takes: --add ${t_add} ms, --import ${t_imp} ms, --restore ${t_res} ms"
killed=0 bad=0 partial=0
for i in $(seq 1 "${ITER:-40}"); do
  killrun $((RANDOM % (t_add * 3 / 2 + 1) + 1)) "$G/nix" store add --store "$C" -n "add-$i" "$D/tree"
  cleanverify || { bad=$((bad + 1)); echo "verify after killed add $i:"; cat "$T/v"; }
  export_as "import-$i"
  killrun $((RANDOM % (t_imp * 3 / 2 + 1) + 1)) sh -c "exec '$G/nix-store' --store '$C' --import <'$D/export'"
  cleanverify || { bad=$((bad + 1)); echo "verify after killed import $i:"; cat "$T/v"; }
  killrun $((RANDOM % (t_res * 3 / 2 + 1) + 1)) sh -c "exec '$G/nix-store' --restore '$T/restore-$i' <'$D/tree.nar'"
  if [ -e "$T/restore-$i" ] && ! "$G/nix-store" --dump "$T/restore-$i" | cmp -s - "$D/tree.nar"; then partial=$((partial + 1)); fi
  cleanverify || { bad=$((bad + 1)); echo "verify after killed restore $i:"; cat "$T/v"; }
  # CppNix's collector removes what the runs left (nixgo's is killed below).
  if [ $((i % 10)) = 5 ]; then "$ref" nix-store --store "$C" --gc >/dev/null 2>&1; fi
done
echo "$killed of $((3 * ${ITER:-40})) runs killed; nixgo's verify --check-contents after each: $bad unclean"
[ $bad = 0 ] || fails=$((fails + 1))

echo "== killing nixgo's nix-store --gc ${ITER:-40} times (store $C)"
# A rooted path must survive; two new garbage paths each round (and what
# the killed runs leave) are collected by a run killed within 1.5 times a
# full collection; the store must verify after each.
live=$("$G/nix" store add --store "$C" -n gc-live "$D/tree")
ln -sfn "$live" "$C/nix/var/nix/gcroots/gc-live"
"$G/nix-store" --store "$C" --gc >/dev/null 2>&1
for j in 1 2; do "$G/nix" store add --store "$C" -n "gc-full-$j" "$D/tree" >/dev/null; done
t_gc=$(fulltime "$G/nix-store" --store "$C" --gc)
echo "a full collection of two paths takes ${t_gc} ms"
killed=0 bad=0 lost=0 left=0
for i in $(seq 1 "${ITER:-40}"); do
  for j in a b; do "$G/nix" store add --store "$C" -n "gc-$i-$j" "$D/tree" >/dev/null; done
  killrun $((RANDOM % (t_gc * 3 / 2 + 1) + 1)) "$G/nix-store" --store "$C" --gc
  cleanverify || { bad=$((bad + 1)); echo "verify after killed collection $i:"; cat "$T/v"; }
  "$G/nix-store" --store "$C" --check-validity "$live" 2>/dev/null || lost=$((lost + 1))
  left=$((left + $(ls "$C/nix/store" | grep -c -- '-gc-[0-9]')))
done
echo "$killed of ${ITER:-40} collections killed; nixgo's verify --check-contents after each: $bad unclean; rooted path lost: $lost times"
echo "garbage entries left after the killed collections: $left in all (complete and partly deleted paths)"
"$G/nix-store" --store "$C" --gc >"$T/gc.out" 2>&1
echo "the last collection: $(tail -1 "$T/gc.out"); left: $(ls "$C/nix/store" | grep -c -- '-gc-[0-9]') garbage entries"
[ $bad = 0 ] && [ $lost = 0 ] && [ "$(ls "$C/nix/store" | grep -c -- '-gc-[0-9]')" = 0 ] || fails=$((fails + 1))
rm "$C/nix/var/nix/gcroots/gc-live"
killed=0 bad=0
# Leave complete results of each command, then one more killed run of each,
# for the final verifications.
"$G/nix" store add --store "$C" -n final-add "$D/tree" >/dev/null
export_as final-import; "$G/nix-store" --store "$C" --import <"$D/export" >/dev/null
killrun $((RANDOM % t_add + 1)) "$G/nix" store add --store "$C" -n last-add "$D/tree"
export_as last-import
killrun $((RANDOM % t_imp + 1)) sh -c "exec '$G/nix-store' --store '$C' --import <'$D/export'"
echo "restored trees present after a kill: $(ls -d "$T"/restore-* 2>/dev/null | wc -l), incomplete ones: $partial"
[ $bad = 0 ] && [ $partial = 0 ] || fails=$((fails + 1))
echo "valid paths: $("$G/nix" path-info --store "$C" --all | wc -l)"
echo "== CppNix: nix-store --verify --check-contents of the store of the killed commands"
"$ref" nix-store --store "$C" --verify --check-contents >"$T/ref.out" 2>&1
rc=$?
cat "$T/ref.out"
if [ $rc = 0 ] && ! grep -qvE '^(reading the Nix store|checking (path existence|link hashes|store hashes))\.\.\.$' "$T/ref.out"; then
  echo "CppNix: clean"
else
  echo "CppNix: ERRORS (exit $rc)"; fails=$((fails + 1))
fi

s=$T/store/nix/store
echo "== left in the store directory"
echo "temporary directories (tmp-*): $(ls -a "$s" | grep -c '^tmp-')"
echo "lock files (*.lock): $(ls -a "$s" | grep -c '\.lock$')"
echo "store paths on disk: $(ls "$s" | grep -vcE '^(tmp-|\.)|\.lock$'), valid: $("$G/nix" path-info --store "$T/store" --all | wc -l)"

echo "== nixgo: nix-store --verify --check-contents"
"$G/nix-store" --store "$T/store" --verify --check-contents && echo "nixgo: clean" || { echo "nixgo: ERRORS"; fails=$((fails + 1)); }
echo "== CppNix: nix-store --verify --check-contents"
"$ref" nix-store --store "$T/store" --verify --check-contents >"$T/ref.out" 2>&1
rc=$?
cat "$T/ref.out"
if [ $rc = 0 ] && ! grep -qvE '^(reading the Nix store|checking (path existence|link hashes|store hashes))\.\.\.$' "$T/ref.out"; then
  echo "CppNix: clean"
else
  echo "CppNix: ERRORS (exit $rc)"; fails=$((fails + 1))
fi
echo "== summary: $fails failure(s)"
exit $fails
