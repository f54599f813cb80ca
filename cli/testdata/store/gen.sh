#!/usr/bin/env bash
# gen.sh: runs the command lines of cases.txt with CppNix 2.26 (reference-nix)
# and records their exit status, standard output and standard error in
# golden.txt, which TestStoreCommands (cli/storecmd_test.go) replays with
# nixgo. Run it after changing cases.txt or the fixture:
#
#   cli/testdata/store/gen.sh
#
# The commands run one after the other in $T (a fresh directory holding the
# fixture: the tree t, made below exactly as the Go test makes it, and the
# files of fixture/), against the chroot stores $S ($T/s) and $S2 ($T/s2),
# with only the experimental feature nix-command. "corrupt FILE" appends a
# byte to a file of a store object; "ln -s", "mkdir -p", "touch" and "rm"
# prepare garbage collector roots and leftovers; "VAR=VALUE" words before a
# command set its environment; "asroot CMD" runs CMD only when the tests run
# as root (nix-collect-garbage -d looks elsewhere for others' profiles).
# Lines are shell words with single quotes, '< FILE' and '> FILE'; the Go
# test understands no more than that.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ref=${REFERENCE_NIX:-$(cd "$here/../../../../shared/tools" && pwd)/reference-nix}
T=${GOLDEN_DIR:-/tmp/nixgo-cli-golden}
S=$T/s
S2=$T/s2
export NIX_CONFIG='experimental-features = nix-command'

rm -rf "$T"; mkdir -p "$T"
cp "$here"/fixture/* "$T"/
cd "$T"
# The tree t (see writeStoreFixture in storecmd_test.go).
mkdir -p t/empty t/sub/deep 't/ünï'
printf 'hello\n' >t/a
: >t/e
printf 'deep\n' >t/sub/deep/f
ln -s a t/link
printf '#!/bin/sh\n' >t/x
chmod 755 t/x
printf 'grüße\n' >'t/ünï/日本.txt'

for c in nix nix-store nix-hash nix-instantiate nix-collect-garbage; do
  eval "$c() { \"\$ref\" $c \"\$@\"; }"
done

# text FILE prints FILE with $T for the directory, and a line "\ no newline"
# after a last line without a newline.
text() {
  sed "s|$T|\$T|g; s/\x00/\\\\x00/g" "$1"
  if [ -s "$1" ] && [ "$(tail -c1 "$1" | od -An -tx1 | tr -d ' ')" != 0a ]; then
    printf '\n\\ no newline\n'
  fi
}

# corrupt FILE appends a byte to a file of a store object.
corrupt() { chmod u+w "$(dirname "$1")" "$1"; printf x >>"$1"; }

# asroot CMD runs CMD (the reference runs as root).
asroot() { "$@"; }

out=${GOLDEN_OUT:-$here/golden.txt}
: >"$out"
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  set +e
  eval "$line" >"$T/.stdout" 2>"$T/.stderr"
  rc=$?
  set -e
  {
    echo "=== $line"
    echo "--- stdout"
    if [ "$(tr -d '\0' <"$T/.stdout" | wc -c)" != "$(wc -c <"$T/.stdout")" ] || ! iconv -f UTF-8 -t UTF-8 "$T/.stdout" >/dev/null 2>&1; then
      echo "binary $(wc -c <"$T/.stdout") $(sha256sum <"$T/.stdout" | cut -d' ' -f1)"
    else
      text "$T/.stdout"
    fi
    echo "--- stderr"
    text "$T/.stderr"
    echo "--- exit $rc"
  } >>"$out"
done <"$here/cases.txt"
echo "wrote $out"
