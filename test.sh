#!/usr/bin/env bash
# The test command of the README: all unit tests, with the upstream Nix language
# suite when NIXGO_LANG_SUITE points at it (../shared/conformance/nix-lang).
set -euo pipefail
cd "$(dirname "$0")"
if [ -z "${NIXGO_LANG_SUITE:-}" ] && [ -d ../shared/conformance/nix-lang ]; then
  export NIXGO_LANG_SUITE=$(cd ../shared/conformance/nix-lang && pwd)
fi
go test -count=1 ./...
