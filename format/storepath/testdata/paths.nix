# paths.nix: store paths computed by the reference for gen.sh.
let
  texts = [
    { name = "hello.txt"; content = "hello"; }
    { name = "empty"; content = ""; }
    { name = "A+-._?=z"; content = "odd name"; }
    { name = "-"; content = "dash"; }
    { name = ".a"; content = "dot"; }
    { name = "ref"; content = "refers to ${builtins.toFile "hello.txt" "hello"}"; }
    { name = "two-refs"; content = "${builtins.toFile "b" "b"} ${builtins.toFile "a" "a"} ${builtins.toFile "b" "b"}"; }
    { name = "x.drv"; content = "Derive([],[],[],\"\",\"\",[],[])"; }
  ];
  text = t: {
    inherit (t) name;
    content = builtins.unsafeDiscardStringContext t.content;
    refs = builtins.attrNames (builtins.getContext t.content);
    path = builtins.unsafeDiscardStringContext (builtins.toFile t.name t.content);
  };
  fixed = mode: algo: h: {
    inherit mode algo;
    name = "fod-${mode}-${algo}";
    hash = builtins.hashString algo h;
    path = (derivation {
      name = "fod-${mode}-${algo}"; builder = "x"; system = "x";
      outputHashMode = mode; outputHashAlgo = algo;
      outputHash = builtins.hashString algo h;
    }).outPath;
  };
in {
  text = map text texts;
  fixed = builtins.concatMap (mode: map (algo: fixed mode algo "content-${mode}") [ "md5" "sha1" "sha256" "sha512" ]) [ "flat" "recursive" ]
    ++ [ (fixed "text" "sha256" "content-text") ]; # needs dynamic-derivations
}
