// This file holds evaluation errors, the trace frames that annotate them, and
// their rendering in CppNix's format.
//
// CppNix annotates an error with "… while evaluating …" traces in catch blocks as
// the exception unwinds. The equivalent here is a shadow stack of frames: code
// that would catch-and-annotate pushes a frame before the risky work and pops it
// afterwards. An error unwinds the Go stack with a panic; since nothing pops
// frames during the unwinding, the point that recovers the panic finds exactly
// the frames that were active when the error was raised, and turns them into
// traces. This costs a slice append on the success path instead of a deferred
// recover.

package eval

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/lang/syntax"
	"github.com/nixgo/nixgo/lang/token"
)

// ErrorKind classifies errors the way CppNix's exception types do; some
// builtins (tryEval) and traces depend on it.
type ErrorKind uint8

const (
	EvalError ErrorKind = iota
	TypeError
	AssertionError
	ThrownError
	Abort
	InfiniteRecursion
	UndefinedVar
	MissingArgument
	ParseError
	RestrictedPath
	IOError
	StackOverflow
	// UsageError is CppNix's UsageError (an unknown hash algorithm, for one), to
	// which commands add a hint to --help.
	UsageError
)

// Trace is one "… while …" line of an error, with an optional position.
type Trace struct {
	Pos    token.Pos
	Msg    string
	Always bool // printed even when the trace is truncated
}

// Error is an evaluation error.
type Error struct {
	Kind        ErrorKind
	Msg         string
	Pos         token.Pos
	Traces      []Trace // outermost first, as printed
	Suggestions []string
	// Frames collected from the shadow stack, innermost last, not yet turned
	// into traces.
	frames []frame
	// traces given when the error was raised (withTrace), innermost last
	own []Trace
	// argEnd is set when the message ends with a formatted argument: CppNix
	// prints arguments in colour, so the message ends with an ANSI reset and
	// trailing newlines inside the argument survive as indented empty lines.
	argEnd bool
	// Status is the exit status the error asks for (CppNix's withExitStatus);
	// 0 means the default, 1.
	Status int
	// context added by builtins.addErrorContext-style frames is part of frames.
}

func (e *Error) Error() string { return e.Msg }

// frameKind selects the message of a frame.
type frameKind uint8

const (
	fMsg            frameKind = iota // msg at pos
	fSelect                          // while evaluating the attribute '<path>' (computed lazily)
	fAssert                          // only for assertion errors
	fCallSite                        // "from call site", also added to type errors of formals
	fTryEval                         // boundary: errors of catchable kinds are recovered here
	fAlways                          // msg at pos, printed even when truncated
	fInternal                        // frame that never prints (marks a boundary)
	fDerivationName                  // "while evaluating derivation '%s'" + positions line
	fPrimOp                          // while calling the '<msg>' builtin
	fAttrName                        // while evaluating the attribute '<sym>'
	fDrvAttr                         // while evaluating attribute '<sym>' of derivation '<msg>'
)

// frame is one entry of the shadow stack.
type frame struct {
	kind frameKind
	pos  token.Pos
	msg  string
	sym  syntax.Symbol
	node node // fSelect: the select node
	env  *Env // fSelect: its environment
}

func (st *State) push(kind frameKind, pos token.Pos, msg string) {
	st.frames = append(st.frames, frame{kind: kind, pos: pos, msg: msg})
}

func (st *State) pop() { st.frames = st.frames[:len(st.frames)-1] }

// throw raises err. Frames are attached when the panic is recovered.
func (st *State) throw(err *Error) {
	panic(err)
}

// Errorf raises an error of the given kind at pos with a formatted message.
func (st *State) Errorf(kind ErrorKind, pos token.Pos, format string, args ...any) {
	st.throw(&Error{Kind: kind, Pos: pos, Msg: sprintf(format, args...), argEnd: endsWithVerb(format, args)})
}

// ErrorfStatus is Errorf for an error that ends the program with the given exit
// status (CppNix's withExitStatus), such as 102 for hash mismatches.
func (st *State) ErrorfStatus(status int, kind ErrorKind, pos token.Pos, format string, args ...any) {
	st.throw(&Error{Kind: kind, Pos: pos, Msg: sprintf(format, args...), argEnd: endsWithVerb(format, args), Status: status})
}

