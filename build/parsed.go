// This file reads a derivation's attributes the way CppNix's
// ParsedDerivation does: from the __json structured attributes when the
// derivation has them, else from its environment, and writes the
// .attrs.json and .attrs.sh files of structured-attribute builds.

package build

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/storepath"
)

// parsedDrv is a derivation with its structured attributes parsed.
type parsedDrv struct {
	drvPath    storepath.StorePath
	drv        *derivation.Derivation
	structured *jsonValue // nil without __json
}

func parseDrv(drvPath storepath.StorePath, drv *derivation.Derivation) (*parsedDrv, error) {
	p := &parsedDrv{drvPath: drvPath, drv: drv}
	if j, ok := drv.Env["__json"]; ok {
		v, err := parseJSON(j)
		if err != nil {
			return nil, fmt.Errorf("cannot process __json attribute of '%s': %s", drvPath.Base(), err.Error())
		}
		p.structured = v
	}
	return p, nil
}

// stringAttr is CppNix's getStringAttr.
func (p *parsedDrv) stringAttr(name string) (string, bool, error) {
	if p.structured != nil {
		v := p.structured.get(name)
		if v == nil {
			return "", false, nil
		}
		if v.kind != jString {
			return "", false, fmt.Errorf("attribute '%s' of derivation '%s' must be a string", name, p.drvPath.Base())
		}
		return v.s, true, nil
	}
	s, ok := p.drv.Env[name]
	return s, ok, nil
}

// boolAttr is CppNix's getBoolAttr.
func (p *parsedDrv) boolAttr(name string, def bool) (bool, error) {
	if p.structured != nil {
		v := p.structured.get(name)
		if v == nil {
			return def, nil
		}
		if v.kind != jBool {
			return false, fmt.Errorf("attribute '%s' of derivation '%s' must be a Boolean", name, p.drvPath.Base())
		}
		return v.b, nil
	}
	s, ok := p.drv.Env[name]
	if !ok {
		return def, nil
	}
	return s == "1", nil
}

// stringsAttr is CppNix's getStringsAttr.
func (p *parsedDrv) stringsAttr(name string) ([]string, bool, error) {
	if p.structured != nil {
		v := p.structured.get(name)
		if v == nil {
			return nil, false, nil
		}
		bad := fmt.Errorf("attribute '%s' of derivation '%s' must be a list of strings", name, p.drvPath.Base())
		if v.kind != jArray {
			return nil, false, bad
		}
		res := []string{}
		for _, e := range v.arr {
			if e.kind != jString {
				return nil, false, bad
			}
			res = append(res, e.s)
		}
		return res, true, nil
	}
	s, ok := p.drv.Env[name]
	if !ok {
		return nil, false, nil
	}
	return tokenize(s), true, nil
}

// tokenize splits s at whitespace (CppNix's tokenizeString).
func tokenize(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' })
}

// requiredSystemFeatures is CppNix's getRequiredSystemFeatures.
func (p *parsedDrv) requiredSystemFeatures(t derivation.Type) ([]string, error) {
	fs, _, err := p.stringsAttr("requiredSystemFeatures")
	if err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, f := range fs {
		set[f] = true
	}
	if !t.HasKnownOutputPaths() {
		set["ca-derivations"] = true
	}
	return sortedKeys(set), nil
}

