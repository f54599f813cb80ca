// This file holds the builtins on strings: conversion, substrings, replacement,
// regular expressions and versions.

package builtins

import (
	"strings"

	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/regex"
	"github.com/nixgo/nixgo/lang/token"
)

var stringBuiltins = []def{
	{name: "toString", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := st.CoerceToString(pos, args[0], &ctx, "while evaluating the first argument passed to builtins.toString",
			eval.CoerceOpts{More: true, Canonicalize: true})
		return eval.MkStringCtx(s, ctx)
	}},
	{name: "__substring", arity: 3, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		start := st.ForceInt(args[0], pos, "while evaluating the first argument (the start offset) passed to builtins.substring")
		if start < 0 {
			st.Errorf(eval.EvalError, pos, "negative start position in 'substring'")
		}
		n := st.ForceInt(args[1], pos, "while evaluating the second argument (the substring length) passed to builtins.substring")
		if n < 0 {
			n = 1<<63 - 1
		}
		if n == 0 {
			if s, ok := st.Force(args[2], pos).(*eval.String); ok {
				return eval.MkStringCtx("", s.Ctx)
			}
		}
		var ctx eval.Context
		s := coerce(st, pos, args[2], &ctx, "while evaluating the third argument (the string) passed to builtins.substring")
		if uint64(start) >= uint64(len(s)) {
			return eval.MkStringCtx("", ctx)
		}
		end := uint64(len(s))
		if uint64(n) < end-uint64(start) {
			end = uint64(start) + uint64(n)
		}
		return eval.MkStringCtx(s[start:end], ctx)
	}},
	{name: "__stringLength", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		var ctx eval.Context
		s := coerce(st, pos, args[0], &ctx, "while evaluating the argument passed to builtins.stringLength")
		return eval.MkInt(int64(len(s)))
	}},
	{name: "__match", arity: 2, fn: primMatch},
	{name: "__split", arity: 2, fn: primSplit},
	{name: "__concatStringsSep", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		sepV := st.ForceString(args[0], pos, "while evaluating the first argument (the separator string) passed to builtins.concatStringsSep")
		ctx := sepV.Ctx
		l := st.ForceList(args[1], pos, "while evaluating the second argument (the list of strings to concat) passed to builtins.concatStringsSep")
		var sb strings.Builder
		for i, e := range l.Elems {
			if i > 0 {
				sb.WriteString(sepV.S)
			}
			sb.WriteString(coerce(st, pos, e, &ctx, "while evaluating one element of the list of strings to concat passed to builtins.concatStringsSep"))
		}
		return eval.MkStringCtx(sb.String(), ctx)
	}},
	{name: "__replaceStrings", arity: 3, fn: primReplaceStrings},
	{name: "__parseDrvName", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.parseDrvName")
		name, version := parseDrvName(s)
		b := eval.NewAttrsBuilder(2)
		b.Add(st.SymName(), token.NoPos, eval.MkString(name))
		b.Add(st.Sym("version"), token.NoPos, eval.MkString(version))
		return b.Finish()
	}},
	{name: "__compareVersions", arity: 2, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		a := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.compareVersions")
		b := st.ForceStringNoCtx(args[1], pos, "while evaluating the second argument passed to builtins.compareVersions")
		return eval.MkInt(int64(compareVersions(a, b)))
	}},
	{name: "__splitVersion", arity: 1, fn: func(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
		s := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.splitVersion")
		var out []eval.Value
		for i := 0; i < len(s); {
			c, next := nextComponent(s, i)
			if c == "" {
				break
			}
			out = append(out, eval.MkString(c))
			i = next
		}
		return eval.MkList(out)
	}},
}

func regexCache(st *eval.State) *regex.Cache {
	if c, ok := st.Cache["regex"].(*regex.Cache); ok {
		return c
	}
	c := &regex.Cache{}
	st.Cache["regex"] = c
	return c
}

func compileRegex(st *eval.State, pos token.Pos, re string) *regex.Regexp {
	r, err := regexCache(st).Compile(re)
	if err != nil {
		if e, ok := err.(*regex.Error); ok && e.Kind() == regex.KindSpace {
			st.Errorf(eval.EvalError, pos, "memory limit exceeded by regular expression '%s'", re)
		}
		st.Errorf(eval.EvalError, pos, "invalid regular expression '%s'", re)
	}
	return r
}

func primMatch(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	re := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.match")
	r := compileRegex(st, pos, re)
	s := st.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.match").S
	loc := r.MatchFull(s)
	if loc == nil {
		return eval.Null
	}
	return groups(s, loc)
}

