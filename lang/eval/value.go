// This file declares the Go representation of Nix values.

package eval

import (
	"reflect"
	"sort"
	"unsafe"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// Value is a Nix value. See the package documentation for the table of types.
type Value interface {
	Type() Type
}

// Type is the type of a value as the language sees it.
type Type uint8

// The value types. TypeThunk only describes unevaluated values; forcing never
// returns one.
const (
	TypeThunk Type = iota
	TypeInt
	TypeFloat
	TypeBool
	TypeString
	TypePath
	TypeNull
	TypeAttrs
	TypeList
	TypeFunction
)

type nullValue struct{}

// Null is the value null.
var Null Value = nullValue{}

// Bool is true or false.
type Bool bool

// Int is a 64-bit signed integer.
type Int int64

// Float is a double-precision float.
type Float float64

// Path is an absolute, canonical file system path.
type Path string

// String is a string with its context: the store paths it refers to.
type String struct {
	S   string
	Ctx Context
}

// List is a list of (possibly unevaluated) values.
type List struct {
	Elems []Value
}

// Lambda is a function value: a lambda expression closed over its environment.
type Lambda struct {
	Fn  *lambdaNode
	Env *Env
}

// PrimOp is a built-in function.
type PrimOp struct {
	Name  string // as reported in traces, e.g. "map"
	Arity int
	Doc   string
	Fn    func(st *State, pos token.Pos, args []Value) Value
	// NoTrace suppresses the "while calling the 'X' builtin" trace.
	NoTrace bool
}

// PrimOpApp is a built-in function applied to fewer arguments than it takes.
type PrimOpApp struct {
	Op   *PrimOp
	Args []Value
}

func (nullValue) Type() Type     { return TypeNull }
func (Bool) Type() Type          { return TypeBool }
func (Int) Type() Type           { return TypeInt }
func (Float) Type() Type         { return TypeFloat }
func (Path) Type() Type          { return TypePath }
func (*String) Type() Type       { return TypeString }
func (*List) Type() Type         { return TypeList }
func (*Attrs) Type() Type        { return TypeAttrs }
func (*Lambda) Type() Type       { return TypeFunction }
func (*PrimOp) Type() Type       { return TypeFunction }
func (*PrimOpApp) Type() Type    { return TypeFunction }
func (*Thunk) Type() Type        { return TypeThunk }
func (nullValue) String() string { return "null" }

var (
	emptyString = &String{}
	emptyList   = &List{}
	emptyAttrs  = &Attrs{}
	smallInts   [1024 + 128]Value
)

func init() {
	for i := range smallInts {
		smallInts[i] = Int(i - 128)
	}
}

// MkInt returns an Int value, sharing the boxes of small integers.
func MkInt(n int64) Value {
	if n >= -128 && n < 1024 {
		return smallInts[n+128]
	}
	return Int(n)
}

// MkString returns a string value without context.
func MkString(s string) *String {
	if s == "" {
		return emptyString
	}
	return &String{S: s}
}

// MkStringCtx returns a string value with the given context.
func MkStringCtx(s string, ctx Context) *String {
	if len(ctx) == 0 {
		return MkString(s)
	}
	return &String{S: s, Ctx: ctx}
}

// MkList returns a list value holding elems (not copied).
func MkList(elems []Value) *List {
	if len(elems) == 0 {
		return emptyList
	}
	return &List{Elems: elems}
}

// Attr is one attribute: its name, its value and where it was defined.
type Attr struct {
	Name  syntax.Symbol
	Pos   token.Pos
	Value Value
}

// Attrs is an attribute set. Attributes are sorted by symbol, so that lookup is
// a binary search and merging is linear.
//
// The result of a // b with a small b is layered: it keeps b's attributes and
// points to a, instead of copying a (nixpkgs applies // to derivation sets over
// and over). Lookups search the layers from the top; the first operation that
// needs every attribute in order flattens the set once, in place. Layering is
// invisible to users of the methods below.
type Attrs struct {
	own   []Attr // this layer's attributes, sorted; all of them when base is nil
	base  *Attrs // the set this layer overrides, or nil
	n     int32  // number of distinct attributes in all layers
	depth uint8  // number of layers below this one
	Pos   token.Pos
}

// maxAttrsDepth bounds the layers of a set, and so the cost of a lookup.
const maxAttrsDepth = 6

// EmptyAttrs returns the empty set.
func EmptyAttrs() *Attrs { return emptyAttrs }

// Len returns the number of attributes.
func (a *Attrs) Len() int {
	if a.base == nil {
		return len(a.own)
	}
	return int(a.n)
}

// At returns the i-th attribute in symbol order.
func (a *Attrs) At(i int) *Attr { return &a.flat()[i] }

// All returns the attributes in symbol order. The caller must not modify them.
func (a *Attrs) All() []Attr { return a.flat() }

// flat returns all attributes in order, merging the layers first if needed.
func (a *Attrs) flat() []Attr {
	if a.base == nil {
		return a.own
	}
	base := a.base.flat()
	out := make([]Attr, 0, a.n)
	out = mergeAttrs(out, base, a.own)
	a.own, a.base, a.depth = out, nil, 0
	return a.own
}

// Get returns the attribute named sym, or nil.
func (a *Attrs) Get(sym syntax.Symbol) *Attr {
	for {
		if at := getAttr(a.own, sym); at != nil {
			return at
		}
		if a.base == nil {
			return nil
		}
		a = a.base
	}
}

func getAttr(l []Attr, sym syntax.Symbol) *Attr {
	if len(l) <= 8 {
		for i := range l {
			if l[i].Name == sym {
				return &l[i]
			}
		}
		return nil
	}
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m].Name < sym {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(l) && l[lo].Name == sym {
		return &l[lo]
	}
	return nil
}

// AttrsBuilder collects attributes and produces a sorted set.
type AttrsBuilder struct {
	list   []Attr
	sorted bool
}

// NewAttrsBuilder returns a builder with room for n attributes.
func NewAttrsBuilder(n int) *AttrsBuilder {
	return &AttrsBuilder{list: make([]Attr, 0, n), sorted: true}
}

// Add appends an attribute; later duplicates are the caller's responsibility.
func (b *AttrsBuilder) Add(name syntax.Symbol, pos token.Pos, v Value) {
	if n := len(b.list); n > 0 && b.list[n-1].Name >= name {
		b.sorted = false
	}
	b.list = append(b.list, Attr{Name: name, Pos: pos, Value: v})
}

// Len returns the number of attributes added so far.
func (b *AttrsBuilder) Len() int { return len(b.list) }

// Finish returns the set. When a name was added more than once, the first wins.
func (b *AttrsBuilder) Finish() *Attrs {
	if len(b.list) == 0 {
		return emptyAttrs
	}
	if !b.sorted {
		sort.SliceStable(b.list, func(i, j int) bool { return b.list[i].Name < b.list[j].Name })
		out := b.list[:1]
		for _, a := range b.list[1:] {
			if a.Name != out[len(out)-1].Name {
				out = append(out, a)
			}
		}
		b.list = out
	}
	return &Attrs{own: b.list}
}

// attrsFromSorted wraps an already sorted, duplicate-free slice.
func attrsFromSorted(l []Attr) *Attrs {
	if len(l) == 0 {
		return emptyAttrs
	}
	return &Attrs{own: l}
}

// Env is a runtime environment: the values of one scope, and the enclosing scope.
//
// The slots follow Up in memory: an Env with n slots is allocated as a larger
// struct (Up and n Values: env2…env8, or a type made once with reflect for more
// slots), and slot i is reached by address arithmetic. This keeps an
// environment of one value at 24 bytes; environments are the most numerous
// objects after thunks. Slot indices are resolved at compile time, so no
// length is stored.
type Env struct {
	Up *Env
	v0 Value
}

type env2 struct {
	Env
	r [1]Value
}
type env3 struct {
	Env
	r [2]Value
}
type env4 struct {
	Env
	r [3]Value
}
type env5 struct {
	Env
	r [4]Value
}
type env6 struct {
	Env
	r [5]Value
}
type env7 struct {
	Env
	r [6]Value
}
type env8 struct {
	Env
	r [7]Value
}

// slot returns the address of slot i.
func (e *Env) slot(i int) *Value {
	return (*Value)(unsafe.Add(unsafe.Pointer(&e.v0), uintptr(i)*unsafe.Sizeof(e.v0)))
}

// newEnv allocates an environment of n slots in a single allocation, or takes
// one a call has given back.
func (st *State) newEnv(up *Env, n int) *Env {
	if n < len(st.envPool) {
		if free := st.envPool[n]; len(free) > 0 {
			e := free[len(free)-1]
			st.envPool[n] = free[:len(free)-1]
			e.Up = up
			return e
		}
	}
	switch n {
	case 0, 1:
		return &Env{Up: up}
	case 2:
		e := &env2{}
		e.Up = up
		return &e.Env
	case 3:
		e := &env3{}
		e.Up = up
		return &e.Env
	case 4:
		e := &env4{}
		e.Up = up
		return &e.Env
	case 5:
		e := &env5{}
		e.Up = up
		return &e.Env
	case 6:
		e := &env6{}
		e.Up = up
		return &e.Env
	case 7:
		e := &env7{}
		e.Up = up
		return &e.Env
	case 8:
		e := &env8{}
		e.Up = up
		return &e.Env
	}
	t := st.envTypes[n]
	if t == nil {
		t = reflect.StructOf([]reflect.StructField{
			{Name: "E", Type: reflect.TypeFor[Env]()},
			{Name: "R", Type: reflect.ArrayOf(n-1, reflect.TypeFor[Value]())},
		})
		st.envTypes[n] = t
	}
	e := (*Env)(reflect.New(t).UnsafePointer())
	e.Up = up
	return e
}

// releaseEnv takes back the environment of n slots of a call that left no
// reference to it (lambdaNode.reuse), for newEnv to hand out again.
func (st *State) releaseEnv(e *Env, n int) {
	if n >= len(st.envPool) {
		return
	}
	e.Up = nil
	for i := range max(n, 1) {
		*e.slot(i) = nil
	}
	st.envPool[n] = append(st.envPool[n], e)
}

// TypeName returns the name of a value's type as CppNix's showType prints it in
// messages: "an integer", "a set", "the built-in function 'map'", ...
func TypeName(v Value) string {
	switch v := v.(type) {
	case Int:
		return "an integer"
	case Bool:
		return "a Boolean"
	case *String:
		if len(v.Ctx) > 0 {
			return "a string with context"
		}
		return "a string"
	case Path:
		return "a path"
	case nullValue:
		return "null"
	case *Attrs:
		return "a set"
	case *List:
		return "a list"
	case *Lambda:
		return "a function"
	case *PrimOp:
		return "the built-in function '" + v.Name + "'"
	case *PrimOpApp:
		return "the partially applied built-in function '" + v.Op.Name + "'"
	case Float:
		return "a float"
	case *Thunk:
		if v.isBlackhole() {
			return "a black hole"
		}
		switch v.code.(type) {
		case *appNode, *fnApp, *app2Node:
			return "a function application" // CppNix's tApp (map, genList, mapAttrs)
		}
		return "a thunk"
	}
	return "an unknown value"
}

// TypeOf returns the name builtins.typeOf gives a value's type.
func TypeOf(v Value) string {
	switch v.(type) {
	case Int:
		return "int"
	case Bool:
		return "bool"
	case *String:
		return "string"
	case Path:
		return "path"
	case nullValue:
		return "null"
	case *Attrs:
		return "set"
	case *List:
		return "list"
	case *Lambda, *PrimOp, *PrimOpApp:
		return "lambda"
	case Float:
		return "float"
	}
	return "thunk"
}

// newList returns a list of n elements, allocated with the list itself when
// small (one allocation instead of two).
func newList(n int) *List {
	switch n {
	case 1:
		l := &list1{}
		l.Elems = l.a[:]
		return &l.List
	case 2:
		l := &list2{}
		l.Elems = l.a[:]
		return &l.List
	case 3:
		l := &list3{}
		l.Elems = l.a[:]
		return &l.List
	case 4:
		l := &list4{}
		l.Elems = l.a[:]
		return &l.List
	}
	return &List{Elems: make([]Value, n)}
}

type list1 struct {
	List
	a [1]Value
}
type list2 struct {
	List
	a [2]Value
}
type list3 struct {
	List
	a [3]Value
}
type list4 struct {
	List
	a [4]Value
}

// newAttrs returns a set with room for exactly n attributes, allocated with
// the set when small.
func newAttrs(n int) *Attrs {
	switch {
	case n == 0:
		return &Attrs{}
	case n <= 2:
		a := &attrs2{}
		a.own = a.a[:n]
		return &a.Attrs
	case n <= 4:
		a := &attrs4{}
		a.own = a.a[:n]
		return &a.Attrs
	case n <= 8:
		a := &attrs8{}
		a.own = a.a[:n]
		return &a.Attrs
	}
	return &Attrs{own: make([]Attr, n)}
}

type attrs2 struct {
	Attrs
	a [2]Attr
}
type attrs4 struct {
	Attrs
	a [4]Attr
}
type attrs8 struct {
	Attrs
	a [8]Attr
}