// structuredAttrsJSON returns the .attrs.json contents: the structured
// attributes with an "outputs" object mapping each output to its
// placeholder, rewritten with rewrites (CppNix's prepareStructuredAttrs and
// writeStructuredAttrs). exportReferencesGraph objects are expanded by
// refsGraph.
func (p *parsedDrv) structuredAttrsJSON(rewrites *rewriter, refsGraph func(paths []string) (*jsonValue, error)) (*jsonValue, error) {
	root := &jsonValue{kind: jObject, obj: map[string]*jsonValue{}}
	for k, v := range p.structured.obj {
		root.obj[k] = v
	}
	outputs := &jsonValue{kind: jObject, obj: map[string]*jsonValue{}}
	for name := range p.drv.Outputs {
		outputs.obj[name] = jsonStr(rewrites.rewrite(derivation.HashPlaceholder(name)))
	}
	root.obj["outputs"] = outputs
	if e := root.get("exportReferencesGraph"); e != nil && e.kind == jObject {
		for _, k := range e.keys() {
			var paths []string
			for _, x := range e.obj[k].elems() {
				if x.kind != jString {
					return nil, fmt.Errorf("[json.exception.type_error.302] type must be string, but is %s", x.typeName())
				}
				paths = append(paths, x.s)
			}
			g, err := refsGraph(paths)
			if err != nil {
				return nil, err
			}
			root.obj[k] = g
		}
	}
	return root, nil
}

// elems returns the elements of an array, or the values of an object in
// key order (what iterating a nlohmann::json yields).
func (v *jsonValue) elems() []*jsonValue {
	switch v.kind {
	case jArray:
		return v.arr
	case jObject:
		var r []*jsonValue
		for _, k := range v.keys() {
			r = append(r, v.obj[k])
		}
		return r
	case jNull:
		return nil
	}
	return []*jsonValue{v}
}

func (v *jsonValue) typeName() string {
	switch v.kind {
	case jNull:
		return "null"
	case jBool:
		return "boolean"
	case jInt, jUint, jFloat:
		return "number"
	case jString:
		return "string"
	case jArray:
		return "array"
	}
	return "object"
}

var shVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// structuredAttrsShell returns the .attrs.sh contents for the attributes
// in j (CppNix's writeStructuredAttrsShell): declarations of the values
// representable in bash.
func structuredAttrsShell(j *jsonValue) string {
	var b strings.Builder
	for _, key := range j.keys() {
		if !shVarName.MatchString(key) {
			continue
		}
		value := j.obj[key]
		if s, ok := shellSimple(value); ok {
			fmt.Fprintf(&b, "declare %s=%s\n", key, s)
			continue
		}
		switch value.kind {
		case jArray:
			var s2 strings.Builder
			good := true
			for _, v2 := range value.arr {
				s3, ok := shellSimple(v2)
				if !ok {
					good = false
					break
				}
				s2.WriteString(s3)
				s2.WriteByte(' ')
			}
			if good {
				fmt.Fprintf(&b, "declare -a %s=(%s)\n", key, s2.String())
			}
		case jObject:
			var s2 strings.Builder
			good := true
			for _, k2 := range value.keys() {
				s3, ok := shellSimple(value.obj[k2])
				if !ok {
					good = false
					break
				}
				fmt.Fprintf(&s2, "[%s]=%s ", shellEscape(k2), s3)
			}
			if good {
				fmt.Fprintf(&b, "declare -A %s=(%s)\n", key, s2.String())
			}
		}
	}
	return b.String()
}

// shellSimple renders a string, integral number, null or Boolean for
// bash, as CppNix's handleSimpleType (numbers go through float, then int).
func shellSimple(v *jsonValue) (string, bool) {
	switch v.kind {
	case jString:
		return shellEscape(v.s), true
	case jInt:
		return strconv.Itoa(int(int32(v.i))), true
	case jUint:
		return strconv.Itoa(int(int32(v.u))), true
	case jFloat:
		f := float32(v.f)
		if float32(math.Ceil(float64(f))) != f {
			return "", false
		}
		if v.f >= math.MinInt32 && v.f < math.MaxInt32+1 {
			return strconv.Itoa(int(int32(v.f))), true
		}
		return strconv.Itoa(math.MinInt32), true
	case jNull:
		return "''", true
	case jBool:
		if v.b {
			return "1", true
		}
		return "", true
	}
	return "", false
}

// shellEscape quotes s for a POSIX shell (CppNix's shellEscape).
func shellEscape(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
