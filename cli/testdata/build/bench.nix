# 200 trivial derivations, independent of each other.
builtins.genList (i: derivation {
  name = "trivial-${toString i}";
  system = "x86_64-linux";
  builder = "/bin/sh";
  args = [ "-c" "echo ${toString i} > $out" ];
}) 200
