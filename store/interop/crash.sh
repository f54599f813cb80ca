#!/usr/bin/env bash
# crash.sh: kills nixgo with SIGKILL at random moments while it adds a large
# tree, restores a NAR (addToStore from a NAR with known metadata) and
# imports an export into one store, ITER times each (default 40; the test
# is TestCrashSafety in store/local), then checks the store with nixgo's and
# CppNix's nix-store --verify --check-contents. Output recorded in
# RESULTS.md.
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

s=$T/store/nix/store
echo "== left in the store directory"
echo "temporary directories (tmp-*): $(ls -a "$s" | grep -c '^tmp-')"
echo "lock files (*.lock): $(ls -a "$s" | grep -c '\.lock$')"
(cd "$repo" && go build -o "$T/storetool" ./store/internal/storetool)
echo "store paths on disk: $(ls "$s" | grep -vcE '^(tmp-|\.)|\.lock$'), valid: $("$T/storetool" --store "$T/store" list | wc -l)"

echo "== nixgo: verify --check-contents"
"$T/storetool" --store "$T/store" verify --check-contents && echo "nixgo: clean" || { echo "nixgo: ERRORS"; fails=$((fails + 1)); }
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
