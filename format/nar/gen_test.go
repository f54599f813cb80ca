// The inputs of the reference vectors: file trees and malformed NARs that
// testdata/gen.sh gives to CppNix. Both the generator and the tests build
// them from here, so they cannot drift apart.

package nar

import (
	"bytes"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var genDir = flag.String("gen", "", "write the reference inputs (trees/, bad/) into this directory for testdata/gen.sh")

// treeNames lists the trees makeTree builds.
var treeNames = []string{"file", "executable", "symlink", "empty-file", "empty-dir", "big-file", "complex", "plain"}

// makeTree creates tree name at dir, which must not exist.
func makeTree(t testing.TB, dir, name string) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	file := func(p, content string, mode os.FileMode) {
		must(writeTreeFile(p, content, mode)) // tree_*_test.go
	}
	switch name {
	case "file":
		file(dir, "hello\n", 0o644)
	case "executable":
		file(dir, "#!/bin/sh\necho hi\n", 0o755)
	case "symlink":
		must(treeSymlink("../some/target", dir))
	case "empty-file":
		file(dir, "", 0o644)
	case "empty-dir":
		must(os.Mkdir(dir, 0o755))
	case "big-file":
		file(dir, bigContent(), 0o644)
	case "complex":
		must(os.Mkdir(dir, 0o755))
		for i, n := range []int{0, 1, 7, 8, 9, 15, 16, 17} {
			file(filepath.Join(dir, "size"+strings.Repeat("x", i)), strings.Repeat("a", n), 0o644)
		}
		for _, n := range []string{"A", "a", "B", "_", ".hidden", "a.b", "a-b", "ab", "a~", "with space", "é", "日本語", "Z", "1", "~"} {
			file(filepath.Join(dir, n), n, 0o644)
		}
		file(filepath.Join(dir, "run"), "exec", 0o700)
		file(filepath.Join(dir, "group-exec-only"), "not exec for nix", 0o654)
		must(treeSymlink("/absolute/target", filepath.Join(dir, "link-abs")))
		must(treeSymlink("size", filepath.Join(dir, "link-rel")))
		must(treeSymlink("sub", filepath.Join(dir, "link-dir")))
		must(os.MkdirAll(filepath.Join(dir, "sub", "deeper", "deepest"), 0o755))
		must(os.Mkdir(filepath.Join(dir, "sub", "empty"), 0o755))
		file(filepath.Join(dir, "sub", "deeper", "deepest", "leaf"), "leaf\n", 0o755)
		file(filepath.Join(dir, "sub", "z"), "z", 0o644)
		file(filepath.Join(dir, "sub", "big"), bigContent(), 0o644)
	case "plain":
		// Directories and regular files only: what every system can
		// hold as it is (the end-to-end check under Wine dumps it).
		must(os.MkdirAll(filepath.Join(dir, "src", "lib"), 0o755))
		must(os.MkdirAll(filepath.Join(dir, "share", "doc", "empty"), 0o755))
		file(filepath.Join(dir, "README"), "a plain tree\n", 0o644)
		file(filepath.Join(dir, "src", "main.c"), "int main(void) { return 0; }\n", 0o644)
		file(filepath.Join(dir, "src", "lib", "util.h"), "#pragma once\n", 0o644)
		file(filepath.Join(dir, "src", "lib", "empty"), "", 0o644)
		file(filepath.Join(dir, "share", "doc", "notes.txt"), bigContent(), 0o644)
		file(filepath.Join(dir, "share", "doc", "ünïcödé-名前"), "names in UTF-8\n", 0o644)
		file(filepath.Join(dir, "share", "binary"), "\x00\x01\x02\xff\r\n\x00", 0o644)
	default:
		t.Fatalf("no tree %q", name)
	}
}

// bigContent is larger than the Writer's buffer, to exercise the copy
// path for large files.
func bigContent() string {
	var b strings.Builder
	for i := 0; b.Len() < 70000; i++ {
		b.WriteString(strings.Repeat(string(rune('a'+i%26)), i%100))
		b.WriteByte('\n')
	}
	return b.String()
}

