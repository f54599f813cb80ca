// This file prints the attributes of derivations with __structuredAttrs as
// JSON (the __json environment variable), with the evaluator's JSON printer
// and the JSON text conventions of nlohmann::json that CppNix uses.

package builtins

import (
	"sort"
	"strings"

	"github.com/nixgo/nixgo/format/nlohmann"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

// jsonField is one attribute of the __json environment variable.
type jsonField struct {
	key  string
	json string
	// dumpErr is the library's message for a string it cannot print (not
	// UTF-8), raised only when the whole object is dumped.
	dumpErr string
}

// serialisationPrefix starts the errors st.ToJSON raises for strings the
// library cannot print.
const serialisationPrefix = "JSON serialization error: "

// structuredField prints the value of an attribute as JSON (CppNix's
// printValueAsJSON with strict and copyToStore), adding the context of its
// strings to *ctx.
func structuredField(st *eval.State, key string, a eval.Attr, ctx *eval.Context) jsonField {
	f := jsonField{key: key}
	err := st.Catch(func() { f.json = st.ToJSON(a.Value, true, a.Pos, ctx, true) })
	if err != nil {
		msg, ok := strings.CutPrefix(err.Msg, serialisationPrefix)
		if !ok || err.Kind != eval.EvalError {
			st.Rethrow(err)
		}
		f.dumpErr = msg
	}
	return f
}

// structuredJSON returns the __json environment variable: the fields as an
// object with keys in byte order, as nlohmann::json's dump prints it.
// Strings that are not valid UTF-8 fail here, as the library's dump does,
// after every attribute was evaluated. Its exception is no Nix error: CppNix
// prints it without any trace, as errors of the StackOverflow kind print.
func structuredJSON(st *eval.State, fields []jsonField) string {
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	out := []byte{'{'}
	for i, f := range fields {
		if i > 0 {
			out = append(out, ',')
		}
		var err error
		out, err = nlohmann.AppendString(out, f.key)
		if err != nil {
			st.Errorf(eval.StackOverflow, token.NoPos, "%s", err.Error())
		}
		if f.dumpErr != "" {
			st.Errorf(eval.StackOverflow, token.NoPos, "%s", f.dumpErr)
		}
		out = append(out, ':')
		out = append(out, f.json...)
	}
	return string(append(out, '}'))
}
