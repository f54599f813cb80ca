// This file writes the messages of evaluation commands in CppNix's
// "internal-json" log format (--log-format internal-json): one "@nix {...}"
// line per message, with the level and, for warnings, CppNix's colours.

package cli

import (
	"fmt"
	"strings"

	"github.com/nixgo/nixgo/format/nlohmann"
)

// ansiWarning is the colour of CppNix's "warning:" prefixes (ANSI_WARNING).
const ansiWarning = "\x1b[35;1m"

// writeJSONMsg writes one internal-json message, its keys sorted as
// nlohmann's objects are.
func (l *logger) writeJSONMsg(m map[string]any) {
	b := []byte("@nix {")
	for i, k := range jsonMapKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = nlohmann.AppendString(b, k)
		b = append(b, ':')
		if m[k] == nil {
			b = append(b, "null"...)
		} else {
			b = appendLogJSON(b, m[k])
		}
	}
	b = append(b, '}')
	fmt.Fprintln(l.w, string(b))
}

// msgAt prints a message of the given level (CppNix's printMsg), when the
// verbosity allows it.
func (l *logger) msgAt(level int, msg string) {
	if l.level < level {
		return
	}
	if l.json {
		l.writeJSONMsg(map[string]any{"action": "msg", "level": level, "msg": msg})
		return
	}
	fmt.Fprintln(l.w, filterANSIEscapes(msg))
}

// evalLog prints what the evaluator logs: traces (printError) and
// evaluation warnings (logWarning, which CppNix gives an empty position).
func (l *logger) evalLog(msg string) {
	if !l.json {
		l.errorMsg(msg)
		return
	}
	if rest, ok := strings.CutPrefix(msg, "evaluation warning: "); ok {
		l.writeJSONMsg(map[string]any{"action": "msg", "level": lvlWarn, "column": 0, "line": 0, "file": "«none»:0",
			"msg": ansiWarning + "evaluation warning:" + ansiNormal + " " + rest, "raw_msg": rest})
		return
	}
	if entry, ok := strings.CutPrefix(msg, "warning: Nix search path entry '"); ok && strings.HasSuffix(entry, "' does not exist, ignoring") {
		// logWarning of a message with an argument, which CppNix colours.
		entry = strings.TrimSuffix(entry, "' does not exist, ignoring")
		raw := "Nix search path entry '" + ansiWarning + entry + ansiNormal + "' does not exist, ignoring"
		l.writeJSONMsg(map[string]any{"action": "msg", "level": lvlWarn, "column": nil, "line": nil, "file": nil,
			"msg": ansiWarning + "warning:" + ansiNormal + " " + raw, "raw_msg": raw})
		return
	}
	if rest, ok := strings.CutPrefix(msg, "warning: "); ok {
		l.writeJSONMsg(map[string]any{"action": "msg", "level": lvlWarn, "msg": ansiWarning + "warning:" + ansiNormal + " " + rest})
		return
	}
	l.writeJSONMsg(map[string]any{"action": "msg", "level": lvlError, "msg": msg})
}
