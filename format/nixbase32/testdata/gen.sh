#!/usr/bin/env bash
# gen.sh: regenerates vectors.txt with CppNix 2.26 (reference-nix). Run by hand from
# this directory; tests only read the committed output.
#
# Each line of vectors.txt is "<hex bytes> <nix32 encoding>" as printed by
# `nix hash convert --from base16 --to nix32` for byte strings of the four hash sizes.
set -euo pipefail
R=${REFERENCE_NIX:-/work/shared/tools/reference-nix}
out=vectors.txt
: >"$out"
for spec in md5:16 sha1:20 sha256:32 sha512:64; do
  algo=${spec%%:*} n=${spec##*:}
  inputs=(
    "$(python3 -c "print('00'*$n)")"
    "$(python3 -c "print('ff'*$n)")"
    "$(python3 -c "print(''.join('%02x'%i for i in range($n)))")"
    "$(python3 -c "print('01'+'00'*($n-1))")"
    "$(python3 -c "print('00'*($n-1)+'80')")"
    "$(python3 -c "import random; r=random.Random($n); print(''.join('%02x'%r.randrange(256) for _ in range($n)))")"
    "$(python3 -c "import random; r=random.Random($n+1); print(''.join('%02x'%r.randrange(256) for _ in range($n)))")"
  )
  mapfile -t encoded < <("$R" nix hash convert --hash-algo "$algo" --from base16 --to nix32 "${inputs[@]}")
  for i in "${!inputs[@]}"; do
    echo "${inputs[$i]} ${encoded[$i]}" >>"$out"
  done
done
