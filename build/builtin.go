// This file runs builtin builders (builder = "builtin:..."). The parent
// sends the derivation and the output paths in a request; the builder runs
// in a process of its own (this executable, recognised by its argv[0] in
// init, see package sandbox), inside the sandbox when there is one, as
// CppNix runs them in its forked child.

package build

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/nixgo/nixgo/build/sandbox"
	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"
)

// builtinRequest is what a builtin builder gets.
type builtinRequest struct {
	Builder string
	Env     map[string]string
	// Outputs maps output names to the paths to write (scratch paths, as
	// the builder sees the store).
	Outputs map[string]string
	// Fixed is the expected content address of a fixed output
	// ("sha256:<hex>" with Flat), used for hashed mirrors.
	FixedFlatAlgo  string
	FixedFlatHash  string
	IsFixed        bool
	HashedMirrors  []string
	NetrcData      string
	CAFileData     string
	ConnectTimeout uint64
}

func (b *localBuild) builtinRequest() (string, error) {
	req := builtinRequest{
		Builder:        b.drv.Builder,
		Env:            b.drv.Env,
		Outputs:        map[string]string{},
		IsFixed:        b.g.dtype.IsFixed() || b.g.dtype.IsImpure(),
		HashedMirrors:  b.cfg.Strings("hashed-mirrors"),
		ConnectTimeout: b.cfg.Uint("connect-timeout"),
	}
	for name, p := range b.scratch {
		req.Outputs[name] = b.path(p)
	}
	if out, ok := b.drv.Outputs["out"]; ok && out.Kind() == derivation.Fixed {
		if ca, err := out.ContentAddress(); err == nil && ca.Method == storepath.MethodFlat {
			req.FixedFlatAlgo = ca.Hash.Algo().String()
			req.FixedFlatHash = ca.Hash.Format(hash.Base16, false)
		}
	}
	if b.drv.Builder == "builtin:fetchurl" {
		if data, err := os.ReadFile(b.cfg.String("netrc-file")); err == nil {
			req.NetrcData = string(data)
		}
		if data, err := os.ReadFile(b.cfg.String("ssl-cert-file")); err == nil {
			req.CAFileData = string(data)
		}
	}
	text, err := json.Marshal(&req)
	return string(text), err
}

func init() {
	if len(os.Args) > 0 && os.Args[0] == sandbox.BuiltinArg0 {
		os.Exit(builtinMain())
	}
}

// builtinMain runs a builtin builder: errors are printed on standard error
// (the build log), as CppNix's child does.
func builtinMain() int {
	var req builtinRequest
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintf(os.Stderr, "reading the builtin builder's request: %v\n", err)
		return 1
	}
	var err error
	switch req.Builder {
	case "builtin:fetchurl":
		err = builtinFetchurl(&req)
	default:
		err = fmt.Errorf("unsupported builtin builder '%s'", strings.TrimPrefix(req.Builder, "builtin:"))
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s\n", errorWhat(err))
		return 1
	}
	return 0
}