// Fail raises an error of the given kind at pos whose message is msg as is, as
// CppNix's error(std::string), which formats the text uncoloured: trailing
// newlines are trimmed when it is printed.
func (st *State) Fail(kind ErrorKind, pos token.Pos, msg string) {
	st.throw(&Error{Kind: kind, Pos: pos, Msg: msg})
}

// endsWithVerb reports whether format ends with a formatting verb.
func endsWithVerb(format string, args []any) bool {
	n := len(format)
	return len(args) > 0 && n >= 2 && format[n-2] == '%' && format[n-1] != '%'
}

// ErrorWithTrace raises an error whose first trace is trace at tracePos, as
// CppNix's error(...).withTrace(pos, ctx).
func (st *State) ErrorWithTrace(kind ErrorKind, pos token.Pos, tracePos token.Pos, trace string, format string, args ...any) {
	st.throw(&Error{Kind: kind, Pos: pos, Msg: sprintf(format, args...), own: []Trace{{Pos: tracePos, Msg: trace}}})
}

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// catch runs f and recovers an evaluation error raised inside it, attaching the
// frames pushed since the call. Other panics propagate. It restores the frame and
// thunk stacks to their state at the call, as unwinding through CppNix's catch
// blocks would.
func (st *State) catch(f func()) (err *Error) {
	depth := len(st.frames)
	thunks := len(st.forcing)
	calls := st.callDepth
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		e, ok := r.(*Error)
		if !ok {
			panic(r)
		}
		st.unwind(e, depth, thunks)
		st.callDepth = calls
		err = e
	}()
	f()
	return nil
}

// unwind attaches the frames above depth to e and resets the thunks that were
// being forced above thunks.
func (st *State) unwind(e *Error, depth, thunks int) {
	if len(st.frames) > depth {
		e.frames = append(append([]frame(nil), st.frames[depth:]...), e.frames...)
		st.frames = st.frames[:depth]
	}
	for i := len(st.forcing) - 1; i >= thunks; i-- {
		st.forcing[i].reset()
	}
	st.forcing = st.forcing[:thunks]
}

// finish turns the collected frames of e into traces, innermost first, then
// orders them outermost first as they are printed.
func (st *State) finish(e *Error) {
	var traces []Trace // innermost first
	for i := len(e.own) - 1; i >= 0; i-- {
		traces = append(traces, e.own[i])
	}
	e.own = nil
	for i := len(e.frames) - 1; i >= 0; i-- {
		f := &e.frames[i]
		switch f.kind {
		case fMsg:
			traces = append(traces, Trace{Pos: f.pos, Msg: f.msg})
		case fAlways:
			traces = append(traces, Trace{Pos: f.pos, Msg: f.msg, Always: true})
		case fCallSite:
			traces = append(traces, Trace{Pos: f.pos, Msg: "from call site"})
		case fSelect:
			if f.pos != token.NoPos && !st.isInternal(f.pos) {
				traces = append(traces, Trace{Pos: f.pos, Msg: "while evaluating the attribute '" + st.showSelectPath(f.node, f.env) + "'"})
			}
		case fAssert:
			if e.Kind == AssertionError {
				traces = append(traces, Trace{Pos: f.pos, Msg: f.msg})
			}
		case fPrimOp:
			traces = append(traces, Trace{Pos: f.pos, Msg: "while calling the '" + f.msg + "' builtin"})
		case fAttrName:
			traces = append(traces, Trace{Pos: f.pos, Msg: "while evaluating the attribute '" + syntax.Identifier(st.Symbols.Name(f.sym)) + "'"})
		case fDerivationName:
			traces = append(traces, Trace{Msg: f.msg})
		case fDrvAttr:
			traces = append(traces, Trace{Pos: f.pos, Msg: "while evaluating attribute '" +
				syntax.Identifier(st.Symbols.Name(f.sym)) + "' of derivation '" + f.msg + "'"})
		}
	}
	e.frames = nil
	for i := len(traces) - 1; i >= 0; i-- {
		e.Traces = append(e.Traces, traces[i])
	}
}

