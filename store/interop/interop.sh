#!/usr/bin/env bash
# interop.sh: checks that CppNix 2.26 (reference-nix) and nixgo can share a
# store, through the real commands (nix-store, nix-instantiate, nix path-info,
# nix derivation show): each reads and verifies what the other wrote, both
# write the same paths and database rows, exports cross over, and both write
# one store at the same time. Go tests must not run reference-nix, so this is a script;
# its output is recorded in RESULTS.md.
#
#   store/interop/interop.sh [NIXPKGS]     (default /work/ext/nixpkgs)
#
# Every check prints "ok: ..." or "FAIL: ..."; the exit status is the number
# of failures.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ref=${REFERENCE_NIX:-$(cd "$repo/../shared/tools" 2>/dev/null && pwd)/reference-nix}
nixpkgs=${1:-/work/ext/nixpkgs}
T=$(mktemp -d /tmp/nixgo-interop.XXXXXX)
fails=0

ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # check DESCRIPTION COMMAND...
  local d=$1; shift
  if "$@" >"$T/out" 2>&1; then ok "$d"; else fail "$d"; sed 's/^/    /' "$T/out" | head -20; fi
}
same() { # same DESCRIPTION FILE1 FILE2
  if cmp -s "$2" "$3"; then ok "$1 ($(wc -l <"$2") lines)"; else fail "$1"; diff "$2" "$3" | head -10 | sed 's/^/    /'; fi
}

# verify IMPL STORE: --verify --check-contents must succeed and say nothing
# but its progress lines.
verify() {
  if [ "$1" = ref ]; then "$ref" nix-store --store "$2" --verify --check-contents >"$T/v" 2>&1
  else "$NB/nix-store" --store "$2" --verify --check-contents >"$T/v" 2>&1; fi
  local rc=$?
  cat "$T/v"
  [ $rc = 0 ] && ! grep -qvE '^(reading the Nix store|checking (path existence|link hashes|store hashes))\.\.\.$' "$T/v"
}

echo "building nixgo into $T/bin"
mkdir -p "$T/bin"
(cd "$repo" && go build -o "$T/bin/nixgo" ./cmd/nixgo && go build -o "$T/bin/storetool" ./store/internal/storetool) || exit 100
for n in nix nix-store nix-instantiate nix-collect-garbage; do ln -s nixgo "$T/bin/$n"; done
NB=$T/bin
go="$NB/nix-instantiate"
tool="$T/bin/storetool" # only to hold a temporary root while CppNix collects garbage
export NIX_CONFIG='experimental-features = nix-command'

# A tree with an executable, a symlink, an empty directory, unicode names
# and a 20 MB file.
tree=$T/tree
mkdir -p "$tree/bin" "$tree/empty" "$tree/dir/ünïcödé"
printf '#!/bin/sh\necho hi\n' >"$tree/bin/run"; chmod +x "$tree/bin/run"
ln -s bin/run "$tree/link"
echo "grüße" >"$tree/dir/ünïcödé/日本語.txt"
head -c 20000000 /dev/urandom >"$tree/big"

echo "== nixgo writes store A, CppNix writes store B"
A=$T/A B=$T/B
(cd "$(dirname "$nixpkgs")" && "$go" --store "$A" "$nixpkgs" -A hello >"$T/drv.go" 2>/dev/null)
(cd "$(dirname "$nixpkgs")" && "$ref" nix-instantiate --store "$B" "$nixpkgs" -A hello >"$T/drv.ref" 2>/dev/null)
same "nix-instantiate -A hello prints the same .drv path" "$T/drv.go" "$T/drv.ref"
drv=$(cat "$T/drv.go")
ls "$A/nix/store" | grep '\.drv$' >"$T/drvs.go"; ls "$B/nix/store" | grep '\.drv$' >"$T/drvs.ref"
same "the same .drv files ($(wc -l <"$T/drvs.go") files)" "$T/drvs.go" "$T/drvs.ref"
n=0; for f in $(cat "$T/drvs.ref"); do cmp -s "$A/nix/store/$f" "$B/nix/store/$f" || n=$((n + 1)); done
[ $n = 0 ] && ok ".drv files byte for byte identical" || fail "$n .drv files differ"
"$NB/nix-store" --store "$A" --add "$tree" >"$T/add.go" 2>&1
"$ref" nix-store --store "$B" --add "$tree" >"$T/add.ref" 2>&1
same "nix-store --add of a tree gives the same path" "$T/add.go" "$T/add.ref"

