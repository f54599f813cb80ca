// This file holds the derivation function, defined in Nix on top of
// derivationStrict, and the import of .drv files.

package builtins

import (
	_ "embed"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

//go:embed derivation.nix
var derivationNix string

// derivationFile is how positions in derivation.nix are printed.
const derivationFile = "<nix/derivation-internal.nix>"

// installDerivation evaluates derivation.nix and binds it as derivation.
func installDerivation(st *eval.State) {
	v, err := st.EvalInternal(derivationFile, derivationNix)
	if err != nil {
		panic("derivation.nix: " + err.Error())
	}
	st.SetBaseValue("derivation", v)
}

// importDerivation imports a .drv file from the store as a derivation value.
func importDerivation(st *eval.State, pos token.Pos, path string) (eval.Value, bool) {
	return nil, false
}
