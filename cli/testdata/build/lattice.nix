# A package set for the build tests: a lattice of derivations built with
# /bin/sh and a few host tools (the sandbox gets /bin, /usr, /lib and /lib64
# through sandbox-paths), plus derivations with several outputs that refer to
# each other, passAsFile, __structuredAttrs, builder scripts from the source
# tree, and fixed-output derivations fetched by builtin:fetchurl from a local
# file and from an HTTP server on the loopback interface.
#
# Expected output paths and NAR hashes were recorded once with CppNix 2.26
# (see gen-expected.sh); outputs depend only on the derivations.
{ fileUrl ? "file:///nonexistent", httpUrl ? "http://127.0.0.1:1/fetched.txt", levels ? 5, width ? 6 }:
let
  system = "x86_64-linux";
  sh = "/bin/sh";
  PATH = "/bin:/usr/bin";

  # A node of the lattice: its own name, a symlink to each input and the
  # concatenation of their "all" files.
  node = name: deps: derivation {
    inherit name system deps PATH;
    builder = sh;
    args = [ "-c" ''
      mkdir $out
      echo ${name} > $out/name
      : > $out/all
      i=0
      for d in $deps; do
        ln -s $d $out/dep-$i
        cat $d/all >> $out/all
        i=$((i + 1))
      done
      echo ${name} >> $out/all
    '' ];
  };

  # Level l, index i depends on indices i and i+1 (mod width) of level l-1.
  level = l:
    if l == 0 then
      builtins.genList (i: node "l0-n${toString i}" []) width
    else
      let prev = level (l - 1); in
      builtins.genList (i: node "l${toString l}-n${toString i}" [
        (builtins.elemAt prev i)
        (builtins.elemAt prev (if i + 1 == width then 0 else i + 1))
      ]) width;

  lattice = builtins.genList level levels;

  lastLevel = builtins.elemAt lattice (levels - 1);

  # Outputs referring to each other: dev → lib and out, out → lib.
  multi = derivation {
    name = "multi-1.0";
    inherit system PATH;
    builder = sh;
    outputs = [ "out" "dev" "lib" ];
    args = [ "-c" ''
      mkdir $lib $dev $out
      echo library > $lib/libmulti
      echo "lib=$lib" > $out/config
      echo "out=$out lib=$lib" > $dev/multi.pc
      echo $out > $out/self
    '' ];
  };

  # The builder is a script copied into the store (an input source).
  script = derivation {
    name = "script";
    inherit system PATH;
    builder = sh;
    args = [ ./builder.sh "one" "two words" ];
    multiLib = multi.lib;
  };

  passAsFile = derivation {
    name = "pass-as-file";
    inherit system PATH;
    builder = sh;
    text = builtins.concatStringsSep "\n" (builtins.genList (i: "line ${toString i} of a long attribute") 200);
    small = "not passed as file";
    passAsFile = [ "text" ];
    args = [ "-c" ''
      mkdir $out
      cat $textPath > $out/text
      echo "$small" > $out/small
      if [ -n "''${text+set}" ]; then echo "text is in the environment" > $out/error; fi
      case $textPath in /build/.attr-*) echo ok > $out/path;; *) echo "$textPath" > $out/path;; esac
    '' ];
  };

  structured = derivation {
    name = "structured";
    inherit system;
    builder = "/bin/bash";
    __structuredAttrs = true;
    outputs = [ "out" "doc" ];
    numbers = [ 1 2 3 ];
    flags = { fast = true; slow = false; };
    message = "it's structured";
    nested = { a = [ 1 { b = 2; } ]; };
    float = 2.5;
    dep = multi.dev;
    exportReferencesGraph.closure = [ multi.dev ];
    args = [ "-c" ''
      source $NIX_ATTRS_SH_FILE
      out=''${outputs[out]}
      doc=''${outputs[doc]}
      /bin/mkdir $out $doc
      echo "$message" > $out/message
      echo "''${numbers[@]}" > $out/numbers
      echo "fast=''${flags[fast]} slow=''${flags[slow]}" > $out/flags
      echo "$dep" > $out/dep
      echo "$(< $NIX_ATTRS_JSON_FILE)" > $doc/attrs.json
      echo "$(< $NIX_ATTRS_SH_FILE)" > $doc/attrs.sh
      echo "$out" > $doc/out-path
    '' ];
  };

  # Fixed-output derivations through builtin:fetchurl.
  fetchedFile = import <nix/fetchurl.nix> {
    url = fileUrl;
    name = "fetched-file.txt";
    sha256 = "sha256-X+mtczogGBT/WkZunY4wZhvNsWw8DnTPUePiyVodleA=";
  };
  fetchedHttp = import <nix/fetchurl.nix> {
    url = httpUrl;
    name = "fetched-http.txt";
    sha256 = "sha256-H3lMMN0DsHReBWRU/IL9yF7wPfA7dvry1pD8ajdzhgc=";
    executable = true;
  };

  # A fixed-output derivation with a shell builder (recursive hash).
  fixedTree = derivation {
    name = "fixed-tree";
    inherit system PATH;
    builder = sh;
    args = [ "-c" "mkdir $out; echo fixed > $out/f; ln -s f $out/link" ];
    outputHashMode = "recursive";
    outputHashAlgo = "sha256";
    outputHash = "sha256-Oa1TRMSZc1AzCbLboohmLB7QmLftxvsuH86EcH1hcQ0=";
  };

  # Uses everything above.
  top = derivation {
    name = "top";
    inherit system PATH;
    builder = sh;
    deps = lastLevel;
    inherit fetchedFile fetchedHttp fixedTree script passAsFile;
    structuredOut = structured.out;
    multiDev = multi.dev;
    allowedReferences = [ multi.lib multi.out script ];
    args = [ "-c" ''
      mkdir $out
      for d in $deps; do cat $d/name >> $out/names; done
      cat $fetchedFile $fetchedHttp $fixedTree/f $passAsFile/small $structuredOut/message > $out/contents
      cat $multiDev/multi.pc > $out/pc
      ln -s $script $out/script
      ln -s ${multi.lib} $out/lib
    '' ];
  };

in {
  inherit multi script passAsFile structured fetchedFile fetchedHttp fixedTree top;
  lattice = builtins.listToAttrs (builtins.concatLists (map (l: map (d: { name = d.name; value = d; }) l) lattice));
  # A shell check on the sandbox: the builder writes what it can see.
  all = [ top structured multi ] ++ builtins.concatLists lattice;
}
