// This file holds derivationStrict: it turns the attributes of a derivation
// into a store derivation, computes its output paths, writes the .drv file
// and returns drvPath and the output paths (CppNix's prim_derivationStrict).

package builtins

import (
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
)

func primDerivationStrict(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	attrs := st.ForceAttrs(args[0], pos, "while evaluating the argument passed to builtins.derivationStrict")
	// The name comes first, for the traces.
	nameAttr := getAttr(st, attrs, "name", "in the attrset passed as argument to builtins.derivationStrict")
	st.PushTrace(nameAttr.Pos, "while evaluating the derivation attribute 'name'")
	name := st.ForceStringNoCtx(nameAttr.Value, pos, "while evaluating the `name` attribute passed to builtins.derivationStrict")
	st.PopTrace()

	// CppNix prints the position as text here, without a code snippet.
	st.PushDerivationTrace("while evaluating derivation '" + name + "'\n  whose name attribute is located at " + posString(st, nameAttr.Pos))
	v := newDrvBuilder(st, name).build(attrs)
	st.PopTrace()
	return v
}

// posString prints a position as CppNix's operator<< for Pos.
func posString(st *eval.State, p token.Pos) string {
	pos := st.Files.Position(p)
	if pos.File == nil {
		return "«none»"
	}
	s := pos.File.OriginString()
	if pos.Line > 0 {
		s += ":" + strconv.Itoa(pos.Line)
	}
	if pos.Column > 0 {
		s += ":" + strconv.Itoa(pos.Column)
	}
	return s
}

// drvBuilder collects a derivation from its attributes.
type drvBuilder struct {
	st    *eval.State
	cache *drvCache
	name  string
	drv   *derivation.Derivation
	// ctx collects the context of every attribute, unsorted and with
	// repetitions (addInputs sorts it once).
	ctx []string

	structured  bool
	json        []jsonField // __structuredAttrs: the attributes as JSON
	ignoreNulls bool

	contentAddressed, impure bool
	outputHash               *string
	outputHashAlgo           hash.Algo // 0 when not given
	method                   storepath.Method
	outputs                  []string // sorted, unique
}

func newDrvBuilder(st *eval.State, name string) *drvBuilder {
	return &drvBuilder{
		st:      st,
		cache:   derivations(st),
		name:    name,
		drv:     &derivation.Derivation{Name: name, Env: map[string]string{}},
		outputs: []string{"out"},
	}
}

// fail raises an evaluation error without position (CppNix's
// error(...).atPos(v) on the value being computed, which has none).
func (b *drvBuilder) fail(format string, args ...any) {
	b.st.Errorf(eval.EvalError, token.NoPos, format, args...)
}

// requireFeature fails unless an experimental feature is enabled.
func requireFeature(st *eval.State, f string) {
	if !st.Features[f] {
		st.Errorf(eval.EvalError, token.NoPos, "experimental Nix feature '%s' is disabled; add '--extra-experimental-features %s' to enable it", f, f)
	}
}

func (b *drvBuilder) build(attrs *eval.Attrs) eval.Value {
	st := b.st
	b.drv.Env = make(map[string]string, attrs.Len()+len(b.outputs))
	if err := storepath.CheckName(b.name); err != nil {
		b.fail("invalid derivation name: %s. Please pass a different '%s'.", err.Error(), "name")
	}
	if a := attrs.Get(st.Sym("__structuredAttrs")); a != nil {
		b.structured = st.ForceBool(a.Value, token.NoPos, "while evaluating the `__structuredAttrs` attribute passed to builtins.derivationStrict")
	}
	if a := attrs.Get(st.Sym("__ignoreNulls")); a != nil {
		b.ignoreNulls = st.ForceBool(a.Value, token.NoPos, "while evaluating the `__ignoreNulls` attribute passed to builtins.derivationStrict")
	}
	for _, a := range sortedAttrs(st, attrs) {
		key := st.Symbols.Name(a.Name)
		if key == "__ignoreNulls" {
			continue
		}
		st.PushDerivationAttrTrace(a.Pos, a.Name, b.name)
		b.attr(key, a)
		st.PopTrace()
	}
	if b.structured {
		b.drv.Env["__json"] = structuredJSON(st, b.json)
	}
	b.addInputs()
	if b.drv.Builder == "" {
		b.fail("required attribute 'builder' missing")
	}
	if b.drv.Platform == "" {
		b.fail("required attribute 'system' missing")
	}
	if strings.HasSuffix(b.name, storepath.DrvExtension) &&
		!(b.method == storepath.MethodText && len(b.outputs) == 1 && b.outputs[0] == "out") {
		b.fail("derivation names are allowed to end in '%s' only if they produce a single derivation file", storepath.DrvExtension)
	}
	switch {
	case b.outputHash != nil:
		b.fixedOutput()
	case b.contentAddressed || b.impure:
		b.floatingOutputs()
	default:
		b.inputAddressedOutputs()
	}
	drvPath := b.cache.write(b.drv)
	if st := b.st; st.Chatty != nil {
		st.Chatty("instantiated '" + b.drv.Name + "' -> '" + b.cache.dir.Path(drvPath) + "'")
	}
	return b.result(drvPath)
}

