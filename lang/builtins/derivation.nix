/*
  builtins.derivation, written in Nix on top of derivationStrict.

  The evaluator loads this file as <nix/derivation-internal.nix>. Its code
  keeps the line and column layout of CppNix's wrapper, because positions in
  this file appear in error traces, which must read the same. Only this
  comment is free text; keep it closing on line 29 (shown in code excerpts, as
  CppNix's closes there) and the code starting at line 30.

  derivation takes the attribute set describing a build and returns the
  derivation value: the same attributes, plus one attribute per output
  (each output is itself the derivation with that output selected),
  outPath and drvPath (both lazily computed by derivationStrict, which
  writes the .drv file), all (the list of outputs), drvAttrs (the
  original arguments), outputName, and type = "derivation".

  Laziness matters: nothing here forces drvAttrs beyond what the caller
  asks for, so that `(derivation { ... }).name` does not instantiate the
  derivation, and only selecting outPath or drvPath calls
  derivationStrict.

  The result's attributes come from three layers, later ones winning:
    1. the arguments (drvAttrs);
    2. one attribute per output name, bound to that output's value;
    3. all and drvAttrs;
  and, for each output, outPath, drvPath, type and outputName on top.
  The first output in `outputs` (default [ "out" ]) is the value
  returned.
*/
drvAttrs@{
  outputs ? [ "out" ],
  ...
}:

let

  strict = derivationStrict drvAttrs;

  commonAttrs =
    drvAttrs
    // (builtins.listToAttrs outputsList)
    // {
      all = map (x: x.value) outputsList;
      inherit drvAttrs;
    };

  outputToAttrListElement = outputName: {
    name = outputName;
    value = commonAttrs // {
      outPath = builtins.getAttr outputName strict;
      drvPath = strict.drvPath;
      type = "derivation";
      inherit outputName;
    };
  };

  outputsList = map outputToAttrListElement outputs;

in
(builtins.head outputsList).value
