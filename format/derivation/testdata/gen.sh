#!/usr/bin/env bash
# gen.sh: regenerates the derivation vectors with CppNix 2.26 (reference-nix). Run by
# hand from this directory; tests only read the committed output.
#
# For every attribute of drvs.nix, and every derivation it depends on, drvs/ gets
# <base name of the .drv>.drv (the ATerm text, as the reference wrote it), and
# outputs.json maps each .drv path to the output paths the reference computed.
set -euo pipefail
R=${REFERENCE_NIX:-/work/shared/tools/reference-nix}
ROOT=${REFERENCE_NIX_ROOT:-/opt/reference-nix}
XP=(--extra-experimental-features "ca-derivations impure-derivations dynamic-derivations")
cp drvs.nix /tmp/nixgo-drvs.nix
rm -rf drvs && mkdir drvs
"$R" nix-instantiate "${XP[@]}" --eval --strict --json -E '
  let d = import /tmp/nixgo-drvs.nix; in
  builtins.mapAttrs (n: v: builtins.unsafeDiscardStringContext v.drvPath) d' > /tmp/nixgo-drvpaths.json
# --eval does not write .drv files; plain instantiation does.
"$R" nix-instantiate "${XP[@]}" /tmp/nixgo-drvs.nix > /dev/null 2>&1
paths=$(jq -r '.[]' /tmp/nixgo-drvpaths.json)
# The closure of the .drv files (their input derivations too).
closure=$("$R" nix-store -qR $paths | grep '\.drv$')
for p in $closure; do
  cp "$ROOT$p" "drvs/$(basename "$p")"
  chmod 644 "drvs/$(basename "$p")"
done
"$R" nix "${XP[@]}" derivation show $closure | jq 'map_values(.outputs | map_values(.path))' > outputs.json
jq . /tmp/nixgo-drvpaths.json > roots.json

# Malformed and odd .drv files (bad/*.drv, written by hand). Adding a .drv to the
# store parses it, so bad.json records the error of `nix-store --add`, or, for those
# the reference accepts, the derivation as `nix derivation show` prints it.
rm -rf /tmp/nixgo-baddrv && mkdir -p /tmp/nixgo-baddrv && cp bad/*.drv /tmp/nixgo-baddrv/
echo '{}' > bad.json
for f in bad/*.drv; do
  name=$(basename "$f" .drv)
  if p=$("$R" nix-store "${XP[@]}" --add "/tmp/nixgo-baddrv/$name.drv" 2>/tmp/nixgo-baddrv/err); then
    entry=$("$R" nix "${XP[@]}" derivation show "$p" | jq '{show: .[]}')
  else
    msg=$(sed -n '1{s/^error: //; s/^error parsing derivation .*: error: //; p}' /tmp/nixgo-baddrv/err)
    entry=$(jq -n --arg m "$msg" '{error: $m}')
  fi
  jq --arg n "$name" --argjson e "$entry" '.[$n] = $e' bad.json > bad.json.tmp && mv bad.json.tmp bad.json
done