echo "== each verifies the other's store"
check "CppNix: nix-store --verify --check-contents on nixgo's store" verify ref "$A"
check "nixgo: verify --check-contents on CppNix's store" verify go "$B"

echo "== both read the same metadata"
"$ref" nix-store --store "$A" --dump-db >"$T/A.ref.db" 2>/dev/null
"$NB/nix-store" --store "$A" --dump-db >"$T/A.go.db"
"$ref" nix-store --store "$B" --dump-db >"$T/B.ref.db" 2>/dev/null
"$NB/nix-store" --store "$B" --dump-db >"$T/B.go.db"
same "dump-db of nixgo's store: CppNix and nixgo agree" "$T/A.ref.db" "$T/A.go.db"
same "dump-db of CppNix's store: CppNix and nixgo agree" "$T/B.ref.db" "$T/B.go.db"
same "dump-db: nixgo's store equals CppNix's" "$T/A.go.db" "$T/B.go.db"
for s in A B; do
  "$ref" nix path-info --store "${!s}" -r "$drv" >"$T/$s.pi.ref" 2>/dev/null
  "$NB/nix" path-info --store "${!s}" -r "$drv" >"$T/$s.pi.go"
  same "nix path-info -r of hello.drv in store $s: CppNix and nixgo agree" "$T/$s.pi.ref" "$T/$s.pi.go"
done
for s in A B; do
  "$ref" nix path-info --store "${!s}" -r --json "$drv" 2>/dev/null | sed 's/"registrationTime":[0-9]*//g' >"$T/$s.pij.ref"
  "$NB/nix" path-info --store "${!s}" -r --json "$drv" | sed 's/"registrationTime":[0-9]*//g' >"$T/$s.pij.go"
  same "nix path-info -r --json of hello.drv in store $s (registration times left out): CppNix and nixgo agree" "$T/$s.pij.ref" "$T/$s.pij.go"
  "$ref" nix-store --store "${!s}" -q --tree "$drv" >"$T/$s.tree.ref" 2>/dev/null
  "$NB/nix-store" --store "${!s}" -q --tree "$drv" >"$T/$s.tree.go"
  same "nix-store -q --tree of hello.drv in store $s: CppNix and nixgo agree" "$T/$s.tree.ref" "$T/$s.tree.go"
done
"$ref" nix derivation show --store "$A" -r "$drv" >"$T/show.ref" 2>/dev/null
"$NB/nix" derivation show --store "$A" -r "$drv" >"$T/show.go"
same "nix derivation show -r of hello.drv: CppNix and nixgo agree" "$T/show.ref" "$T/show.go"
python3 - "$A/nix/var/nix/db/db.sqlite" "$B/nix/var/nix/db/db.sqlite" >"$T/sql" 2>&1 <<'EOF'
import sqlite3, sys
def rows(p):
    c = sqlite3.connect(f'file:{p}?mode=ro', uri=True)
    return [sorted(c.execute(q)) for q in [
        'select path, hash, deriver, narSize, ultimate, sigs, ca from ValidPaths',
        'select a.path, b.path from Refs join ValidPaths a on referrer = a.id join ValidPaths b on reference = b.id',
        'select v.path, d.id, d.path from DerivationOutputs d join ValidPaths v on d.drv = v.id',
        'select type, name, tbl_name from sqlite_master']] + [c.execute('pragma journal_mode').fetchall()]
a, b = rows(sys.argv[1]), rows(sys.argv[2])
for name, x, y in zip(['ValidPaths', 'Refs', 'DerivationOutputs', 'schema objects', 'journal mode'], a, b):
    print(name, len(x), 'same' if x == y else 'DIFFERENT')
