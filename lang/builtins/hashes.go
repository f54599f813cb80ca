// This file holds the builtins on cryptographic hashes: hashFile, hashString
// and convertHash.

package builtins

import (
	"io"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

var hashBuiltins = []def{
	{name: "__hashFile", arity: 2, fn: primHashFile},
	{name: "__hashString", arity: 2, fn: primHashString},
	{name: "__convertHash", arity: 1, fn: primConvertHash},
}

// parseAlgo returns the algorithm called name, failing with CppNix's message.
func parseAlgo(st *eval.State, name string) hash.Algo {
	a, err := hash.ParseAlgo(name)
	if err != nil {
		hashError(st, err)
	}
	return a
}

// hashError raises err, an error of format/hash: CppNix reports unknown
// algorithms and formats as usage errors.
func hashError(st *eval.State, err error) {
	kind := eval.EvalError
	if _, ok := err.(*hash.UnknownAlgoError); ok {
		kind = eval.UsageError
	}
	st.Errorf(kind, token.NoPos, "%s", err.Error())
}

func primHashFile(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	algo := parseAlgo(st, st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hashFile"))
	p := realiseSourcePath(st, pos, args[1], resolveFull)
	f := openFile(st, p)
	h := hash.NewHasher(algo)
	_, err := io.Copy(h, f)
	f.Close()
	if err != nil {
		st.Errorf(eval.IOError, token.NoPos, "reading from file '%s': %s", p, syserr.Strerror(err))
	}
	return eval.MkString(h.Sum().Base16())
}

func primHashString(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	algo := parseAlgo(st, st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.hashString"))
	s := st.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.hashString")
	return eval.MkString(hash.SumString(algo, s.S).Base16())
}

func primConvertHash(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	a := st.ForceAttrs(args[0], pos, "while evaluating the first argument passed to builtins.convertHash")
	hv := getAttr(st, a, "hash", "while locating the attribute 'hash'")
	s := st.ForceStringNoCtx(hv.Value, pos, "while evaluating the attribute 'hash'")
	var algo hash.Algo
	if av := a.Get(st.Sym("hashAlgo")); av != nil {
		algo = parseAlgo(st, st.ForceStringNoCtx(av.Value, pos, "while evaluating the attribute 'hashAlgo'"))
	}
	fv := getAttr(st, a, "toHashFormat", "while locating the attribute 'toHashFormat'")
	name := st.ForceStringNoCtx(fv.Value, pos, "while evaluating the attribute 'toHashFormat'")
	format, err := hash.ParseFormat(name)
	if err != nil {
		st.Errorf(eval.UsageError, token.NoPos, "%s", err.Error()) // as CppNix's parseHashFormat
	}
	if hash.IsDeprecatedFormatName(name) {
		st.Log(`warning: "base32" is a deprecated alias for hash format "nix32".`)
	}
	h, err := hash.ParseAny(s, algo)
	if err != nil {
		hashError(st, err)
	}
	return eval.MkString(h.Format(format, format == hash.SRI))
}