// Render formats err as CppNix prints errors on the terminal (without colours).
// showTrace selects the full trace; otherwise it is truncated as CppNix does.
func (st *State) Render(err error, showTrace bool) string {
	e, ok := err.(*Error)
	if !ok {
		return "error: " + err.Error()
	}
	if e.Kind == StackOverflow {
		// CppNix reports a C stack overflow from its signal handler, without traces.
		return "error: " + e.Msg
	}
	msg := e.Msg
	if e.argEnd && strings.HasSuffix(msg, "\n") {
		msg += ansiReset
	}
	return strings.ReplaceAll(st.renderInfo("error", msg, e.Pos, e.Traces, e.Suggestions, showTrace), ansiReset, "")
}

// ansiReset stands for the colour reset that ends CppNix messages whose last
// part is an argument; it keeps trailing newlines from being trimmed.
const ansiReset = "\x00reset\x00"

// RenderWarning formats a warning with a position, as CppNix's logWarning.
func (st *State) RenderWarning(prefix, msg string, pos token.Pos) string {
	return st.renderInfo(prefix, msg, pos, nil, nil, false)
}

func (st *State) renderInfo(level, msg string, pos token.Pos, traces []Trace, suggestions []string, showTrace bool) string {
	prefix := level + ": "
	var oss strings.Builder
	const ellipsisIndent = "  "
	if len(traces) > 0 {
		type key struct {
			pos tracePos
			msg string
		}
		seen := map[key]bool{}
		var skipped []Trace
		count := 0
		truncate := false
		flushSkipped := func() {
			if len(skipped) > 0 {
				if len(skipped) <= 5 {
					for _, t := range skipped {
						st.printTrace(&oss, ellipsisIndent, &count, t)
					}
				} else {
					// CppNix means to forget the frames seen here, but clears a copy
					// of its set; the frames stay seen.
					fmt.Fprintf(&oss, "\n(%d duplicate frames omitted)\n", len(skipped))
				}
			}
			skipped = skipped[:0]
		}
		for _, t := range traces {
			if t.Msg == "" {
				continue
			}
			if !showTrace && count > 3 {
				truncate = true
			}
			if !truncate || t.Always {
				k := key{st.tracePosKey(t.Pos), t.Msg}
				if seen[k] {
					skipped = append(skipped, t)
					continue
				}
				seen[k] = true
				flushSkipped()
				count++
				st.printTrace(&oss, ellipsisIndent, &count, t)
			}
		}
		flushSkipped()
		if truncate {
			oss.WriteString("\n(stack trace truncated; use '--show-trace' to show the full, detailed trace)\n")
		}
		oss.WriteString("\n" + prefix)
	}
	oss.WriteString(msg)
	oss.WriteString("\n")
	st.printPos(&oss, "", pos)
	if len(suggestions) > 0 {
		oss.WriteString("Did you mean " + showSuggestions(suggestions) + "?\n")
	}
	body := strings.TrimRight(oss.String(), " \t\n")
	return indentLines(prefix, strings.Repeat(" ", len(prefix)), body)
}

// tracePos is a position as CppNix compares trace positions: by origin, line
// and column, so that a file parsed twice (the top-level file, then imported)
// gives equal positions.
type tracePos struct {
	kind         token.OriginKind
	name         string
	line, column int
}

// tracePosKey makes positions that print the same compare equal.
func (st *State) tracePosKey(p token.Pos) tracePos {
	pos := st.Files.Position(p)
	if pos.File == nil {
		return tracePos{}
	}
	return tracePos{pos.File.Kind(), pos.File.Name(), pos.Line, pos.Column}
}

// Suggest returns CppNix's suggestion line ("Did you mean …?") for want among
// names, or "" when no name is close.
func Suggest(names []string, want string) string {
	s := bestMatches(names, want)
	if len(s) == 0 {
		return ""
	}
	return "Did you mean " + showSuggestions(s) + "?"
}

