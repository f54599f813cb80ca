#!/usr/bin/env bash
# gen.sh: regenerates the expected results of cases.nix with CppNix 2.26
# (reference-nix). Run by hand from this directory; tests only read the
# committed output.
#
#   roots.json  each attribute of cases.nix: its drvPath and output paths
#               (placeholders for outputs known only after building)
#   drvs/       every .drv file in the closure of those derivations, as the
#               reference wrote it
set -euo pipefail
R=${REFERENCE_NIX:-/work/shared/tools/reference-nix}
ROOT=${REFERENCE_NIX_ROOT:-/opt/reference-nix}
XP=(--extra-experimental-features "ca-derivations impure-derivations dynamic-derivations")
unset NIX_REMOTE
# Plain instantiation writes the .drv files (and the sources) to the store;
# --eval only computes paths, and needs those files for drvPath contexts.
"$R" nix-instantiate "${XP[@]}" ./cases.nix > /dev/null 2>&1
"$R" nix-instantiate "${XP[@]}" --eval --strict --json -E '
  let d = import ./cases.nix; discard = builtins.unsafeDiscardStringContext; in
  builtins.mapAttrs (n: v: {
    drvPath = discard v.drvPath;
    outputs = builtins.listToAttrs (map (o: { name = o.outputName; value = discard o.outPath; }) v.all);
  }) d' | jq -S . > roots.json
rm -rf drvs && mkdir drvs
closure=$("$R" nix-store -qR $(jq -r '.[].drvPath' roots.json) | grep '\.drv$')
for p in $closure; do
  cp "$ROOT$p" "drvs/$(basename "$p")"
  chmod 644 "drvs/$(basename "$p")"
done

# Errors (and a few successes) of one-line expressions, evaluated as the
# language tests do: --eval --strict with the dummy store. errors.txt holds
# "name<TAB>expression" lines; errors.json gets stderr, and "ok: <stdout>"
# when the evaluation succeeds.
echo '[]' > errors.json
while IFS=$'\t' read -r name expr; do
  if out=$(NIX_REMOTE=dummy:// "$R" nix-instantiate --eval --strict -E "$expr" 2>/tmp/nixgo-drv-err); then
    stderr=$(cat /tmp/nixgo-drv-err; echo "ok: $out")
  else
    stderr=$(cat /tmp/nixgo-drv-err)
  fi
  jq --arg n "$name" --arg e "$expr" --arg s "$stderr"$'\n' '. += [{name: $n, expr: $e, stderr: $s}]' errors.json > errors.json.tmp
  mv errors.json.tmp errors.json
done < errors.txt
