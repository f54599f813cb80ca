// This file tests store URI parsing and the choice of store: the directories
// of local and chroot stores, parameters, and the per-user chroot fallback.
// Expected messages were captured from CppNix 2.26.

package stores

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/config"
	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/dummy"
	"github.com/nixgo/nixgo/store/internal/testdir"
	"github.com/nixgo/nixgo/store/local"
)

func testOptions(t *testing.T, env map[string]string, root bool) (Options, *[]string) {
	t.Helper()
	if env == nil {
		env = map[string]string{}
	}
	getenv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	l := &config.Loader{
		Getenv: getenv,
		FS:     config.RootedFileSystem(testdir.New(t)),
		Host:   &config.Host{OS: "linux", System: "x86_64-linux", Concurrency: 2, Root: root},
		Warn:   func(string) {},
	}
	c, err := l.Load()
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	return Options{
		Config: c,
		Getenv: getenv,
		Cwd:    "/work",
		GOOS:   "linux",
		Log: store.LoggerFunc(func(l store.Level, m string) {
			if l <= store.LevelWarn {
				msgs = append(msgs, m)
			}
		}),
	}, &msgs
}

func TestParseReference(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"", "auto", ""},
		{"auto", "auto", ""},
		{"auto?root=/r", "auto?root=/r", ""},
		{"local", "local://", ""},
		{"local?root=/r&state=/s", "local://?root=/r&state=/s", ""},
		{"/tmp/st", "local:///tmp/st", ""},
		{"./st/../x", "local:///work/x", ""},
		{"st/", "local:///work/st", ""},
		{"daemon", "unix://", ""},
		{"dummy://", "dummy://", ""},
		{"dummy://x", "dummy://x", ""},
		{"file:///tmp/cache?compression=xz", "file:///tmp/cache?compression=xz", ""},
		{"https://cache.nixos.org", "https://cache.nixos.org", ""},
		{"ssh://user@host:22/x", "ssh://user@host:22/x", ""},
		{"local://?root=/r", "local://?root=/r", ""},
		{"bogus", "", "Cannot parse Nix store 'bogus'"},
		{"local?root=%zz", "", "invalid URI parameter '%zz'"},
	}
	for _, tc := range tests {
		r, err := store.ParseReference(tc.in, "/work", nil)
		got := ""
		if err == nil {
			got = r.String()
		}
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != tc.want || gotErr != tc.err {
			t.Errorf("ParseReference(%q) = %q, %q; want %q, %q", tc.in, got, gotErr, tc.want, tc.err)
		}
	}
	if runtime.GOOS == "windows" {
		for _, in := range []string{`C:\x\st`, "C:/x/st/", `c:\x\.\st`} {
			r, err := store.ParseReference(in, "/", nil)
			if err != nil || r.Scheme != "local" || !strings.EqualFold(r.Authority, "C:/x/st") {
				t.Errorf("ParseReference(%q) = %+v, %v", in, r, err)
			}
		}
	}
	var warned []string
	r, _ := store.ParseReference("local?root", "/", store.LoggerFunc(func(_ store.Level, m string) { warned = append(warned, m) }))
	if len(r.Params) != 0 || len(warned) != 1 || warned[0] != "dubious URI query 'root' is missing equal sign '=', ignoring" {
		t.Errorf("params %v, warnings %q", r.Params, warned)
	}
}

func TestLocalConfig(t *testing.T) {
	tests := []struct {
		uri  string
		env  map[string]string
		want string // store real state log
	}{
		{"local", nil, "/nix/store /nix/store /nix/var/nix /nix/var/log/nix"},
		{"/r", nil, "/nix/store /r/nix/store /r/nix/var/nix /r/nix/var/log/nix"},
		{"local?root=/r", nil, "/nix/store /r/nix/store /r/nix/var/nix /r/nix/var/log/nix"},
		{"local?root=/r&state=/s", nil, "/nix/store /r/nix/store /s /r/nix/var/log/nix"},
		{"local?store=/foo/store&state=/foo/state", nil, "/foo/store /foo/store /foo/state /nix/var/log/nix"},
		{"local?real=/phys//x/", nil, "/nix/store /phys/x /nix/var/nix /nix/var/log/nix"},
		{"local", map[string]string{"NIX_STORE_DIR": "/s", "NIX_STATE_DIR": "/v", "NIX_LOG_DIR": "/l"}, "/s /s /v /l"},
		{"/r", map[string]string{"NIX_STORE_DIR": "/s"}, "/s /r/nix/store /r/nix/var/nix /r/nix/var/log/nix"},
	}
	for _, tc := range tests {
		opts, _ := testOptions(t, tc.env, false)
		ref, err := store.ParseReference(tc.uri, "/", nil)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := LocalConfig(ref, opts)
		if err != nil {
			t.Errorf("%s: %v", tc.uri, err)
			continue
		}
		got := strings.Join([]string{cfg.StoreDir, cfg.RealStoreDir, cfg.StateDir, cfg.LogDir}, " ")
		if got != tc.want {
			t.Errorf("%s: %s, want %s", tc.uri, got, tc.want)
		}
	}
}

