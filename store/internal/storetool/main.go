// Command storetool drives nixgo's store API from shell scripts. It came
// before the nix-store and nix store commands, which the scripts of
// store/interop now use; interop.sh still uses add-text, which holds the
// store (and a temporary root) open while CppNix collects garbage. It is a
// development tool, not a user command; its output formats follow CppNix's
// nix-store where one exists.
//
//	storetool --store URI verify [--check-contents] [--repair]
//	storetool --store URI list                       all valid paths
//	storetool --store URI dump-db [PATH...]          nix-store --dump-db
//	storetool --store URI requisites PATH...         nix-store -qR (sorted)
//	storetool --store URI path-info-r PATH...        nix path-info -r (references first)
//	storetool --store URI references PATH            nix-store -q --references
//	storetool --store URI referrers PATH             nix-store -q --referrers
//	storetool --store URI add PATH...                nix-store --add
//	storetool --store URI add-text NAME [SECONDS] < TEXT   (then keep the store open)
//	storetool --store URI export PATH... > FILE      nix-store --export
//	storetool --store URI import < FILE              nix-store --import
//	storetool --store URI optimise
package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/stores"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "error: "+err.Error())
		os.Exit(1)
	}
}

var log = store.LoggerFunc(func(l store.Level, m string) {
	switch {
	case l == store.LevelWarn:
		fmt.Fprintln(os.Stderr, "warning: "+m)
	case l <= store.LevelInfo:
		fmt.Fprintln(os.Stderr, m)
	}
})

func run(args []string) error {
	uri := "auto"
	if len(args) >= 2 && args[0] == "--store" {
		uri, args = args[1], args[2:]
	}
	if len(args) == 0 {
		return fmt.Errorf("usage: storetool --store URI COMMAND [ARGS...]")
	}
	cfg, err := (&config.Loader{Warn: func(m string) { log.Log(store.LevelWarn, m) }}).Load()
	if err != nil {
		return err
	}
	cwd, _ := os.Getwd()
	ctx := context.Background()
	s, err := stores.Open(ctx, uri, stores.Options{Config: cfg, Getenv: os.LookupEnv, Cwd: cwd, Log: log})
	if err != nil {
		return err
	}
	defer s.Close()
	cmd, rest := args[0], args[1:]
	paths := func() ([]storepath.StorePath, error) {
		var ps []storepath.StorePath
		for _, a := range rest {
			p, err := s.Dir().Parse(a)
			if err != nil {
				return nil, err
			}
			ps = append(ps, p)
		}
		return ps, nil
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	switch cmd {
	case "verify":
		opts := store.VerifyOptions{Log: log}
		for _, a := range rest {
			opts.CheckContents = opts.CheckContents || a == "--check-contents"
			opts.Repair = opts.Repair || a == "--repair"
		}
		bad, err := s.(store.Verifier).Verify(ctx, opts)
		if err != nil {
			return err
		}
		if bad {
			out.Flush()
			os.Exit(1)
		}
	case "list":
		ps, err := s.(store.Lister).QueryAllValidPaths(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			fmt.Fprintln(out, s.Dir().Path(p))
		}
	case "dump-db":
		ps, err := paths()
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			if ps, err = s.(store.Lister).QueryAllValidPaths(ctx); err != nil {
				return err
			}
		}
		for _, p := range ps {
			info, err := s.QueryPathInfo(ctx, p)
			if err != nil {
				return err
			}
			store.WriteRegistration(out, s.Dir(), []*store.PathInfo{info}, true, true)
		}
	case "requisites", "references", "referrers", "path-info-r":
		ps, err := paths()
		if err != nil {
			return err
		}
		var res []storepath.StorePath
		switch cmd {
		case "requisites":
			res, err = store.Closure(ctx, s, ps, store.ClosureOptions{})
		case "path-info-r":
			if res, err = store.Closure(ctx, s, ps, store.ClosureOptions{}); err == nil {
				res, err = store.TopoSort(ctx, s, res)
				slices.Reverse(res)
			}
		case "references":
			var info *store.PathInfo
			if info, err = s.QueryPathInfo(ctx, ps[0]); err == nil {
				res = info.References
			}
		case "referrers":
			res, err = s.(store.ReferrersQuerier).QueryReferrers(ctx, ps[0])
		}
		if err != nil {
			return err
		}
		for _, p := range res {
			fmt.Fprintln(out, s.Dir().Path(p))
		}
	case "add":
		for _, a := range rest {
			abs, _ := filepath.Abs(a)
			p, err := store.AddPath(ctx, s.(store.Adder), filepath.Base(abs), abs, store.AddOptions{}, nil)
			if err != nil {
				return err
			}
			fmt.Fprintln(out, s.Dir().Path(p))
		}
	case "add-text":
		b, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		p, err := store.AddText(ctx, s.(store.Adder), rest[0], string(b), nil, false)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, s.Dir().Path(p))
		if len(rest) > 1 {
			// Hold the store (and the path's temporary root) open.
			out.Flush()
			secs, _ := strconv.Atoi(rest[1])
			time.Sleep(time.Duration(secs) * time.Second)
		}
	case "export":
		ps, err := paths()
		if err != nil {
			return err
		}
		return store.Export(ctx, s, ps, out)
	case "import":
		ps, err := store.Import(ctx, s, bufio.NewReader(os.Stdin), store.AddNAROptions{})
		for _, p := range ps {
			fmt.Fprintln(out, s.Dir().Path(p))
		}
		return err
	case "optimise":
		stats, err := s.(store.Optimiser).Optimise(ctx, log)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%.2f MiB freed by hard-linking %d files\n", float64(stats.BytesFreed)/(1024*1024), stats.FilesLinked)
	default:
		return fmt.Errorf("unknown command %q (see the package comment)", strings.TrimSpace(cmd))
	}
	return nil
}