sys.exit(a != b)
EOF
if [ $? = 0 ]; then ok "database rows and schema objects identical: $(tr '\n' ';' <"$T/sql")"; else fail "databases differ"; cat "$T/sql"; fi
cmp -s "$A/nix/var/nix/db/schema" "$B/nix/var/nix/db/schema" && ok "db/schema files identical ($(cat "$A/nix/var/nix/db/schema"))" || fail "db/schema files differ"

echo "== each writes into the other's store"
mkdir -p "$T/t2"; echo "second tree" >"$T/t2/f"
"$ref" nix-store --store "$A" --add "$T/t2" >/dev/null 2>&1
"$NB/nix-store" --store "$B" --add "$T/t2" >/dev/null
check "nixgo verifies its store after CppNix added to it" verify go "$A"
check "CppNix verifies its store after nixgo added to it" verify ref "$B"
(cd "$(dirname "$nixpkgs")" && "$go" --store "$B" "$nixpkgs" -A hello >/dev/null 2>&1) && ok "nixgo instantiates hello into CppNix's store" || fail "nixgo instantiate into CppNix's store"
(cd "$(dirname "$nixpkgs")" && "$ref" nix-instantiate --store "$A" "$nixpkgs" -A hello >/dev/null 2>&1) && ok "CppNix instantiates hello into nixgo's store" || fail "CppNix instantiate into nixgo's store"

echo "== export and import across implementations"
tp=$(cat "$T/add.go")
closure=$("$NB/nix-store" --store "$A" -qR "$drv" "$tp")
"$NB/nix-store" --store "$A" --export $closure >"$T/go.export"
"$ref" nix-store --store "$B" --export $closure >"$T/ref.export" 2>/dev/null
same "nix-store --export output identical" "$T/go.export" "$T/ref.export"
"$ref" nix-store --store "$T/C" --import <"$T/go.export" >"$T/imp.ref" 2>&1 && ok "CppNix imports nixgo's export" || { fail "CppNix import"; cat "$T/imp.ref"; }
"$NB/nix-store" --store "$T/D" --import <"$T/ref.export" >"$T/imp.go" 2>&1 && ok "nixgo imports CppNix's export" || { fail "nixgo import"; cat "$T/imp.go"; }
check "CppNix verifies the store nixgo imported into" verify ref "$T/D"
check "nixgo verifies the store CppNix imported into" verify go "$T/C"

echo "== both write one store at the same time"
E=$T/E
"$NB/nix-store" --store "$E" --add "$T/t2" >/dev/null
(cd "$(dirname "$nixpkgs")" && "$ref" nix-instantiate --store "$E" "$nixpkgs" -A hello >/dev/null 2>"$T/conc.ref") &
refpid=$!
for i in $(seq 1 20); do
  mkdir -p "$T/c$i"; echo "$i" >"$T/c$i/f"; head -c 100000 /dev/urandom >"$T/c$i/r"
  "$NB/nix-store" --store "$E" --add "$T/c$i" >/dev/null || fail "nixgo add $i during CppNix's instantiation"
done
(cd "$(dirname "$nixpkgs")" && "$go" --store "$E" "$nixpkgs" -A hello >/dev/null 2>"$T/conc.go") || fail "nixgo instantiate during CppNix's"
wait $refpid && ok "CppNix's instantiation succeeded while nixgo wrote" || { fail "CppNix's concurrent instantiation"; cat "$T/conc.ref"; }
check "CppNix verifies the shared store" verify ref "$E"
check "nixgo verifies the shared store" verify go "$E"
ls "$E/nix/store" | grep '\.drv$' | wc -l | grep -qx 136 && ok "the shared store has the 136 .drv files" || fail "shared store .drv count"

