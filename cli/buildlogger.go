// This file shows what builds report, in CppNix's log formats: "raw" (plain
// lines, as the classic commands print), "raw-with-logs", "internal-json"
// ("@nix {...}" lines) and "bar"/"bar-with-logs": on a terminal one status
// line redrawn in place ("[1/2/5 built] building foo (buildPhase): last
// line"), with messages and build logs printed above it; elsewhere the bar
// prints plain lines, as CppNix's progress bar does when stderr is not a
// terminal.

package cli

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nixgo/nixgo/build"
	"github.com/nixgo/nixgo/format/nlohmann"
	"github.com/nixgo/nixgo/store"
)

const (
	ansiNormal = "\x1b[0m"
	ansiFaint  = "\x1b[2m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31;1m"
	ansiGreen  = "\x1b[32;1m"
	ansiBlue   = "\x1b[34;1m"
)

// buildLogger implements build.Logger for a command.
type buildLogger struct {
	mu        sync.Mutex
	e         *env
	format    string // raw, raw-with-logs, internal-json, bar, bar-with-logs
	buildLogs bool   // print build log lines (-L, the classic commands)
	tty       bool
	width     int
	active    bool // the status line is shown

	acts     []*barActivity
	byID     map[build.ActivityID]*barActivity
	progress map[build.ActivityID]*[4]uint64 // done, expected, running, failed of actBuilds
	doneSum  [4]uint64                       // of stopped actBuilds activities
	last     string
	dirty    bool
	quit     chan struct{}
	finished chan struct{}
}

// barActivity is an activity as the status line knows it.
type barActivity struct {
	id       build.ActivityID
	typ      build.ActivityType
	text     string
	name     string
	lastLine string
	phase    string
	started  time.Time
}

// newBuildLogger makes the logger for format. Classic commands pass "raw"
// with build logs; nix commands pass "bar".
func (e *env) newBuildLogger(format string, buildLogs bool) *buildLogger {
	l := &buildLogger{e: e, format: format, buildLogs: buildLogs, byID: map[build.ActivityID]*barActivity{},
		progress: map[build.ActivityID]*[4]uint64{}}
	switch format {
	case "raw-with-logs", "bar-with-logs", "internal-json":
		l.buildLogs = true
	}
	w, tty := terminalWidth(e.stderr)
	if tty {
		if t, _ := e.getenv("TERM"); t == "" || t == "dumb" {
			tty = false
		}
		if _, ok := e.getenv("NO_COLOR"); ok {
			tty = false
		}
		if _, ok := e.getenv("NOCOLOR"); ok {
			tty = false
		}
	}
	l.tty, l.width = tty, w
	if l.isBar() && tty {
		l.active = true
		l.quit = make(chan struct{})
		l.finished = make(chan struct{})
		go l.updater()
	}
	return l
}

// parseLogFormat checks a --log-format value as CppNix's parseLogFormat.
func parseLogFormat(s string) error {
	switch s {
	case "raw", "raw-with-logs", "internal-json", "bar", "bar-with-logs":
		return nil
	}
	return fmt.Errorf("option 'log-format' has an invalid value '%s'", s)
}

func (l *buildLogger) isBar() bool { return l.format == "bar" || l.format == "bar-with-logs" }

// stop erases the status line (CppNix's stopProgressBar).
func (l *buildLogger) stop() {
	l.mu.Lock()
	if !l.active {
		l.mu.Unlock()
		return
	}
	l.active = false
	l.mu.Unlock()
	close(l.quit)
	<-l.finished
	l.mu.Lock()
	fmt.Fprint(l.e.stderr, "\r\x1b[K")
	l.mu.Unlock()
}

func (l *buildLogger) verbosity() int { return l.e.log.level }

// filter prepares a message for stderr: escapes are removed unless stderr
// is a terminal.
func (l *buildLogger) filter(s string) string {
	if l.tty {
		return s
	}
	return filterANSIEscapes(s)
}

// write prints a line, above the status line when it is shown.
func (l *buildLogger) write(s string) {
	if l.active {
		fmt.Fprint(l.e.stderr, "\r\x1b[K"+s+ansiNormal+"\n")
		l.draw()
		return
	}
	fmt.Fprintln(l.e.stderr, s)
}

