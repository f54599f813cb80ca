# drvs.nix: derivations instantiated by the reference for gen.sh. Each
# attribute becomes testdata/drvs/<attr>.json with the .drv path, its ATerm
# text, and the output paths the reference computed.
let
  sys = "x86_64-linux";
  mk = attrs: derivation ({ system = sys; builder = "/bin/sh"; } // attrs);
  src = builtins.toFile "src.txt" "source";
  simple = mk { name = "simple"; args = [ "-c" "echo" ]; };
  fodFlat = mk { name = "fod-flat"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "a"; };
  fodSame = mk { name = "fod-flat"; outputHashMode = "flat"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "a"; extra = "changes the drv, not the output"; };
  floating = mk { name = "floating"; __contentAddressed = true; outputHashMode = "recursive"; outputHashAlgo = "sha256"; };
in {
  inherit simple fodFlat;
  escapes = mk {
    name = "escapes";
    args = [ "quote\"" "back\\slash" "new\nline" "cr\rret" "tab\tx" "dollar$" "unicode é 日本" "" ];
    env1 = "a\"b\\c\nd\re\tf";
    "weird name" = "x";
  };
  multi = mk { name = "multi"; outputs = [ "out" "dev" "lib" "bin" ]; };
  deps = mk {
    name = "deps";
    inherit src;
    a = simple;
    b = "${(mk { name = "multi2"; outputs = [ "out" "dev" ]; }).dev}";
    c = fodFlat;
  };
  fodRecursive = mk { name = "fod-rec"; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "b"; };
  fodSha1 = mk { name = "fod-sha1"; outputHashMode = "recursive"; outputHash = "sha1-" + builtins.convertHash { hash = builtins.hashString "sha1" "c"; hashAlgo = "sha1"; toHashFormat = "base64"; }; };
  fodMd5 = mk { name = "fod-md5"; outputHashMode = "flat"; outputHashAlgo = "md5"; outputHash = builtins.hashString "md5" "d"; };
  fodSha512 = mk { name = "fod-sha512"; outputHashAlgo = "sha512"; outputHash = builtins.convertHash { hash = builtins.hashString "sha512" "e"; hashAlgo = "sha512"; toHashFormat = "nix32"; }; };
  fodText = mk { name = "fod-text"; outputHashMode = "text"; outputHashAlgo = "sha256"; outputHash = builtins.hashString "sha256" "f"; };
  sameFods = mk { name = "same-fods"; a = fodFlat; b = fodSame; };
  onFod = mk { name = "on-fod"; dep = fodSame; };
  inherit floating;
  onFloating = mk { name = "on-floating"; dep = floating; outputs = [ "out" "doc" ]; };
  impure = mk { name = "impure"; __impure = true; };
  structured = mk { name = "structured"; __structuredAttrs = true; list = [ 1 2 "x" ]; nested.attr = true; };
  builtinFetch = derivation { name = "builtin"; system = "builtin"; builder = "builtin:fetchurl"; url = "http://example.org/x"; outputHash = builtins.hashString "sha256" "g"; outputHashAlgo = "sha256"; };
}