// attr handles one attribute (the loop body of derivationStrictInternal).
func (b *drvBuilder) attr(key string, a eval.Attr) {
	st := b.st
	const below = "" // the trace pushed by the caller says it all
	if b.ignoreNulls && st.Force(a.Value, token.NoPos) == eval.Null {
		return
	}
	switch {
	case key == "__contentAddressed" && st.ForceBool(a.Value, token.NoPos, below):
		b.contentAddressed = true
		requireFeature(st, "ca-derivations")
		return
	case key == "__impure" && st.ForceBool(a.Value, token.NoPos, below):
		b.impure = true
		requireFeature(st, "impure-derivations")
		return
	case key == "args":
		l := st.ForceList(a.Value, token.NoPos, below)
		for _, e := range l.Elems {
			var c eval.Context
			s := st.CoerceToString(token.NoPos, e, &c, "while evaluating an element of the argument list",
				eval.CoerceOpts{More: true, CopyToStore: true, Canonicalize: true})
			b.ctx = append(b.ctx, c...)
			b.drv.Args = append(b.drv.Args, s)
		}
		return
	}
	if b.structured {
		b.structuredAttr(key, a)
		return
	}
	var c eval.Context
	s := st.CoerceToString(token.NoPos, a.Value, &c, below, eval.CoerceOpts{More: true, CopyToStore: true, Canonicalize: true})
	b.ctx = append(b.ctx, c...)
	if _, ok := b.drv.Env[key]; !ok {
		b.drv.Env[key] = s
	}
	switch key {
	case "builder":
		b.drv.Builder = s
	case "system":
		b.drv.Platform = s
	case "outputHash":
		b.outputHash = &s
	case "outputHashAlgo":
		b.setHashAlgo(s)
	case "outputHashMode":
		b.setHashMode(s)
	case "outputs":
		b.setOutputs(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }))
	}
}

// structuredAttr handles an attribute of a derivation with __structuredAttrs:
// it goes into the JSON, and a few are also read as strings.
func (b *drvBuilder) structuredAttr(key string, a eval.Attr) {
	st := b.st
	const below = ""
	if key == "__structuredAttrs" {
		return
	}
	var c eval.Context
	b.json = append(b.json, structuredField(st, key, a, &c))
	b.ctx = append(b.ctx, c...)
	switch key {
	case "builder":
		b.drv.Builder = st.ForceString(a.Value, token.NoPos, below).S
	case "system":
		b.drv.Platform = st.ForceStringNoCtx(a.Value, token.NoPos, below)
	case "outputHash":
		s := st.ForceStringNoCtx(a.Value, token.NoPos, below)
		b.outputHash = &s
	case "outputHashAlgo":
		b.setHashAlgo(st.ForceStringNoCtx(a.Value, token.NoPos, below))
	case "outputHashMode":
		b.setHashMode(st.ForceStringNoCtx(a.Value, token.NoPos, below))
	case "outputs":
		l := st.ForceList(a.Value, token.NoPos, below)
		names := make([]string, len(l.Elems))
		for i, e := range l.Elems {
			names[i] = st.ForceStringNoCtx(e, token.NoPos, below)
		}
		b.setOutputs(names)
	case "allowedReferences", "allowedRequisites", "disallowedReferences", "disallowedRequisites", "maxSize", "maxClosureSize":
		st.Log("warning: In a derivation named '" + b.name + "', 'structuredAttrs' disables the effect of the derivation attribute '" +
			key + "'; use 'outputChecks.<output>." + key + "' instead")
	}
}