// Log prints a message.
func (l *buildLogger) Log(level store.Level, msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if int(level) > l.verbosity() {
		return
	}
	if l.format == "internal-json" {
		l.json(map[string]any{"action": "msg", "level": int(level), "msg": msg})
		return
	}
	l.write(l.filter(msg))
}

// StartActivity records an activity and, for plain output, prints its text.
func (l *buildLogger) StartActivity(id build.ActivityID, level store.Level, typ build.ActivityType, text string, fields []build.Field, parent build.ActivityID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.format == "internal-json" {
		m := map[string]any{"action": "start", "id": uint64(id), "level": int(level), "type": int(typ), "text": text, "parent": uint64(parent)}
		if len(fields) > 0 {
			m["fields"] = fields
		}
		l.json(m)
		return
	}
	if int(level) <= l.verbosity() && text != "" && !(l.isBar() && typ == build.ActBuildWaiting) {
		l.write(l.filter(text + "..."))
	}
	if !l.isBar() {
		return
	}
	a := &barActivity{id: id, typ: typ, text: text, started: time.Now()}
	if typ == build.ActBuild && len(fields) > 0 {
		name := buildStorePathName(fields[0].S)
		name = strings.TrimSuffix(name, ".drv")
		a.text = "building " + ansiBold + name + ansiNormal
		a.name = buildDrvName(name)
	}
	l.acts = append(l.acts, a)
	l.byID[id] = a
	l.dirty = true
}

// StopActivity forgets an activity.
func (l *buildLogger) StopActivity(id build.ActivityID) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.format == "internal-json" {
		l.json(map[string]any{"action": "stop", "id": uint64(id)})
		return
	}
	if a, ok := l.byID[id]; ok {
		delete(l.byID, id)
		for i, x := range l.acts {
			if x == a {
				l.acts = append(l.acts[:i], l.acts[i+1:]...)
				break
			}
		}
	}
	if p, ok := l.progress[id]; ok {
		l.doneSum[0] += p[0]
		l.doneSum[3] += p[3]
		delete(l.progress, id)
	}
	l.dirty = true
}

// Result records a result: log lines, phases, progress.
func (l *buildLogger) Result(id build.ActivityID, typ build.ResultType, fields []build.Field) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.format == "internal-json" {
		m := map[string]any{"action": "result", "id": uint64(id), "type": int(typ)}
		if len(fields) > 0 {
			m["fields"] = fields
		}
		l.json(m)
		return
	}
	switch typ {
	case build.ResBuildLogLine:
		line := strings.TrimRight(fields[0].S, "\n")
		if !l.isBar() {
			if l.buildLogs {
				l.write(l.filter(line))
			}
			return
		}
		a := l.byID[id]
		if l.buildLogs {
			name := "unnamed"
			if a != nil && a.name != "" {
				name = a.name
			}
			if int(store.LevelInfo) <= l.verbosity() {
				l.write(l.filter(ansiFaint + name + "> " + ansiNormal + line))
			}
			return
		}
		if a != nil {
			a.lastLine = line
			for i, x := range l.acts {
				if x == a {
					l.acts = append(append(l.acts[:i:i], l.acts[i+1:]...), a)
					break
				}
			}
		}
	case build.ResSetPhase:
		if a := l.byID[id]; a != nil {
			a.phase = fields[0].S
		}
	case build.ResProgress:
		p := l.progress[id]
		if p == nil {
			p = &[4]uint64{}
			l.progress[id] = p
		}
		for i := 0; i < 4 && i < len(fields); i++ {
			p[i] = fields[i].I
		}
	}
	l.dirty = true
}

// IsVerbose tells the builder whether log lines are shown as they come.
func (l *buildLogger) IsVerbose() bool { return l.buildLogs }

// json prints an internal-json message.
func (l *buildLogger) json(m map[string]any) {
	b := []byte("@nix {")
	for i, k := range jsonMapKeys(m) {
		if i > 0 {
			b = append(b, ',')
		}
		b, _ = nlohmann.AppendString(b, k)
		b = append(b, ':')
		b = appendLogJSON(b, m[k])
	}
	b = append(b, '}')
	fmt.Fprintln(l.e.stderr, string(b))
}