echo "== CppNix's garbage collector honours nixgo's roots"
G=$T/G
(cd "$T" && "$go" --store "$G" -E 'derivation { name = "rooted"; system = "x"; builder = "/bin/sh"; }' --add-root "$T/root" >/dev/null 2>&1)
(cd "$T" && "$go" --store "$G" -E 'derivation { name = "garbage"; system = "x"; builder = "/bin/sh"; }' >/dev/null 2>&1)
echo "in use" | "$tool" --store "$G" add-text in-use 8 >"$T/held" &
holder=$!
sleep 2
"$ref" nix-store --store "$G" --gc >"$T/gc.out" 2>&1 || { fail "CppNix's GC"; cat "$T/gc.out"; }
ls "$G/nix/store" | grep -q -- '-rooted.drv$' && ok "a path rooted with nixgo's --add-root survives CppNix's GC" || fail "rooted path collected"
ls "$G/nix/store" | grep -q -- '-garbage.drv$' && fail "garbage not collected" || ok "an unrooted path is collected"
ls "$G/nix/store" | grep -q -- '-in-use$' && ok "a path in use by a running nixgo (temporary root) survives CppNix's GC" || fail "temporary root not honoured"
wait $holder
check "nixgo verifies the store after CppNix's GC" verify go "$G"