// groups returns the capture groups of a match (without the whole match).
func groups(s string, loc []int) eval.Value {
	n := len(loc)/2 - 1
	out := make([]eval.Value, n)
	for i := 0; i < n; i++ {
		a, b := loc[2*i+2], loc[2*i+3]
		if a < 0 {
			out[i] = eval.Null
		} else {
			out[i] = eval.MkString(s[a:b])
		}
	}
	return eval.MkList(out)
}

func primSplit(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	re := st.ForceStringNoCtx(args[0], pos, "while evaluating the first argument passed to builtins.split")
	r := compileRegex(st, pos, re)
	s := st.ForceString(args[1], pos, "while evaluating the second argument passed to builtins.split").S
	matches := r.SplitMatches(s)
	if len(matches) == 0 {
		return eval.MkList([]eval.Value{args[1]})
	}
	out := make([]eval.Value, 0, 2*len(matches)+1)
	prev := 0
	for _, loc := range matches {
		out = append(out, eval.MkString(s[prev:loc[0]]), groups(s, loc))
		prev = loc[1]
	}
	out = append(out, eval.MkString(s[prev:]))
	return eval.MkList(out)
}

func primReplaceStrings(st *eval.State, pos token.Pos, args []eval.Value) eval.Value {
	fromL := st.ForceList(args[0], pos, "while evaluating the first argument passed to builtins.replaceStrings")
	toL := st.ForceList(args[1], pos, "while evaluating the second argument passed to builtins.replaceStrings")
	if len(fromL.Elems) != len(toL.Elems) {
		st.Errorf(eval.EvalError, pos, "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths")
	}
	from := make([]string, len(fromL.Elems))
	for i, e := range fromL.Elems {
		from[i] = st.ForceString(e, pos, "while evaluating one of the strings to replace passed to builtins.replaceStrings").S
	}
	sv := st.ForceString(args[2], pos, "while evaluating the third argument passed to builtins.replaceStrings")
	s, ctx := sv.S, sv.Ctx
	to := make([]*string, len(from))
	var sb strings.Builder
	for p := 0; p <= len(s); {
		found := false
		for i, f := range from {
			if !strings.HasPrefix(s[p:], f) {
				continue
			}
			found = true
			if to[i] == nil {
				tv := st.ForceString(toL.Elems[i], pos, "while evaluating one of the replacement strings passed to builtins.replaceStrings")
				ctx = ctx.Union(tv.Ctx)
				t := tv.S
				to[i] = &t
			}
			sb.WriteString(*to[i])
			if f == "" {
				if p < len(s) {
					sb.WriteByte(s[p])
				}
				p++
			} else {
				p += len(f)
			}
			break
		}
		if !found {
			if p < len(s) {
				sb.WriteByte(s[p])
			}
			p++
		}
	}
	return eval.MkStringCtx(sb.String(), ctx)
}

// parseDrvName splits "name-version" at the first dash followed by a non-letter,
// as CppNix's DrvName.
func parseDrvName(s string) (name, version string) {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '-' {
			c := s[i+1]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// nextComponent returns the version component starting at or after i, as
// CppNix's nextComponent: a run of digits, or a run of non-digit non-separators;
// '.' and '-' separate.
func nextComponent(s string, i int) (string, int) {
	for i < len(s) && (s[i] == '.' || s[i] == '-') {
		i++
	}
	start := i
	if i < len(s) && isDigit(s[i]) {
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	} else {
		for i < len(s) && !isDigit(s[i]) && s[i] != '.' && s[i] != '-' {
			i++
		}
	}
	return s[start:i], i
}

func componentsLT(c1, c2 string) bool {
	n1, ok1 := atoiComponent(c1)
	n2, ok2 := atoiComponent(c2)
	switch {
	case ok1 && ok2:
		return n1 < n2
	case c1 == "" && ok2:
		return true
	case c1 == "pre" && c2 != "pre":
		return true
	case c2 == "pre":
		return false
	case ok2:
		return true
	case ok1:
		return false
	}
	return c1 < c2
}

// atoiComponent parses a component as CppNix's string2Int<int>: a 32-bit int,
// failing on overflow.
func atoiComponent(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int64(s[i]-'0')
		if n > 1<<31-1 {
			return 0, false
		}
	}
	return n, true
}

// compareVersions compares as CppNix's compareVersions.
func compareVersions(v1, v2 string) int {
	i, j := 0, 0
	for i < len(v1) || j < len(v2) {
		c1, ni := nextComponent(v1, i)
		c2, nj := nextComponent(v2, j)
		i, j = ni, nj
		if componentsLT(c1, c2) {
			return -1
		}
		if componentsLT(c2, c1) {
			return 1
		}
	}
	return 0
}