func showSuggestions(s []string) string {
	if len(s) == 1 {
		return s[0]
	}
	return "one of " + strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func (st *State) printTrace(out *strings.Builder, indent string, count *int, t Trace) {
	out.WriteString("\n… " + t.Msg + "\n")
	if st.printPos(out, indent, t.Pos) {
		*count++
	}
}

// printPos prints "at FILE:LINE:COL:" and the lines around it, if the position is known.
func (st *State) printPos(out *strings.Builder, indent string, p token.Pos) bool {
	if p == token.NoPos {
		return false
	}
	pos := st.Files.Position(p)
	if !pos.IsValid() {
		return false
	}
	out.WriteString(indent + "at " + pos.String() + ":")
	if lines := codeLines(pos); lines != "" {
		out.WriteString(lines)
		out.WriteString("\n")
	}
	return true
}

// codeLines renders the line of pos with the lines before and after it and a
// caret under the column, as CppNix's printCodeLines.
func codeLines(pos token.Position) string {
	src := pos.File.Source()
	if src == nil {
		return ""
	}
	lines := splitLines(string(src))
	var sb strings.Builder
	if pos.Line-2 >= 0 && pos.Line-2 < len(lines) && pos.Line > 1 {
		fmt.Fprintf(&sb, "\n %5d| %s", pos.Line-1, lines[pos.Line-2])
	}
	if pos.Line-1 < len(lines) {
		fmt.Fprintf(&sb, "\n %5d| %s", pos.Line, lines[pos.Line-1])
		if pos.Column > 0 {
			fmt.Fprintf(&sb, "\n      |%s^", strings.Repeat(" ", pos.Column))
		}
	}
	if pos.Line < len(lines) {
		fmt.Fprintf(&sb, "\n %5d| %s", pos.Line+1, lines[pos.Line])
	}
	return sb.String()
}

// splitLines splits as CppNix's LinesIterator: at "\r\n", "\r" or "\n"; a final
// line break is followed by an empty line, and an empty text has no lines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for {
		i := strings.IndexAny(s, "\r\n")
		if i < 0 {
			out = append(out, s)
			return out
		}
		out = append(out, s[:i])
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
	}
}

// indentLines prefixes the first line with first and the others with rest,
// trimming trailing whitespace of each line, as CppNix's indent(): an empty text
// gives nothing, and a final line break no empty line.
func indentLines(first, rest, s string) string {
	var sb strings.Builder
	for isFirst := true; s != ""; isFirst = false {
		end := strings.IndexByte(s, '\n')
		line := s
		if end >= 0 {
			line = s[:end]
		}
		if isFirst {
			line = first + line
		} else {
			sb.WriteString("\n")
			line = rest + line
		}
		sb.WriteString(strings.TrimRight(line, " \t\n\r"))
		if end < 0 {
			break
		}
		s = s[end+1:]
	}
	return sb.String()
}

// bestMatches returns the names closest to want by edit distance, as CppNix's
// Suggestions::bestMatches followed by trim(): at most five, at distance two or
// less, ordered by distance then name.
func bestMatches(names []string, want string) []string {
	type sugg struct {
		d int
		s string
	}
	var all []sugg
	for _, n := range names {
		d := levenshtein(n, want)
		if d <= 2 {
			all = append(all, sugg{d, n})
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].d != all[j].d {
			return all[i].d < all[j].d
		}
		return all[i].s < all[j].s
	})
	var out []string
	for _, s := range all {
		if len(out) == 5 {
			break
		}
		out = append(out, s.s)
	}
	return out
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			if prev[j]+1 < c {
				c = prev[j] + 1
			}
			if cur[j-1]+1 < c {
				c = cur[j-1] + 1
			}
			cur[j] = c
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// quoteInt is strconv.FormatInt for messages.
func quoteInt(n int64) string { return strconv.FormatInt(n, 10) }

// AddTrace adds a trace outside all traces the error has so far, as CppNix's
// addTrace on a caught error.
func (e *Error) AddTrace(t Trace) {
	k := fMsg
	if t.Always {
		k = fAlways
	}
	e.frames = append([]frame{{kind: k, pos: t.Pos, msg: t.Msg}}, e.frames...)
}