func TestParams(t *testing.T) {
	tests := []struct{ uri, err, warn string }{
		{"local?root=/r&foo=1", "", "unknown setting 'foo'"},
		{"local?root=/r&read-only=maybe", "Boolean setting 'read-only' has invalid value 'maybe'", ""},
		{"local?root=/r&read-only=true", "experimental Nix feature 'read-only-local-store' is disabled; add '--extra-experimental-features read-only-local-store' to enable it", ""},
		{"local?root=/r&priority=x", "setting 'priority' has invalid value 'x'", ""},
		{"local?root=/r&priority=10&require-sigs=no", "", ""},
	}
	for _, tc := range tests {
		opts, warns := testOptions(t, nil, false)
		ref, _ := store.ParseReference(tc.uri, "/", nil)
		_, err := LocalConfig(ref, opts)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if gotErr != tc.err || strings.Join(*warns, "\n") != tc.warn {
			t.Errorf("%s: error %q warnings %q; want %q %q", tc.uri, gotErr, *warns, tc.err, tc.warn)
		}
	}
}

func TestOpenSchemes(t *testing.T) {
	opts, _ := testOptions(t, nil, false)
	tests := []struct{ uri, err string }{
		{"dummy://x", "`dummy` store URIs must not contain an authority part x"},
		{"foo://x", "don't know how to open Nix store with scheme 'foo'"},
	}
	for _, tc := range tests {
		_, err := Open(context.Background(), tc.uri, opts)
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s: %v, want %s", tc.uri, err, tc.err)
		}
	}
	s, err := Open(context.Background(), "dummy://", opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*dummy.Store); !ok || s.URI() != "dummy" {
		t.Errorf("dummy:// opened %T", s)
	}
	dir := testdir.New(t)
	s, err = Open(context.Background(), dir+"/chroot", opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if l, ok := s.(*local.Store); !ok || l.RealStoreDir() != dir+"/chroot/nix/store" || string(l.Dir()) != "/nix/store" {
		t.Errorf("opened %T", s)
	}
}

func TestAutoChroot(t *testing.T) {
	home := testdir.New(t)
	state := filepath.Join(home, "no-nix/var/nix")
	env := map[string]string{"HOME": home}
	opts, warns := testOptions(t, env, false)
	// The state directory does not exist: the chroot store is used, with a
	// notice the first time.
	ref, err := resolveAuto(store.Reference{Auto: true, Params: map[string]string{}}, optsWithState(opts, state))
	if err != nil {
		t.Fatal(err)
	}
	chroot := home + "/.local/share/nix/root"
	if ref.Scheme != "local" || ref.Authority != chroot {
		t.Errorf("auto resolved to %s", ref)
	}
	if want := fmt.Sprintf("'%s' does not exist, so Nix will use '%s' as a chroot store", state, chroot); len(*warns) != 1 || (*warns)[0] != want {
		t.Errorf("warnings %q, want %q", *warns, want)
	}
	*warns = nil
	resolveAuto(store.Reference{Auto: true}, optsWithState(opts, state))
	if len(*warns) != 0 {
		t.Errorf("second time: warnings %q", *warns)
	}
	// Not for root, not with parameters, not with NIX_STATE_DIR, not on
	// macOS, not when the state directory exists.
	rootOpts, _ := testOptions(t, env, true)
	cases := map[string]struct {
		opts Options
		ref  store.Reference
	}{
		"root":   {optsWithState(rootOpts, state), store.Reference{Auto: true}},
		"params": {optsWithState(opts, state), store.Reference{Auto: true, Params: map[string]string{"priority": "1"}}},
		"darwin": {withGOOS(optsWithState(opts, state), "darwin"), store.Reference{Auto: true}},
		"exists": {optsWithState(opts, home), store.Reference{Auto: true}},
	}
	for name, c := range cases {
		ref, _ := resolveAuto(c.ref, c.opts)
		if ref.Authority != "" {
			t.Errorf("%s: resolved to the chroot store %s", name, ref)
		}
	}
	stateEnv := map[string]string{"HOME": home, "NIX_STATE_DIR": state}
	o, _ := testOptions(t, stateEnv, false)
	if ref, _ := resolveAuto(store.Reference{Auto: true}, o); ref.Authority != "" {
		t.Errorf("NIX_STATE_DIR: resolved to %s", ref)
	}
	if _, err := os.Stat(chroot); err != nil {
		t.Errorf("chroot store directory not created: %v", err)
	}
}

// optsWithState makes the configured state directory state, as if
// NIX_STATE_DIR were set, without setting it (which disables the fallback).
func optsWithState(o Options, state string) Options {
	env := map[string]string{"NIX_STATE_DIR": state}
	getenv := o.Getenv
	l := &config.Loader{
		Getenv: func(k string) (string, bool) {
			if v, ok := env[k]; ok {
				return v, true
			}
			return getenv(k)
		},
		FS:   config.RootedFileSystem("/nonexistent"),
		Host: o.Config.Host(),
		Warn: func(string) {},
	}
	c, _ := l.Load()
	o.Config = c
	return o
}

func withGOOS(o Options, goos string) Options {
	o.GOOS = goos
	return o
}