echo "== nixgo's garbage collector on a store CppNix uses"
H=$T/H
(cd "$T" && "$ref" nix-instantiate --store "$H" -E 'derivation { name = "ref-rooted"; system = "x"; builder = "/bin/sh"; }' --add-root "$T/ref-root" >/dev/null 2>&1)
(cd "$T" && "$ref" nix-instantiate --store "$H" -E 'derivation { name = "ref-garbage"; system = "x"; builder = "/bin/sh"; }' >/dev/null 2>&1)
"$ref" nix-store --store "$H" --add "$tree" >/dev/null 2>&1
mkdir -p "$H/nix/var/nix/profiles" && ln -s "$(cat "$T/add.ref")" "$H/nix/var/nix/profiles/tree-1-link"
# A running CppNix holds a temporary root (its evaluation blocks on a FIFO).
mkfifo "$T/hold"
"$ref" nix-instantiate --store "$H" --eval --read-write-mode -E "let p = builtins.toFile \"ref-held\" \"held\"; in builtins.seq p (builtins.readFile $T/hold)" >"$T/held.out" 2>&1 &
refholder=$!
for i in $(seq 1 100); do grep -q ref-held "$H"/nix/var/nix/temproots/* 2>/dev/null && break; sleep 0.1; done
"$NB/nix-store" --store "$H" --gc --print-roots >"$T/rootsH" 2>&1
grep -q "^{temp:[0-9]*} -> /nix/store/[a-z0-9]*-ref-held$" "$T/rootsH" && grep -q "^$T/ref-root -> .*-ref-rooted.drv$" "$T/rootsH" &&
  ok "nixgo finds CppNix's roots: $(grep -c . "$T/rootsH") (--add-root, profile, temporary root of a running CppNix)" || { fail "nixgo's --print-roots"; cat "$T/rootsH"; }
"$NB/nix-store" --store "$H" --gc >"$T/gcH.out" 2>&1 || { fail "nixgo's GC"; cat "$T/gcH.out"; }
ls "$H/nix/store" | grep -q -- '-ref-rooted.drv$' && ok "a path rooted with CppNix's --add-root survives nixgo's GC" || fail "rooted path collected"
ls "$H/nix/store" | grep -qx -- "$(basename "$(cat "$T/add.ref")")" && ok "a profile generation survives nixgo's GC" || fail "profile generation collected"
ls "$H/nix/store" | grep -q -- '-ref-held$' && ok "a path in use by a running CppNix (temporary root) survives nixgo's GC" || fail "CppNix's temporary root not honoured"
ls "$H/nix/store" | grep -q -- '-ref-garbage.drv$' && fail "garbage not collected" || ok "an unrooted path is collected: $(tail -1 "$T/gcH.out")"
echo >"$T/hold"; wait $refholder
# CppNix adds paths while nixgo collects: nixgo's collector pauses after
# finding the roots (CppNix's _NIX_TEST_GC_SYNC_2 hook), CppNix cannot take
# the GC lock, so it sends its roots to nixgo's socket.
mkfifo "$T/sync"
rm -f "$H/nix/var/nix/gc-socket/socket"
_NIX_TEST_GC_SYNC_2=$T/sync "$NB/nix-store" --store "$H" --gc --debug >"$T/gcH2.out" 2>&1 &
gcpid=$!
for i in $(seq 1 100); do [ -S "$H/nix/var/nix/gc-socket/socket" ] && break; sleep 0.1; done
mkdir -p "$T/t3"; echo "added during nixgo's GC" >"$T/t3/f"
"$ref" nix-store --store "$H" --add "$T/t3" >"$T/t3.ref" 2>&1 || { fail "CppNix's add during nixgo's GC"; cat "$T/t3.ref"; }
(cd "$T" && "$ref" nix-instantiate --store "$H" -E 'derivation { name = "ref-during-gc"; system = "x"; builder = "/bin/sh"; }' >"$T/drv3.ref" 2>/dev/null)
echo >"$T/sync"; wait $gcpid || { fail "nixgo's GC during CppNix's adds"; tail "$T/gcH2.out"; }
n=$(grep -c "got new GC root" "$T/gcH2.out")
[ "$n" -ge 2 ] && ok "CppNix sent $n roots to nixgo's collector's socket" || fail "no roots came through nixgo's socket"
[ -e "$H$(cat "$T/t3.ref")" ] && [ -e "$H$(cat "$T/drv3.ref")" ] && ok "paths CppNix added during nixgo's GC survive it" || fail "paths added during the GC were collected"
check "CppNix verifies the store after nixgo's GCs" verify ref "$H"
check "nixgo verifies the store after its GCs" verify go "$H"
# And the other way round: nixgo adds while CppNix collects.
rm -f "$H/nix/var/nix/gc-socket/socket"
_NIX_TEST_GC_SYNC_2=$T/sync "$ref" nix-store --store "$H" --gc --debug >"$T/gcH3.out" 2>&1 &
gcpid=$!
for i in $(seq 1 100); do [ -S "$H/nix/var/nix/gc-socket/socket" ] && break; sleep 0.1; done
mkdir -p "$T/t4"; echo "added during CppNix's GC" >"$T/t4/f"
"$NB/nix-store" --store "$H" --add "$T/t4" >"$T/t4.go" 2>&1 || { fail "nixgo's add during CppNix's GC"; cat "$T/t4.go"; }
echo >"$T/sync"; wait $gcpid || { fail "CppNix's GC during nixgo's add"; tail "$T/gcH3.out"; }
grep -q "got new GC root '$(cat "$T/t4.go")'" "$T/gcH3.out" && ok "nixgo sent its root to CppNix's collector's socket" || fail "nixgo's root did not come through CppNix's socket"
[ -e "$H$(cat "$T/t4.go")" ] && ok "a path nixgo added during CppNix's GC survives it" || fail "path added during CppNix's GC collected"
"$NB/nix-collect-garbage" --store "$H" >"$T/gcH4.out" 2>&1 && ok "nix-collect-garbage: $(tail -1 "$T/gcH4.out")" || { fail "nix-collect-garbage"; cat "$T/gcH4.out"; }
check "CppNix verifies the store after all the collections" verify ref "$H"

echo "== a NAR with '..' is refused and writes nothing"
python3 - "$T/bad.nar" <<'EOF'
import struct, sys
def s(x):
    b = x.encode()
    return struct.pack('<Q', len(b)) + b + b'\0' * ((8 - len(b) % 8) % 8)
parts = ['nix-archive-1', '(', 'type', 'directory', 'entry', '(', 'name', '..', 'node',
         '(', 'type', 'regular', 'contents', 'x', ')', ')', ')']
open(sys.argv[1], 'wb').write(b''.join(s(p) for p in parts))
EOF
before=$(ls -a "$A/nix/store" | wc -l)
printf '\x01\0\0\0\0\0\0\0' >"$T/bad.export"; cat "$T/bad.nar" >>"$T/bad.export"
if "$NB/nix-store" --store "$A" --import <"$T/bad.export" >"$T/bad.out" 2>&1; then fail "bad NAR accepted"; else ok "bad NAR refused: $(tail -1 "$T/bad.out")"; fi
[ "$(ls -a "$A/nix/store" | wc -l)" = "$before" ] && ok "store unchanged after the bad NAR" || fail "store changed"

echo "== summary: $fails failure(s); work directory $T"
exit $fails
