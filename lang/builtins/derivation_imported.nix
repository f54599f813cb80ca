# Turns a .drv file imported from the store into a derivation value, as
# CppNix does for `import /nix/store/...-foo.drv`.
#
# The argument holds drvPath, name, outputs (the list of output names) and
# one attribute per output with its path. The result looks like what
# `derivation` returns: every output as an attribute, all, drvPath, name,
# type = "derivation", and for the value of each output its outPath and
# outputName. The first output is returned.

imported@{
  drvPath,
  name,
  outputs,
  ...
}:

let
  forOutput = outputName: {
    name = outputName;
    value = shared // {
      outPath = imported.${outputName};
      inherit outputName;
    };
  };

  perOutput = map forOutput outputs;

  shared = builtins.listToAttrs perOutput // {
    all = map (o: o.value) perOutput;
    type = "derivation";
    inherit drvPath name;
  };
in
(builtins.head perOutput).value