func appendLogJSON(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		b, _ = nlohmann.AppendString(b, strings.ToValidUTF8(x, "\uFFFD"))
	case int:
		b = strconv.AppendInt(b, int64(x), 10)
	case uint64:
		b = strconv.AppendUint(b, x, 10)
	case []build.Field:
		b = append(b, '[')
		for i, f := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if f.IsInt {
				b = strconv.AppendUint(b, f.I, 10)
			} else {
				b, _ = nlohmann.AppendString(b, strings.ToValidUTF8(f.S, "\uFFFD"))
			}
		}
		b = append(b, ']')
	}
	return b
}

func jsonMapKeys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
	return ks
}

// updater redraws the status line when something changed (CppNix's
// update thread, every 50 ms at most).
func (l *buildLogger) updater() {
	defer close(l.finished)
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-l.quit:
			return
		case <-t.C:
			l.mu.Lock()
			if l.active {
				l.draw()
			}
			l.mu.Unlock()
		}
	}
}

// draw redraws the status line if it changed.
func (l *buildLogger) draw() {
	l.dirty = false
	line := ""
	if status := l.status(); status != "" {
		line = "[" + status + "]"
		if len(l.acts) > 0 {
			line += " "
		}
	}
	now := time.Now()
	for i := len(l.acts) - 1; i >= 0; i-- {
		a := l.acts[i]
		if a.text == "" && a.lastLine == "" {
			continue
		}
		if now.Sub(a.started) < 10*time.Millisecond {
			continue
		}
		line += a.text
		if a.phase != "" {
			line += " (" + a.phase + ")"
		}
		if a.lastLine != "" {
			if a.text != "" {
				line += ": "
			}
			line += a.lastLine
		}
		break
	}
	out := "\r" + truncateANSI(line, l.width) + ansiNormal + "\x1b[K"
	if out != l.last {
		fmt.Fprint(l.e.stderr, out)
		l.last = out
	}
}

// status renders the counts of builds as CppNix's getStatus.
func (l *buildLogger) status() string {
	done, expected, running, failed := l.doneSum[0], l.doneSum[0], uint64(0), l.doneSum[3]
	for _, p := range l.progress {
		done += p[0]
		expected += p[1]
		running += p[2]
		failed += p[3]
	}
	if running == 0 && done == 0 && expected == 0 && failed == 0 {
		return ""
	}
	var s string
	switch {
	case running != 0 && expected != 0:
		s = fmt.Sprintf(ansiBlue+"%d"+ansiNormal+"/"+ansiGreen+"%d"+ansiNormal+"/%d", running, done, expected)
	case running != 0:
		s = fmt.Sprintf(ansiBlue+"%d"+ansiNormal+"/"+ansiGreen+"%d"+ansiNormal, running, done)
	case expected != done && expected != 0:
		s = fmt.Sprintf(ansiGreen+"%d"+ansiNormal+"/%d", done, expected)
	case expected != done:
		s = fmt.Sprintf(ansiGreen+"%d"+ansiNormal, done)
	case done != 0:
		s = fmt.Sprintf(ansiGreen+"%d"+ansiNormal, done)
	default:
		s = fmt.Sprintf("%d", done)
	}
	s += " built"
	if failed != 0 {
		s += fmt.Sprintf(" ("+ansiRed+"%d failed"+ansiNormal+")", failed)
	}
	return s
}

// truncateANSI cuts s to width visible columns, keeping escape sequences
// (CppNix's filterANSIEscapes(s, false, width)).
func truncateANSI(s string, width int) string {
	if width <= 0 {
		return s
	}
	var b strings.Builder
	w := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := skipEscape(s, i+1)
			b.WriteString(s[i:j])
			i = j
			continue
		}
		cw, n := charWidth(s[i:])
		if w+cw > width {
			break
		}
		w += cw
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String()
}

// storePathName returns the name part of a store path.
func buildStorePathName(p string) string {
	base := p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.IndexByte(base, '-'); i >= 0 {
		return base[i+1:]
	}
	return ""
}

// drvNameOnly is CppNix's DrvName(name).name: the name without its version
// (which starts at the first dash followed by a non-letter).
func buildDrvName(s string) string {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '-' && !isASCIILetter(s[i+1]) {
			return s[:i]
		}
	}
	return s
}

func isASCIILetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