// setHashAlgo handles outputHashAlgo (CppNix's parseHashAlgoOpt): an
// unknown algorithm counts as none.
func (b *drvBuilder) setHashAlgo(s string) {
	a, err := hash.ParseAlgo(s)
	if err != nil {
		a = 0
	}
	b.outputHashAlgo = a
}

// setHashMode handles outputHashMode.
func (b *drvBuilder) setHashMode(s string) {
	if s == "recursive" {
		b.method = storepath.MethodNAR
	} else {
		m, err := storepath.ParseMethod(s)
		if err != nil {
			b.fail("invalid value '%s' for 'outputHashMode' attribute", s)
		}
		b.method = m
	}
	switch b.method {
	case storepath.MethodText:
		requireFeature(b.st, "dynamic-derivations")
	case storepath.MethodGit:
		requireFeature(b.st, "git-hashing")
	}
}

// setOutputs handles outputs.
func (b *drvBuilder) setOutputs(names []string) {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			b.fail("duplicate derivation output '%s'", n)
		}
		if n == "drvPath" {
			b.fail("invalid derivation output name 'drvPath'")
		}
		seen[n] = true
	}
	if len(seen) == 0 {
		b.fail("derivation cannot have an empty set of outputs")
	}
	b.outputs = append(b.outputs[:0], names...)
	sort.Strings(b.outputs)
}

// addInputs turns the context of all attributes into input derivations and
// sources.
func (b *drvBuilder) addInputs() {
	srcs := map[storepath.StorePath]bool{}
	drvs := map[storepath.StorePath]map[string]bool{}
	addDrv := func(p storepath.StorePath, outs ...string) {
		m := drvs[p]
		if m == nil {
			m = map[string]bool{}
			drvs[p] = m
		}
		for _, o := range outs {
			m[o] = true
		}
	}
	for _, e := range eval.NewContext(b.ctx...) {
		switch {
		case strings.HasPrefix(e, "="):
			// The builder may reach the whole closure of the derivation,
			// all outputs included.
			for _, q := range b.cache.closure(b.cache.parse(e[1:])) {
				srcs[q] = true
				if q.IsDerivation() {
					addDrv(q, b.cache.read(q).OutputNames()...)
				}
			}
		case strings.HasPrefix(e, "!"):
			rest := e[1:]
			i := strings.IndexByte(rest, '!')
			addDrv(b.cache.parse(rest[i+1:]), rest[:i])
		default:
			srcs[b.cache.parse(e)] = true
		}
	}
	for p := range srcs {
		b.drv.InputSrcs = append(b.drv.InputSrcs, p)
	}
	b.drv.InputSrcs = storepath.SortPaths(b.drv.InputSrcs)
	b.drv.InputDrvs = make(map[storepath.StorePath][]string, len(drvs))
	for p, outs := range drvs {
		l := make([]string, 0, len(outs))
		for o := range outs {
			l = append(l, o)
		}
		sort.Strings(l)
		b.drv.InputDrvs[p] = l
	}
}

// fixedOutput makes the single output of a fixed-output derivation.
func (b *drvBuilder) fixedOutput() {
	st := b.st
	if len(b.outputs) != 1 || b.outputs[0] != "out" {
		b.fail("multiple outputs are not supported in fixed-output derivations")
	}
	h := b.expectedHash(*b.outputHash)
	m := b.method
	if m == 0 {
		m = storepath.MethodFlat
	}
	o, err := derivation.FixedOutput(b.cache.dir, b.name, "out", storepath.ContentAddress{Method: m, Hash: h})
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	b.drv.Env["out"] = b.cache.dir.Path(o.Path)
	b.drv.Outputs = map[string]derivation.Output{"out": o}
}

