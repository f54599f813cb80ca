// Parsing the ATerm text of .drv files, as CppNix's parseDerivation.

package derivation

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// FormatError reports malformed derivation text. Its message is CppNix's.
type FormatError struct{ Msg string }

func (e *FormatError) Error() string { return e.Msg }

func formatError(format string, args ...any) error {
	return &FormatError{fmt.Sprintf(format, args...)}
}

// parser reads ATerm text; errors are sticky in err, so that the grammar
// reads top to bottom.
type parser struct {
	s   string
	dir storepath.Dir
	err error
}

func (p *parser) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// expect consumes tok.
func (p *parser) expect(tok string) {
	if p.err != nil {
		return
	}
	if !strings.HasPrefix(p.s, tok) {
		p.fail(formatError("expected string '%s'", tok))
		return
	}
	p.s = p.s[len(tok):]
}

func (p *parser) peek() byte {
	if p.s == "" {
		return 0
	}
	return p.s[0]
}

// endOfList consumes a ',' (false) or ']' (true). Like CppNix, it returns
// false without consuming anything at any other character, so elements
// need not be separated.
func (p *parser) endOfList() bool {
	if p.err != nil {
		return true
	}
	switch p.peek() {
	case ',':
		p.s = p.s[1:]
		return false
	case ']':
		p.s = p.s[1:]
		return true
	}
	return false
}

// str reads a quoted string with backslash escapes: \n, \r and \t stand
// for control characters, and a backslash before any other character for
// that character.
func (p *parser) str() string {
	p.expect(`"`)
	if p.err != nil {
		return ""
	}
	escaped := false
	i := 0
	for ; i < len(p.s) && p.s[i] != '"'; i++ {
		if p.s[i] == '\\' {
			i++
			escaped = true
			if i == len(p.s) {
				break
			}
		}
	}
	if i >= len(p.s) {
		p.fail(formatError("unterminated string in derivation"))
		return ""
	}
	content := p.s[:i]
	p.s = p.s[i+1:]
	if !escaped {
		return content
	}
	var b strings.Builder
	b.Grow(len(content))
	for j := 0; j < len(content); j++ {
		c := content[j]
		if c == '\\' {
			j++
			switch c = content[j]; c {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func validatePath(s string) error {
	if s == "" || s[0] != '/' {
		return formatError("bad path '%s' in derivation", s)
	}
	return nil
}

// path reads a string that must be an absolute path.
func (p *parser) path() string {
	s := p.str()
	if p.err == nil {
		p.fail(validatePath(s))
	}
	return s
}

func (p *parser) storePath(s string) storepath.StorePath {
	if p.err != nil {
		return storepath.StorePath{}
	}
	sp, err := p.dir.Parse(s)
	p.fail(err)
	return sp
}

// strings reads a list of strings as a sorted set.
func (p *parser) strings(arePaths bool) []string {
	p.expect("[")
	var list []string
	for !p.endOfList() {
		if arePaths {
			list = append(list, p.path())
		} else {
			list = append(list, p.str())
		}
	}
	return sortedSet(list)
}

// Parse parses the ATerm text of a derivation called name (the .drv
// file's name without ".drv") in store dir (CppNix's parseDerivation). As
// CppNix, it ignores anything after the final ")", and recomputes the
// paths of fixed outputs from their content addresses.
func Parse(dir storepath.Dir, text, name string) (*Derivation, error) {
	p := &parser{s: text, dir: dir}
	d := &Derivation{
		Name:      name,
		Outputs:   map[string]Output{},
		InputDrvs: map[storepath.StorePath][]string{},
		Env:       map[string]string{},
	}
	p.header()
	p.expect("[")
	for !p.endOfList() {
		p.expect("(")
		id := p.str()
		o := p.output(name, id)
		if _, dup := d.Outputs[id]; !dup && p.err == nil {
			d.Outputs[id] = o // the first of duplicates wins, as in CppNix
		}
	}
	p.expect(",[")
	for !p.endOfList() {
		p.expect("(")
		drv := p.storePath(p.path())
		p.expect(",")
		outs := p.strings(false)
		p.expect(")")
		if p.err == nil {
			d.InputDrvs[drv] = outs
		}
	}
	p.expect(",")
	for _, s := range p.strings(true) {
		d.InputSrcs = append(d.InputSrcs, p.storePath(s))
	}
	d.InputSrcs = storepath.SortPaths(d.InputSrcs)
	p.expect(",")
	d.Platform = p.str()
	p.expect(",")
	d.Builder = p.str()
	p.expect(",[")
	for !p.endOfList() {
		d.Args = append(d.Args, p.str())
	}
	p.expect(",[")
	for !p.endOfList() {
		p.expect("(")
		k := p.str()
		p.expect(",")
		v := p.str()
		p.expect(")")
		if p.err == nil {
			d.Env[k] = v
		}
	}
	p.expect(")")
	if p.err != nil {
		return nil, p.err
	}
	return d, nil
}

// header reads "Derive(".
func (p *parser) header() {
	p.expect("D")
	if p.err != nil {
		return
	}
	switch p.peek() {
	case 'e':
		p.expect("erive(")
	case 'r':
		p.expect("rvWithVersion(")
		v := p.str()
		if p.err != nil {
			return
		}
		if v != "xp-dyn-drv" {
			p.fail(formatError("Unknown derivation ATerm format version '%s'", v))
			return
		}
		p.fail(errors.New("derivations in the 'xp-dyn-drv' format (experimental feature 'dynamic-derivations') are not supported"))
	default:
		p.fail(errors.New("derivation does not start with 'Derive' or 'DrvWithVersion'"))
	}
}

// output reads `,"<path>","<hashAlgo>","<hash>")` of output id of
// derivation drvName.
func (p *parser) output(drvName, id string) Output {
	p.expect(",")
	path := p.str()
	p.expect(",")
	algo := p.str()
	p.expect(",")
	h := p.str()
	p.expect(")")
	if p.err != nil {
		return Output{}
	}
	o, err := p.makeOutput(drvName, id, path, algo, h)
	p.fail(err)
	return o
}

// makeOutput interprets an output's fields (CppNix's
// parseDerivationOutput).
func (p *parser) makeOutput(drvName, id, path, algo, h string) (Output, error) {
	if algo == "" {
		if path == "" {
			return Output{}, nil
		}
		if err := validatePath(path); err != nil {
			return Output{}, err
		}
		sp, err := p.dir.Parse(path)
		return Output{Path: sp}, err
	}
	m, rest := storepath.ParseMethodPrefix(algo)
	a, err := hash.ParseAlgo(rest)
	if err != nil {
		return Output{}, err
	}
	switch h {
	case "impure":
		if path != "" {
			return Output{}, formatError("impure derivation output should not specify output path")
		}
		return ImpureOutput(m, a), nil
	case "":
		if path != "" {
			return Output{}, formatError("content-addressed derivation output should not specify output path")
		}
		return FloatingOutput(m, a), nil
	}
	if err := validatePath(path); err != nil {
		return Output{}, err
	}
	digest, err := hash.ParseNonSRIUnprefixed(h, a)
	if err != nil {
		return Output{}, err
	}
	return FixedOutput(p.dir, drvName, id, storepath.ContentAddress{Method: m, Hash: digest})
}