// token writes NAR strings; raw bytes can be spliced in with rawTok.
type token struct {
	s   string
	raw bool
}

func rawTok(s string) token { return token{s, true} }

func narOf(toks ...any) []byte {
	var b bytes.Buffer
	for _, t := range toks {
		switch t := t.(type) {
		case string:
			var n [8]byte
			binary.LittleEndian.PutUint64(n[:], uint64(len(t)))
			b.Write(n[:])
			b.WriteString(t)
			b.Write(make([]byte, (8-len(t)%8)%8))
		case token:
			b.WriteString(t.s)
		}
	}
	return b.Bytes()
}

// entry returns the tokens of a directory entry holding a regular file.
func fileEntry(name, content string) []any {
	return []any{"entry", "(", "name", name, "node", "(", "type", "regular", "contents", content, ")", ")"}
}

func dirNAR(entries ...[]any) []byte {
	toks := []any{Magic, "(", "type", "directory"}
	for _, e := range entries {
		toks = append(toks, e...)
	}
	return narOf(append(toks, ")")...)
}

// badNARs are malformed archives, keyed by name.
func badNARs() map[string][]byte {
	good := narOf(Magic, "(", "type", "regular", "contents", "hello", ")")
	return map[string][]byte{
		"empty":               {},
		"wrong-magic":         narOf("nix-archive-2", "(", "type", "regular", "contents", "", ")"),
		"long-magic":          narOf("nix-archive-1-and-more", "(", "type", "regular", "contents", "", ")"),
		"truncated-contents":  good[:len(good)-20],
		"truncated-end":       good[:len(good)-16],
		"nonzero-padding":     append(narOf(Magic, "(", "type", "regular", "contents"), narOf(rawTok("\x05\x00\x00\x00\x00\x00\x00\x00hello\x00\x01\x00"), ")")...),
		"nonzero-tag-padding": append(narOf(Magic), rawTok("\x01\x00\x00\x00\x00\x00\x00\x00(\x00\x00\x00\x00\x00\x00\x01").s...),
		"name-dot":            dirNAR(fileEntry(".", "x")),
		"name-dotdot":         dirNAR(fileEntry("..", "x")),
		"name-slash":          dirNAR(fileEntry("a/b", "x")),
		"name-empty":          dirNAR(fileEntry("", "x")),
		"name-nul":            dirNAR(fileEntry("a\x00b", "x")),
		"unsorted":            dirNAR(fileEntry("b", "x"), fileEntry("a", "x")),
		"duplicate":           dirNAR(fileEntry("a", "x"), fileEntry("a", "x")),
		"unknown-type":        narOf(Magic, "(", "type", "fifo", ")"),
		"executable-value":    narOf(Magic, "(", "type", "regular", "executable", "yes", "contents", "", ")"),
		"bad-open":            narOf(Magic, "[", "type", "regular", "contents", "", ")"),
		"bad-entry-tag":       narOf(Magic, "(", "type", "directory", "file", ")"),
		"symlink-no-target":   narOf(Magic, "(", "type", "symlink", "link", "x", ")"),
		"regular-extra-field": narOf(Magic, "(", "type", "regular", "contents", "", "mode", ")"),
		"regular-no-contents": narOf(Magic, "(", "type", "regular", ")"),
		"trailing-garbage":    append(narOf(Magic, "(", "type", "regular", "contents", "x", ")"), "garbage"...),
		"huge-size":           narOf(Magic, "(", "type", "regular", "contents", rawTok("\xff\xff\xff\xff\xff\xff\xff\xff")),
	}
}

// TestGenerate writes the reference inputs when run with -gen.
func TestGenerate(t *testing.T) {
	if *genDir == "" {
		t.Skip("only with -gen")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the reference trees are made on Unix, with real permissions and symlinks")
	}
	for _, sub := range []string{"trees", "bad"} {
		if err := os.MkdirAll(filepath.Join(*genDir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range treeNames {
		makeTree(t, filepath.Join(*genDir, "trees", n), n)
	}
	for n, b := range badNARs() {
		if err := os.WriteFile(filepath.Join(*genDir, "bad", n+".nar"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
