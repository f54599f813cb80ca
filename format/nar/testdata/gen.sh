#!/usr/bin/env bash
# gen.sh: regenerates the NAR vectors with CppNix 2.26 (reference-nix). Run by hand from
# this directory; tests only read the committed output.
#
# The inputs come from gen_test.go (go test -run TestGenerate -gen DIR):
#   trees/<name>.nar  `nix-store --dump` of each tree
#   bad.txt           "<name>\t<error>": the error of `nix-store --restore` for each
#                     malformed NAR, or "ok" if the reference accepts it (NUL bytes
#                     in messages are dropped)
set -euo pipefail
R=${REFERENCE_NIX:-/work/shared/tools/reference-nix}
here=$(pwd)
work=$(mktemp -d /tmp/nixgo-nar.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd .. && umask 022 && go test -count=1 -run TestGenerate . -args -gen "$work")
mkdir -p trees
rm -f trees/*.nar
for t in "$work"/trees/*; do
  "$R" nix-store --dump "$t" > "trees/$(basename "$t").nar"
done
: > bad.txt
for b in "$work"/bad/*.nar; do
  name=$(basename "$b" .nar)
  if out=$("$R" nix-store --restore "$work/restored-$name" < "$b" 2>&1); then
    printf '%s\tok\n' "$name" >> bad.txt
  else
    printf '%s\t%s\n' "$name" "$(printf '%s' "$out" | tr -d '\000' | sed -n 's/^error: //p' | head -1)" >> bad.txt
  fi
done
LC_ALL=C sort -o bad.txt bad.txt