// expectedHash parses outputHash (CppNix's newHashAllowEmpty).
func (b *drvBuilder) expectedHash(s string) hash.Hash {
	if s == "" {
		if b.outputHashAlgo == 0 {
			b.fail("empty hash requires explicit hash algorithm")
		}
		h := hash.Zero(b.outputHashAlgo)
		b.st.Log("warning: found empty hash, assuming '" + h.SRI() + "'")
		return h
	}
	h, err := hash.ParseAny(s, b.outputHashAlgo)
	if err != nil {
		b.fail("%s", err.Error())
	}
	return h
}

// floatingOutputs makes the outputs of a content-addressed or impure
// derivation, whose paths are known only after building.
func (b *drvBuilder) floatingOutputs() {
	if b.contentAddressed && b.impure {
		b.fail("derivation cannot be both content-addressed and impure")
	}
	a := b.outputHashAlgo
	if a == 0 {
		a = hash.SHA256
	}
	m := b.method
	if m == 0 {
		m = storepath.MethodNAR
	}
	b.drv.Outputs = make(map[string]derivation.Output, len(b.outputs))
	for _, name := range b.outputs {
		b.drv.Env[name] = derivation.HashPlaceholder(name)
		if b.impure {
			b.drv.Outputs[name] = derivation.ImpureOutput(m, a)
		} else {
			b.drv.Outputs[name] = derivation.FloatingOutput(m, a)
		}
	}
}

// inputAddressedOutputs computes the output paths from the hash of the
// derivation with its outputs masked.
func (b *drvBuilder) inputAddressedOutputs() {
	st := b.st
	dir := b.cache.dir
	b.drv.Outputs = make(map[string]derivation.Output, len(b.outputs))
	for _, name := range b.outputs {
		b.drv.Env[name] = ""
		b.drv.Outputs[name] = derivation.Output{}
	}
	h, err := derivation.HashModulo(dir, b.drv, true, b.cache.inputHash)
	if err != nil {
		st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
	}
	if h.Kind == derivation.DeferredHash {
		return
	}
	for _, name := range b.outputs {
		oh, ok := h.Output(name)
		if !ok {
			st.Errorf(eval.AssertionError, token.NoPos, "derivation produced no hash for output '%s'", name)
		}
		p, err := dir.MakeOutputPath(name, oh, b.name)
		if err != nil {
			st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
		}
		b.drv.Env[name] = dir.Path(p)
		b.drv.Outputs[name] = derivation.InputAddressedOutput(p)
	}
}

// result is the value of derivationStrict: drvPath and one attribute per
// output, strings whose context refers to the derivation.
func (b *drvBuilder) result(drvPath storepath.StorePath) eval.Value {
	st := b.st
	full := b.cache.dir.Path(drvPath)
	ab := eval.NewAttrsBuilder(1 + len(b.drv.Outputs))
	ab.Add(st.SymDrvPath(), token.NoPos, eval.MkStringCtx(full, eval.Context{eval.ContextDeep(full)}))
	for _, name := range b.outputs {
		ab.Add(st.Sym(name), token.NoPos, outputString(b.cache.dir, drvPath, name, b.drv.Outputs[name]))
	}
	return ab.Finish()
}

// outputString is the string of an output of a derivation: its path, or a
// placeholder when the path is known only after building (CppNix's
// mkOutputString).
func outputString(dir storepath.Dir, drvPath storepath.StorePath, name string, o derivation.Output) eval.Value {
	full := dir.Path(drvPath)
	ctx := eval.Context{eval.ContextBuilt(full, name)}
	switch o.Kind() {
	case derivation.InputAddressed, derivation.Fixed:
		return eval.MkStringCtx(dir.Path(o.Path), ctx)
	}
	return eval.MkStringCtx(derivation.UnknownCAOutputPlaceholder(drvPath, name), ctx)
}

// sortedAttrs returns the attributes of a in the byte order of their names
// (CppNix's lexicographicOrder).
func sortedAttrs(st *eval.State, a *eval.Attrs) []eval.Attr {
	l := append([]eval.Attr(nil), a.All()...)
	sort.Slice(l, func(i, j int) bool { return st.Symbols.Name(l[i].Name) < st.Symbols.Name(l[j].Name) })
	return l
}
