// This file holds the derivation function, defined in Nix on top of
// derivationStrict, placeholder, <nix/fetchurl.nix>, and the import of .drv
// files.

package builtins

import (
	_ "embed"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

var derivationBuiltins = []def{
	{name: "derivationStrict", arity: 1, fn: primDerivationStrict},
	{name: "placeholder", arity: 1, fn: primPlaceholder},
}

// primPlaceholder returns the placeholder that stands for an output path of
// the derivation being built.
func primPlaceholder(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	out := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.placeholder")
	return eval.MkString(derivation.HashPlaceholder(out))
}

//go:embed derivation.nix
var derivationNix string

// derivationFile is how positions in derivation.nix are printed.
const derivationFile = "<nix/derivation-internal.nix>"

//go:embed fetchurl.nix
var fetchurlNix string

//go:embed derivation_imported.nix
var importedDrvNix string

// installDerivation evaluates derivation.nix and binds it as derivation, and
// provides <nix/fetchurl.nix>.
func installDerivation(st *eval.State) {
	if st.Talk != nil {
		st.Talk("evaluating file '" + derivationFile + "'") // as CppNix's evalFile of it
	}
	v, err := st.EvalInternal(derivationFile, derivationNix)
	if err != nil {
		panic("derivation.nix: " + err.Error())
	}
	st.SetBaseValue("derivation", v)
	st.RegisterInternalFile("fetchurl.nix", fetchurlNix)
}

// importDerivation imports a .drv file from the store as a derivation value
// (CppNix's derivationToValue). It does so only for derivations the store
// holds; other paths are imported as Nix files.
func importDerivation(st *eval.State, pos token.Pos, path string) (eval.Value, bool) {
	r, ok := st.Store.(StoreReader)
	if !ok || !strings.HasSuffix(path, storepath.DrvExtension) {
		return nil, false
	}
	c := derivations(st)
	p, err := c.dir.Parse(path)
	if err != nil || c.dir.Path(p) != path || !r.IsValidPath(path) {
		return nil, false
	}
	d := c.read(p)
	names := d.OutputNames()
	b := eval.NewAttrsBuilder(3 + len(names))
	b.Add(st.SymDrvPath(), token.NoPos, eval.MkStringCtx(path, eval.Context{eval.ContextDeep(path)}))
	b.Add(st.SymName(), token.NoPos, eval.MkString(d.Env["name"]))
	list := make([]eval.Value, len(names))
	for i, name := range names {
		b.Add(st.Sym(name), token.NoPos, outputString(c.dir, p, name, d.Outputs[name]))
		list[i] = eval.MkString(name)
	}
	b.Add(st.SymOutputs(), token.NoPos, eval.MkList(list))
	fn := importedDrvFunction(st)
	return st.ForceAttrs(st.Lazy(fn, b.Finish()), pos, "while calling imported-drv-to-derivation.nix.gen.hh"), true
}

// importedDrvFunction returns the function of derivation_imported.nix,
// evaluated once per evaluation.
func importedDrvFunction(st *eval.State) eval.Value {
	const key = "builtins.importedDrv"
	if v, ok := st.Cache[key].(eval.Value); ok {
		return v
	}
	v, err := st.EvalInternal("<nix/imported-drv-to-derivation.nix>", importedDrvNix)
	if err != nil {
		panic("derivation_imported.nix: " + err.Error())
	}
	st.Cache[key] = v
	return v
}
