// This file holds a small JSON tree as nlohmann::json keeps one: objects
// with keys sorted bytewise (a later duplicate key replaces the earlier
// value), integers kept apart from floats, and compact printing byte for
// byte as json::dump(). Structured attributes (__json) go through it.

package build

import (
	"sort"
	"strconv"

	"github.com/nixgo/nixgo/format/nlohmann"
)

// jsonKind is the type of a JSON value.
type jsonKind uint8

const (
	jNull jsonKind = iota
	jBool
	jInt   // negative integer
	jUint  // non-negative integer
	jFloat // other numbers
	jString
	jArray
	jObject
)

// jsonValue is a JSON value.
type jsonValue struct {
	kind jsonKind
	b    bool
	i    int64
	u    uint64
	f    float64
	s    string
	arr  []*jsonValue
	obj  map[string]*jsonValue
}

// keys returns an object's keys in nlohmann's (std::map) order.
func (v *jsonValue) keys() []string {
	ks := make([]string, 0, len(v.obj))
	for k := range v.obj {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// get returns the member name of an object, or nil.
func (v *jsonValue) get(name string) *jsonValue {
	if v == nil || v.kind != jObject {
		return nil
	}
	return v.obj[name]
}

// parseJSON parses text as nlohmann::json::parse does.
func parseJSON(text string) (*jsonValue, error) {
	b := &jsonBuilder{}
	if err := nlohmann.Parse(text, b); err != nil {
		return nil, err
	}
	return b.root, nil
}

type jsonBuilder struct {
	root  *jsonValue
	stack []*jsonValue
	keys  []string
}

func (b *jsonBuilder) add(v *jsonValue) error {
	if len(b.stack) == 0 {
		b.root = v
		return nil
	}
	top := b.stack[len(b.stack)-1]
	if top.kind == jArray {
		top.arr = append(top.arr, v)
	} else {
		top.obj[b.keys[len(b.keys)-1]] = v
	}
	return nil
}

func (b *jsonBuilder) Null() error                     { return b.add(&jsonValue{kind: jNull}) }
func (b *jsonBuilder) Bool(x bool) error               { return b.add(&jsonValue{kind: jBool, b: x}) }
func (b *jsonBuilder) Int(n int64) error               { return b.add(&jsonValue{kind: jInt, i: n}) }
func (b *jsonBuilder) Uint(n uint64) error             { return b.add(&jsonValue{kind: jUint, u: n}) }
func (b *jsonBuilder) Float(f float64, _ string) error { return b.add(&jsonValue{kind: jFloat, f: f}) }
func (b *jsonBuilder) String(s string) error           { return b.add(&jsonValue{kind: jString, s: s}) }

func (b *jsonBuilder) StartObject() error {
	v := &jsonValue{kind: jObject, obj: map[string]*jsonValue{}}
	if err := b.add(v); err != nil {
		return err
	}
	b.stack = append(b.stack, v)
	b.keys = append(b.keys, "")
	return nil
}

func (b *jsonBuilder) Key(name string) error {
	b.keys[len(b.keys)-1] = name
	return nil
}

func (b *jsonBuilder) EndObject() error {
	b.stack = b.stack[:len(b.stack)-1]
	b.keys = b.keys[:len(b.keys)-1]
	return nil
}

func (b *jsonBuilder) StartArray() error {
	v := &jsonValue{kind: jArray}
	if err := b.add(v); err != nil {
		return err
	}
	b.stack = append(b.stack, v)
	b.keys = append(b.keys, "")
	return nil
}

func (b *jsonBuilder) EndArray() error { return b.EndObject() }

// dump prints v as json::dump() (compact, strict UTF-8).
func (v *jsonValue) dump() (string, error) {
	b, err := v.appendTo(nil)
	return string(b), err
}

func (v *jsonValue) appendTo(b []byte) ([]byte, error) {
	var err error
	switch v.kind {
	case jNull:
		b = append(b, "null"...)
	case jBool:
		b = strconv.AppendBool(b, v.b)
	case jInt:
		b = strconv.AppendInt(b, v.i, 10)
	case jUint:
		b = strconv.AppendUint(b, v.u, 10)
	case jFloat:
		b = nlohmann.AppendFloat(b, v.f)
	case jString:
		b, err = nlohmann.AppendString(b, v.s)
	case jArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = e.appendTo(b); err != nil {
				return nil, err
			}
		}
		b = append(b, ']')
	case jObject:
		b = append(b, '{')
		for i, k := range v.keys() {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = nlohmann.AppendString(b, k); err != nil {
				return nil, err
			}
			b = append(b, ':')
			if b, err = v.obj[k].appendTo(b); err != nil {
				return nil, err
			}
		}
		b = append(b, '}')
	}
	return b, err
}

// jsonStr makes a string value.
func jsonStr(s string) *jsonValue { return &jsonValue{kind: jString, s: s} }
