// Placeholders: the strings that stand for output paths not known yet.

package derivation

import (
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// HashPlaceholder returns the placeholder for output outputName of the
// derivation being built, "/<nix32 of SHA-256("nix-output:<name>")>"
// (CppNix's hashPlaceholder, builtins.placeholder).
func HashPlaceholder(outputName string) string {
	return "/" + hash.SumString(hash.SHA256, "nix-output:"+outputName).Nix32()
}

// UnknownCAOutputPlaceholder returns the placeholder for output
// outputName of the floating content-addressed derivation drvPath, whose
// path is known only after it is built (CppNix's
// DownstreamPlaceholder::unknownCaOutput; experimental feature
// ca-derivations).
func UnknownCAOutputPlaceholder(drvPath storepath.StorePath, outputName string) string {
	drvName := drvPath.Name()
	drvName = drvName[:max(0, len(drvName)-len(storepath.DrvExtension))]
	clear := "nix-upstream-output:" + drvPath.HashPart() + ":" + storepath.OutputPathName(drvName, outputName)
	return "/" + hash.SumString(hash.SHA256, clear).Nix32()
}
