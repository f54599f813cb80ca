#!/usr/bin/env bash
# gen.sh: regenerates the store path vectors with CppNix 2.26 (reference-nix). Run by
# hand from this directory; tests only read the committed output.
#
#   paths.json  toFile (text) paths and fixed-output derivation paths (paths.nix)
#   ca.json     `nix path-info --json` of a content-addressed path with a reference and a
#               self-reference, made by `nix store make-content-addressed`
#   errors.txt  "<kind>\t<input>\t<error>": store path parse errors (builtins.storePath)
#               and name errors (builtins.toFile)
set -euo pipefail
R=${REFERENCE_NIX:-/work/shared/tools/reference-nix}
cp paths.nix /tmp/nixgo-paths.nix
"$R" nix-instantiate --extra-experimental-features dynamic-derivations --eval --strict --json /tmp/nixgo-paths.nix | jq . > paths.json

cat > /tmp/nixgo-selfref.nix <<'NIX'
let
  dep = derivation { name = "dep"; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" "echo dep > $out" ]; };
in derivation {
  name = "selfref"; system = builtins.currentSystem; builder = "/bin/sh";
  args = [ "-c" "echo ${dep} > $out; echo $out >> $out" ];
}
NIX
out=$("$R" nix-build /tmp/nixgo-selfref.nix --no-out-link 2>/dev/null)
ca=$("$R" nix store make-content-addressed --json "$out" 2>/dev/null | jq -r '.rewrites[]')
"$R" nix path-info --json --recursive "$ca" | jq 'map_values({ca, references, narHash, narSize})' > ca.json

: > errors.txt
err() { sed -n 's/^ *error: //p' | tail -1; }
for p in /nix/store/short /nix/store/0000000000000000000000000000000e-foo \
         /nix/store/0000000000000000000000000000000A-foo /nix/store/00000000000000000000000000000000-a:b \
         /nix/store/00000000000000000000000000000000- /tmp/x /nix/store/00000000000000000000000000000000-..; do
  printf 'storePath\t%s\t%s\n' "$p" "$("$R" nix-instantiate --eval --option pure-eval false -E "builtins.storePath \"$p\"" 2>&1 | err)" >> errors.txt
done
for n in 'a:b' '.' '..' '.-x' '..-x' '' 'a b' 'a/b' "$(printf 'a%.0s' $(seq 212))"; do
  printf 'toFile\t%s\t%s\n' "$n" "$("$R" nix-instantiate --eval -E "builtins.toFile \"$n\" \"y\"" 2>&1 | err)" >> errors.txt
done
