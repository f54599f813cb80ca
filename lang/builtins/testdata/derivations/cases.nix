# cases.nix: derivations instantiated by the reference (gen.sh) and by
# derivation_test.go. Each attribute is a derivation; the test compares its
# drvPath, its output paths and the text of every .drv file written with what
# CppNix 2.26 produced. Needs the experimental features ca-derivations,
# impure-derivations and dynamic-derivations.
let
  sys = "x86_64-linux";
  mk = attrs: derivation ({ system = sys; builder = "/bin/sh"; } // attrs);
  fod = name: attrs: mk ({ inherit name; } // attrs);

  sha256a = {
    base16 = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    nix32 = "1fs8xspqaxw0p5r4wz0lz3pqd9sdvhirmcriqbxcmg8vr89835ya";
    base64 = "ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=";
    sri = "sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=";
  };

  simple = mk { name = "simple"; args = [ "-c" "echo" ]; };
  multi = mk { name = "multi"; outputs = [ "out" "dev" "lib" "bin" ]; };
  fodFlat = fod "fod-flat" { outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = sha256a.base16; };
  fodSame = fod "fod-flat" { outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = sha256a.base16; extra = "changes the drv, not the output"; };
  floating = mk { name = "floating"; __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; };
  tofile = builtins.toFile "script.sh" "echo ${./src/file.txt}";
in
{
  inherit simple multi fodFlat floating;

  escapes = mk {
    name = "escapes";
    args = [ "quote\"" "back\\slash" "new\nline" "cr\rret" "tab\tx" "dollar$" "unicode é 日本" "" ];
    env1 = "a\"b\\c\nd\re\tf";
    "weird name" = "x";
  };

  # Values coerced to strings as derivation attributes.
  coerced = mk {
    name = "coerced";
    args = [ 1 true false null 2.5 [ "a" [ "b" ] ] (-3) ];
    int = 42;
    float = 0.1;
    yes = true;
    no = false;
    nothing = null;
    list = [ "x" 1 [ ] "y" ];
    drvs = [ simple multi.dev ];
    withToString = { __toString = self: "from __toString"; };
  };

  unsortedOutputs = mk { name = "unsorted-outputs"; outputs = [ "lib" "out" "dev" ]; };
  # derivation needs a list; derivationStrict splits a string.
  outputsString =
    let s = builtins.derivationStrict { name = "outputs-string"; system = sys; builder = "/bin/sh"; outputs = " bin\tout\n"; };
    in { type = "derivation"; name = "outputs-string"; outputName = "out"; outPath = s.out; inherit (s) drvPath; all = map (o: { outputName = o; outPath = s.${o}; }) [ "bin" "out" ]; };
  namePunct = mk { name = "a+b-c.d_e?f=g"; };
  placeholders = mk { name = "placeholders"; outputs = [ "out" "dev" ]; p = builtins.placeholder "out"; d = "${builtins.placeholder "dev"}/include"; };
  passAsFile = mk { name = "pass-as-file"; passAsFile = [ "big" ]; big = "lots of text"; };
  ignoreNulls = mk { name = "ignore-nulls"; __ignoreNulls = true; a = null; b = "kept"; outputHash = null; };
  ignoreNullsFalse = mk { name = "ignore-nulls-false"; __ignoreNulls = false; a = null; };
  outAttr = mk { name = "out-attr"; out = "overridden"; dev = "x"; };

  # Dependencies.
  deps = mk {
    name = "deps";
    a = simple;
    b = "${(mk { name = "multi2"; outputs = [ "out" "dev" ]; }).dev}";
    c = fodFlat;
    d = [ multi.lib multi.bin multi ];
  };
  sameFods = mk { name = "same-fods"; a = fodFlat; b = fodSame; };
  onFod = mk { name = "on-fod"; dep = fodSame; };
  chain = mk { name = "chain"; dep = mk { name = "chain-1"; dep = mk { name = "chain-2"; dep = simple; }; }; };
  onFloating = mk { name = "on-floating"; dep = floating; outputs = [ "out" "doc" ]; };
  drvFileOnly = mk { name = "drv-file-only"; d = builtins.unsafeDiscardOutputDependency simple.drvPath; };
  appended = mk {
    name = "appended";
    x = builtins.appendContext "" {
      ${builtins.unsafeDiscardStringContext multi.drvPath} = { outputs = [ "dev" "lib" ]; };
      ${builtins.unsafeDiscardStringContext tofile} = { path = true; };
    };
  };

  # The closure of a drvPath: every derivation with all its outputs, and the
  # sources.
  deep = mk { name = "deep"; d = (mk { name = "deep-1"; src = tofile; dep = multi; }).drvPath; };
  deepAdded = mk { name = "deep-added"; d = builtins.addDrvOutputDependencies (builtins.unsafeDiscardOutputDependency simple.drvPath); };

  # Sources.
  pathAttr = mk { name = "path-attr"; src = ./src/file.txt; };
  pathInterp = mk { name = "path-interp"; src = "${./src/dir}/a"; args = [ ./src/file.txt ]; };
  withToFile = mk { name = "with-tofile"; script = tofile; };
  builderPath = derivation { name = "builder-path"; system = sys; builder = ./src/file.txt; };

  # Fixed outputs in every mode, algorithm and encoding.
  fodNix32 = fod "fod-nix32" { outputHashAlgo = "sha256"; outputHash = sha256a.nix32; };
  fodBase64 = fod "fod-base64" { outputHashAlgo = "sha256"; outputHash = sha256a.base64; };
  fodSRI = fod "fod-sri" { outputHash = sha256a.sri; };
  fodSRIAlgo = fod "fod-sri-algo" { outputHashAlgo = "sha256"; outputHash = sha256a.sri; };
  fodPrefixed = fod "fod-prefixed" { outputHash = "sha256:" + sha256a.nix32; };
  fodEmptyAlgo = fod "fod-empty-algo" { outputHashAlgo = ""; outputHash = sha256a.sri; };
  fodRecursive = fod "fod-rec" { outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "1780kkasxvkkrd52rm4801xbv2rln7hn8ragi4rlln9r00bfh8ry"; };
  fodNar = fod "fod-nar" { outputHashMode = "nar"; outputHash = sha256a.sri; };
  fodRecSha1 = fod "fod-rec-sha1" { outputHashMode = "recursive"; outputHash = "sha1-hKUWhBuneltGSN4s0N/LMOpG27Q="; };
  fodSha1 = fod "fod-sha1" { outputHashAlgo = "sha1"; outputHash = "11f6ad8ec52a2984abaafd7c3b516503785c2072"; };
  fodMd5 = fod "fod-md5" { outputHashMode = "flat"; outputHashAlgo = "md5"; outputHash = "8277e0910d750195b448797616e091ad"; };
  fodMd5Nix32 = fod "fod-md5-nix32" { outputHashAlgo = "md5"; outputHash = "5dj7h1cxkr92s9a0bm1n8y0xw2"; };
  fodSha512 = fod "fod-sha512" { outputHashAlgo = "sha512"; outputHash = "260sda74c9izig21pyvkk6ncbd1dv0iwzn7w14iks2sdbbzff4iqs71mwba5n7xhqpr7sdw48ydvi3pkbhqw7lipjqm1ym56zh6iic7"; };
  fodSha512SRI = fod "fod-sha512-sri" { outputHashMode = "recursive"; outputHash = "sha512-h8Vo4Del+lCxvJEejuGad8TdPCK86ZMvhv3Yohav4WgciXN/raaFnpEEfuznEewW2mLWzLn9DeLFHxMjRzUNjA=="; };
  fodText = fod "fod-text" { outputHashMode = "text"; outputHashAlgo = "sha256"; outputHash = "252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111"; };
  fodTextDrv = fod "fod-text.drv" { outputHashMode = "text"; outputHash = sha256a.sri; };
  fodWithDeps = fod "fod-with-deps" { outputHash = sha256a.sri; dep = simple; src = ./src/file.txt; };

  # Content-addressed and impure derivations (experimental features).
  floatingSha512 = mk { name = "floating-sha512"; __contentAddressed = true; outputHashAlgo = "sha512"; outputs = [ "out" "dev" ]; };
  floatingFlat = mk { name = "floating-flat"; __contentAddressed = true; outputHashMode = "flat"; };
  impure = mk { name = "impure"; __impure = true; };
  onImpure = mk { name = "on-impure"; dep = (mk { name = "impure-dep"; __impure = true; }); };
  caFalse = mk { name = "ca-false"; __contentAddressed = false; __impure = false; };

  # Structured attributes: everything as JSON in __json.
  structured = mk {
    name = "structured";
    __structuredAttrs = true;
    outputs = [ "out" "dev" ];
    list = [ 1 2 "x" ];
    nested.attr = true;
    ints = [ 0 (-1) 9223372036854775807 ];
    floats = [ 0.0 (-0.0) 1.0 1.5 0.1 100.0 1.0e15 1.0e16 1.5e-5 0.0001 123456.789 3.0e300 ];
    strings = [ "" "quote\" back\\ nl\n tab\t cr\r" "\u0001\u001f\u007f" "é 日本 €" "/slash" ];
    nothing = null;
    yes = true;
    empty = { };
    emptyList = [ ];
    path = ./src/file.txt;
    dir = ./src/dir;
    drv = simple;
    drvs = [ multi.dev fodFlat ];
    withToString = { __toString = self: "str"; };
    withOutPath = { outPath = "/some/path"; other = 1; };
    "key with space" = 1;
    "B" = 2;
    "_" = 3;
    allowedReferences = [ ];
    maxSize = 1;
  };
  structuredEmpty = mk { name = "structured-empty"; __structuredAttrs = true; };
  structuredFalse = mk { name = "structured-false"; __structuredAttrs = false; x = 1; };
  structuredIgnoreNulls = mk { name = "structured-ignore-nulls"; __structuredAttrs = true; __ignoreNulls = true; a = null; b = [ null ]; };
  structuredFod = fod "structured-fod" { __structuredAttrs = true; outputHashMode = "recursive"; outputHash = sha256a.sri; };
  structuredArgs = mk { name = "structured-args"; __structuredAttrs = true; args = [ "a" 1 ]; };

  # Importing a .drv file the store holds gives the derivation back.
  imported = import simple.drvPath;
  importedMulti = (import multi.drvPath).dev;
  importedFloating = import floating.drvPath;

  # builtin:fetchurl through <nix/fetchurl.nix>, as nixpkgs' bootstrap uses it.
  fetchurlSha256 = import <nix/fetchurl.nix> { url = "http://example.org/dist/foo-1.0.tar.gz"; sha256 = sha256a.nix32; };
  fetchurlHash = import <nix/fetchurl.nix> { url = "http://example.org/x"; hash = sha256a.sri; name = "named"; };
  fetchurlSha1 = import <nix/fetchurl.nix> { url = "http://example.org/y"; sha1 = "11f6ad8ec52a2984abaafd7c3b516503785c2072"; executable = true; };
  fetchurlUnpack = import <nix/fetchurl.nix> { url = "http://example.org/z.tar"; sha512 = "260sda74c9izig21pyvkk6ncbd1dv0iwzn7w14iks2sdbbzff4iqs71mwba5n7xhqpr7sdw48ydvi3pkbhqw7lipjqm1ym56zh6iic7"; unpack = true; system = "ignored"; };
  fetchurlMd5 = import <nix/fetchurl.nix> { url = "http://example.org/w"; md5 = "8277e0910d750195b448797616e091ad"; };
  fetchurlImpure = import <nix/fetchurl.nix> { url = "http://example.org/i"; impure = true; };
}
