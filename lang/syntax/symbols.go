// This file holds the symbol table that interns identifiers and attribute names.

package syntax

// Symbol is an interned name: an index into a Symbols table. Attribute sets are
// sorted by Symbol, so comparing names is comparing integers.
type Symbol int32

// NoSymbol is the zero Symbol; it stands for no name (e.g. a lambda without @-name).
const NoSymbol Symbol = 0

// Symbols interns strings. The zero Symbol is reserved for "no name".
// A table belongs to one evaluation and is not safe for concurrent use.
type Symbols struct {
	index map[string]Symbol
	names []string
}

// NewSymbols returns an empty table.
func NewSymbols() *Symbols {
	return &Symbols{index: make(map[string]Symbol, 1<<12), names: []string{""}}
}

// Intern returns the symbol for s, adding it if needed.
func (t *Symbols) Intern(s string) Symbol {
	if sym, ok := t.index[s]; ok {
		return sym
	}
	sym := Symbol(len(t.names))
	t.names = append(t.names, s)
	t.index[s] = sym
	return sym
}

// InternBytes is Intern for a byte slice; it allocates only for new names.
func (t *Symbols) InternBytes(b []byte) Symbol {
	if sym, ok := t.index[string(b)]; ok {
		return sym
	}
	return t.Intern(string(b))
}

// Lookup returns the symbol for s if it has been interned.
func (t *Symbols) Lookup(s string) (Symbol, bool) {
	sym, ok := t.index[s]
	return sym, ok
}

// Name returns the string of a symbol.
func (t *Symbols) Name(s Symbol) string { return t.names[s] }

// Len returns the number of interned symbols (including the reserved zero).
func (t *Symbols) Len() int { return len(t.names) }
