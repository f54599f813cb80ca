
{
  system ? "", # obsolete
  url,
  # The file's top keeps the layout of CppNix's fetchurl.nix (an empty first
  # line, the function at 2:1, `system` then `url`), as argument errors show
  # those lines; the description is at the end of the file.
  name ? baseNameOf (toString url),
  hash ? "",
  md5 ? "",
  sha1 ? "",
  sha256 ? "",
  sha512 ? "",
  outputHash ?
    if hash != "" then hash
    else if sha512 != "" then sha512
    else if sha1 != "" then sha1
    else if md5 != "" then md5
    else sha256,
  outputHashAlgo ?
    if hash != "" then ""
    else if sha512 != "" then "sha512"
    else if sha1 != "" then "sha1"
    else if md5 != "" then "md5"
    else "sha256",
  executable ? false,
  unpack ? false,
  impure ? false,
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
# With `unpack` or `executable` the output is hashed as a NAR. `system` is
# ignored: the fetcher runs inside Nix, whatever the platform.
