# <nix/fetchurl.nix>: downloads one file with the fetcher built into Nix (the
# "builtin:fetchurl" builder), without any package from the store. Bootstrap
# code (nixpkgs' stdenv bootstrap tools) imports it.
#
# The result is a fixed-output derivation. Its attributes are exactly those
# CppNix's own fetchurl.nix gives, so that the .drv files and output paths are
# the same: do not add, rename or reorder anything that reaches `derivation`.
#
# The expected hash is `hash` (SRI, with its algorithm), else the first of
# the legacy sha512, sha1 and md5 arguments that is not empty, else sha256.
# With `unpack` or `executable` the output is hashed as a NAR.

let
  # The first legacy hash given, else sha256 (which may be empty).
  legacyHash =
    candidates: fallback:
    if candidates == [ ] then
      fallback
    else if (builtins.head candidates).value != "" then
      builtins.head candidates
    else
      legacyHash (builtins.tail candidates) fallback;
in

{
  url,
  name ? baseNameOf (toString url),
  hash ? "",
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  outputHash ?
    if hash != "" then
      hash
    else
      (legacyHash [
        { algo = "sha512"; value = sha512; }
        { algo = "sha1"; value = sha1; }
        { algo = "md5"; value = md5; }
      ] { algo = "sha256"; value = sha256; }).value,
  outputHashAlgo ?
    if hash != "" then
      ""
    else
      (legacyHash [
        { algo = "sha512"; value = sha512; }
        { algo = "sha1"; value = sha1; }
        { algo = "md5"; value = md5; }
      ] { algo = "sha256"; value = sha256; }).algo,
  executable ? false,
  unpack ? false,
  impure ? false,
  # Ignored: the fetcher runs inside Nix, whatever the platform.
  system ? "",
}:

let
  fetch = {
    builder = "builtin:fetchurl";
    system = "builtin";
    inherit name url executable unpack;
    urls = [ url ];
    outputHashMode = if executable || unpack then "recursive" else "flat";
    # Nothing to build: downloading here is as fast as anywhere.
    preferLocalBuild = true;
    # Kept for the sake of identical derivations; the fetcher ignores it.
    impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  };
  expected = if impure then { __impure = true; } else { inherit outputHash outputHashAlgo; };
in
derivation (fetch // expected)
