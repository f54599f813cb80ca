// Unit tests: value parsing, the table, platforms, loading locations, flags, API behaviour.

package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testConfig loads a Config from the given files (paths as seen through
// a RootedFileSystem) and environment, on host (referenceHost if nil).
func testConfig(t *testing.T, host *Host, env map[string]string, files map[string]string) (*Config, *[]string, error) {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if host == nil {
		host = &referenceHost
	}
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["HOME"]; !ok {
		env["HOME"] = "/home/u"
	}
	var warnings []string
	l := &Loader{
		Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		FS:     RootedFileSystem(root),
		Host:   host,
		Warn:   func(m string) { warnings = append(warnings, m) },
	}
	c, err := l.Load()
	return c, &warnings, err
}

func mustConfig(t *testing.T, host *Host) *Config {
	t.Helper()
	c, _, err := testConfig(t, host, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseValues(t *testing.T) {
	tests := []struct {
		setting, in, want, err string
	}{
		{"keep-failed", "yes", "true", ""},
		{"keep-failed", "1", "true", ""},
		{"keep-failed", "no", "false", ""},
		{"keep-failed", "0", "false", ""},
		{"keep-failed", "True", "", "Boolean setting 'keep-failed' has invalid value 'True'"},
		{"keep-failed", "", "", "Boolean setting 'keep-failed' has invalid value ''"},
		{"cores", "+7", "7", ""},
		{"cores", "007", "7", ""},
		{"cores", "4294967295", "4294967295", ""},
		{"cores", "4294967296", "", "setting 'cores' has invalid value '4294967296'"},
		{"cores", "-1", "", "setting 'cores' has invalid value '-1'"},
		{"cores", "-0", "", "setting 'cores' has invalid value '-0'"},
		{"cores", "1k", "1024", ""},
		{"cores", "4G", "0", ""}, // truncated, as in CppNix
		{"cores", "k", "", "setting 'cores' has invalid value 'k'"},
		{"cores", "1x", "", "setting 'cores' has invalid value '1x'"},
		{"cores", "+", "", "setting 'cores' has invalid value '+'"},
		{"cores", "1 ", "", "setting 'cores' has invalid value '1 '"},
		{"max-free", "18446744073709551615", "18446744073709551615", ""},
		{"max-free", "18446744073709551616", "", "setting 'max-free' has invalid value '18446744073709551616'"},
		{"max-free", "16E", "", "setting 'max-free' has invalid value '16E'"},
		{"max-silent-time", "-9223372036854775808", "-9223372036854775808", ""},
		{"max-silent-time", "-9223372036854775809", "", "setting 'max-silent-time' has invalid value '-9223372036854775809'"},
		{"max-silent-time", "9223372036854775807", "9223372036854775807", ""},
		{"max-silent-time", "-2M", "-2097152", ""},
		{"max-jobs", "auto", "2", ""},
		{"max-jobs", "+3", "3", ""},
		{"max-jobs", "3k", "", "configuration setting 'max-jobs' should be 'auto' or an integer"},
		{"max-jobs", "-1", "", "configuration setting 'max-jobs' should be 'auto' or an integer"},
		{"sandbox", "relaxed", "relaxed", ""},
		{"sandbox", "1", "", "option 'sandbox' has invalid value '1'"},
		{"diff-hook", "/x/./y//z/", "/x/y/z", ""},
		{"diff-hook", "", "", ""},
		{"diff-hook", "x", "", "not an absolute path: 'x'"},
		{"build-dir", "rel//x", "rel//x", ""},
		{"substituters", " b  a b ", "b a b", ""},
		{"trusted-substituters", " b  a b ", "a b", ""},
		{"access-tokens", "x=1 y x=2 z=a=b", " x=1 z=a=b", ""},
		{"experimental-features", "flakes nix-command", "fetch-tree flakes nix-command", ""},
		{"store", "a  b", "a  b", ""},
	}
	for _, tt := range tests {
		c := mustConfig(t, nil)
		err := c.Set(tt.setting, tt.in)
		switch {
		case tt.err != "":
			if err == nil || err.Error() != tt.err {
				t.Errorf("Set(%q, %q) error = %v, want %q", tt.setting, tt.in, err, tt.err)
			}
		case err != nil:
			t.Errorf("Set(%q, %q): %v", tt.setting, tt.in, err)
		case c.Value(tt.setting) != tt.want:
			t.Errorf("Set(%q, %q) gives %q, want %q", tt.setting, tt.in, c.Value(tt.setting), tt.want)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	c := mustConfig(t, nil)
	var u *UsageError
	if err := c.Set("keep-failed", "x"); !errors.As(err, &u) {
		t.Errorf("bad boolean: %T, want *UsageError", err)
	}
	if err := c.Set("diff-hook", "x"); err == nil || errors.As(err, &u) {
		t.Errorf("relative path: %v, want a plain error", err)
	}
	var m *MissingFeatureError
	if err := c.RequireFeature(CaDerivations); !errors.As(err, &m) || m.Feature != CaDerivations {
		t.Errorf("RequireFeature: %v", err)
	}
}

// TestBuiltinSystemConf checks that nix-command is enabled when there is no
// system nix.conf, and only then.
func TestBuiltinSystemConf(t *testing.T) {
	for _, c := range []struct {
		files map[string]string
		want  bool
	}{
		{nil, true},
		{map[string]string{"/etc/nix/nix.conf": ""}, false},
		{map[string]string{"/etc/nix/nix.conf": "experimental-features = flakes\n"}, false},
		{map[string]string{"/etc/nix/nix.conf": "experimental-features = nix-command\n"}, true},
	} {
		cfg, _, err := testConfig(t, nil, nil, c.files)
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.HasFeature(NixCommand); got != c.want {
			t.Errorf("files %v: nix-command enabled = %v, want %v", c.files, got, c.want)
		}
		if v, _ := cfg.Lookup("experimental-features"); v.Default != "" {
			t.Errorf("the default of experimental-features changed: %q", v.Default)
		}
	}
}

func TestAppend(t *testing.T) {
	c := mustConfig(t, nil)
	steps := []struct{ name, value string }{
		{"substituters", "a"}, {"extra-substituters", "b a"},
		{"sandbox-paths", "/z"}, {"extra-build-sandbox-paths", "/a /z"},
		{"access-tokens", "h=1"}, {"extra-access-tokens", "h=2 g=3"},
		{"extra-experimental-features", "ca-derivations"},
	}
	for _, s := range steps {
		if err := c.Set(s.name, s.value); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.Strings("substituters"); !slices.Equal(got, []string{"a", "b", "a"}) {
		t.Errorf("substituters = %q", got)
	}
	if got := c.Strings("sandbox-paths"); !slices.Equal(got, []string{"/a", "/z"}) {
		t.Errorf("sandbox-paths = %q", got)
	}
	if got := c.StringMap("access-tokens"); len(got) != 2 || got["h"] != "1" || got["g"] != "3" {
		t.Errorf("access-tokens = %v", got)
	}
	// nix-command comes from the built-in system configuration (no nix.conf).
	if got := c.EnabledFeatures(); !slices.Equal(got, []Feature{CaDerivations, NixCommand}) {
		t.Errorf("features = %v", got)
	}
	if !c.HasFeature("ca-derivations") || c.HasFeature(PipeOperators) {
		t.Errorf("HasFeature wrong")
	}
	// extra- on a scalar is an unknown setting.
	if err := c.Set("extra-keep-failed", "true"); err != nil || c.UnknownSettings()["extra-keep-failed"] != "true" {
		t.Errorf("extra-keep-failed: %v %v", err, c.UnknownSettings())
	}
}

func TestUnknownFirstValueWins(t *testing.T) {
	c, warnings, err := testConfig(t, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Set("foo", "1")
	c.SetOption("foo", "2")
	c.Set("bar", "3")
	if got := c.UnknownSettings(); got["foo"] != "1" || got["bar"] != "3" {
		t.Errorf("unknown = %v", got)
	}
	c.WarnUnknownSettings()
	want := []string{"unknown setting 'bar'", "unknown setting 'foo'"}
	if !slices.Equal(*warnings, want) {
		t.Errorf("warnings = %q, want %q", *warnings, want)
	}
}

func TestTable(t *testing.T) {
	if !slices.IsSortedFunc(table, func(a, b *Setting) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("table is not sorted by name")
	}
	seen := map[string]bool{}
	docs := descriptions()
	for _, d := range table {
		for _, n := range append([]string{d.Name}, d.Aliases...) {
			if seen[n] {
				t.Errorf("name %q defined twice", n)
			}
			seen[n] = true
		}
		if !slices.IsSorted(d.Aliases) {
			t.Errorf("%s: aliases not sorted", d.Name)
		}
		if d.Summary == "" || strings.Contains(d.Summary, "\n") {
			t.Errorf("%s: summary must be one line", d.Name)
		}
		if _, ok := docs[d.Name]; !ok {
			t.Errorf("%s: no description in descriptions.json", d.Name)
		}
		if (d.Default != "") && d.defaultFunc != nil {
			t.Errorf("%s: both Default and defaultFunc", d.Name)
		}
		if _, ok := featureIndex[d.Feature]; d.Feature != "" && !ok {
			t.Errorf("%s: unknown feature %q", d.Name, d.Feature)
		}
	}
	for name := range docs {
		if lookupDefinition(name) == nil {
			t.Errorf("descriptions.json: %q is not in the table", name)
		}
	}
}

var platformHosts = map[string]*Host{
	"linux":   &referenceHost,
	"darwin":  {OS: "darwin", System: "aarch64-darwin", Concurrency: 8, Root: true, AppleVirt: true, Rosetta: true},
	"windows": {OS: "windows", System: "x86_64-windows", Concurrency: 4, Root: true},
	"freebsd": {OS: "freebsd", System: "x86_64-freebsd", Concurrency: 1},
}

func TestPlatformDefaults(t *testing.T) {
	tests := []struct {
		os, setting, want string
	}{
		{"linux", "sandbox", "true"}, // the chroot's nix.conf is not loaded here
		{"linux", "start-id", "872415232"},
		{"linux", "id-count", "8388608"},
		{"linux", "use-case-hack", "false"},
		{"linux", "system-features", "benchmark big-parallel kvm nixos-test uid-range"},
		{"linux", "extra-platforms", "i686-linux x86_64-v1-linux x86_64-v2-linux x86_64-v3-linux"},
		{"linux", "build-users-group", "nixbld"},
		{"linux", "require-drop-supplementary-groups", "true"},
		{"darwin", "sandbox", "false"},
		{"darwin", "start-id", "56930"},
		{"darwin", "id-count", "128"},
		{"darwin", "use-case-hack", "true"},
		{"darwin", "system", "aarch64-darwin"},
		{"darwin", "system-features", "apple-virt benchmark big-parallel nixos-test"},
		{"darwin", "extra-platforms", "x86_64-darwin"},
		{"darwin", "sandbox-paths", "/System/Library/Frameworks /System/Library/PrivateFrameworks /bin/bash /bin/sh /private/tmp /private/var/tmp /usr/lib"},
		{"darwin", "allowed-impure-host-deps", "/System/Library /bin/sh /dev /usr/lib"},
		{"darwin", "darwin-log-sandbox-violations", "false"},
		{"darwin", "cores", "8"},
		{"windows", "sandbox", "false"},
		{"windows", "build-users-group", ""},
		{"windows", "system-features", "benchmark big-parallel nixos-test"},
		{"freebsd", "build-users-group", ""},
		{"freebsd", "require-drop-supplementary-groups", "false"},
		{"freebsd", "sandbox-paths", ""},
	}
	for _, tt := range tests {
		c := mustConfig(t, platformHosts[tt.os])
		if got := c.Value(tt.setting); got != tt.want {
			t.Errorf("%s: %s = %q, want %q", tt.os, tt.setting, got, tt.want)
		}
	}
}

func TestPlatformSettings(t *testing.T) {
	has := map[string][]string{
		"linux":   {"filter-syscalls", "allow-new-privileges", "use-cgroups", "sandbox-build-dir", "sandbox-dev-shm-size", "ignored-acls", "trusted-users", "sync-before-registering"},
		"darwin":  {"darwin-log-sandbox-violations", "trusted-users", "require-drop-supplementary-groups"},
		"windows": {"sandbox", "keep-failed"},
	}
	hasNot := map[string][]string{
		"linux":   {"darwin-log-sandbox-violations"},
		"darwin":  {"filter-syscalls", "use-cgroups", "sandbox-build-dir", "ignored-acls"},
		"windows": {"trusted-users", "allowed-users", "sync-before-registering", "require-drop-supplementary-groups", "filter-syscalls"},
	}
	counts := map[string]int{"linux": 117, "darwin": 112, "windows": 107}
	for goos, want := range counts {
		c := mustConfig(t, platformHosts[goos])
		if n := len(c.Settings()); n != want {
			t.Errorf("%s: %d settings, want %d", goos, n, want)
		}
		for _, name := range has[goos] {
			if _, ok := c.Lookup(name); !ok {
				t.Errorf("%s: missing %s", goos, name)
			}
		}
		for _, name := range hasNot[goos] {
			if _, ok := c.Lookup(name); ok {
				t.Errorf("%s: has %s", goos, name)
			}
			if c.Bool(name) { // absent settings read as zero values
				t.Errorf("%s: %s reads true", goos, name)
			}
		}
	}
}

func TestDirs(t *testing.T) {
	tests := []struct {
		name string
		goos string
		env  map[string]string
		want Dirs
		err  string
	}{
		{"defaults", "linux", map[string]string{"HOME": "/home/u"}, Dirs{
			StoreDir: "/nix/store", StateDir: "/nix/var/nix", LogDir: "/nix/var/log/nix", ConfDir: "/etc/nix",
			DaemonSocket:  "/nix/var/nix/daemon-socket/socket",
			UserConfFiles: []string{"/home/u/.config/nix/nix.conf", "/etc/xdg/nix/nix.conf"}, Home: "/home/u"}, ""},
		{"variables", "linux", map[string]string{
			"HOME": "/h", "NIX_STORE_DIR": "", "NIX_STORE": "/s//store/", "NIX_STATE_DIR": "/st",
			"NIX_LOG_DIR": "/l/", "NIX_CONF_DIR": "/c/./d", "XDG_CONFIG_HOME": "/x", "XDG_CONFIG_DIRS": ":/a::/b:",
		}, Dirs{
			StoreDir: "/s/store", StateDir: "/st", LogDir: "/l", ConfDir: "/c/d",
			DaemonSocket:  "/st/daemon-socket/socket",
			UserConfFiles: []string{"/x/nix/nix.conf", "/a/nix/nix.conf", "/b/nix/nix.conf"}, Home: "/h"}, ""},
		{"config home", "linux", map[string]string{
			"HOME": "/h", "NIX_CONFIG_HOME": "/n", "XDG_CONFIG_HOME": "/x", "XDG_CONFIG_DIRS": "",
			"NIX_DAEMON_SOCKET_PATH": "/sock",
		}, Dirs{
			StoreDir: "/nix/store", StateDir: "/nix/var/nix", LogDir: "/nix/var/log/nix", ConfDir: "/etc/nix",
			DaemonSocket: "/sock", UserConfFiles: []string{"/n/nix.conf"}, Home: "/h"}, ""},
		{"user conf files", "linux", map[string]string{"HOME": "/h", "NIX_USER_CONF_FILES": "/1.conf::rel.conf", "XDG_CONFIG_HOME": "/x"}, Dirs{
			StoreDir: "/nix/store", StateDir: "/nix/var/nix", LogDir: "/nix/var/log/nix", ConfDir: "/etc/nix",
			DaemonSocket: "/nix/var/nix/daemon-socket/socket", UserConfFiles: []string{"/1.conf", "rel.conf"}, Home: "/h"}, ""},
		{"windows", "windows", map[string]string{"USERPROFILE": `C:\Users\u`}, Dirs{
			StoreDir: "/nix/store", StateDir: "/nix/var/nix", LogDir: "/nix/var/log/nix", ConfDir: "/etc/nix",
			DaemonSocket:  "/nix/var/nix/daemon-socket/socket",
			UserConfFiles: []string{`C:\Users\u/.config/nix/nix.conf`, "/etc/xdg/nix/nix.conf"}, Home: `C:\Users\u`}, ""},
		{"windows default home", "windows", map[string]string{}, Dirs{
			StoreDir: "/nix/store", StateDir: "/nix/var/nix", LogDir: "/nix/var/log/nix", ConfDir: "/etc/nix",
			DaemonSocket:  "/nix/var/nix/daemon-socket/socket",
			UserConfFiles: []string{`C:\Users\Default/.config/nix/nix.conf`, "/etc/xdg/nix/nix.conf"}, Home: `C:\Users\Default`}, ""},
		{"relative", "linux", map[string]string{"HOME": "/h", "NIX_CONF_DIR": "etc"}, Dirs{}, "not an absolute path: 'etc'"},
	}
	for _, tt := range tests {
		getenv := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		got, err := computeDirs(getenv, tt.goos)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("%s: error %v, want %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(tt.want)
		if string(gj) != string(wj) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, gj, wj)
		}
	}
}

func TestLoadOrder(t *testing.T) {
	env := map[string]string{
		"NIX_CONF_DIR": "/sys", "NIX_USER_CONF_FILES": "/u1.conf:/u2.conf",
		"NIX_CONFIG": "extra-secret-key-files = env\nhashed-mirrors = http://env",
	}
	files := map[string]string{
		"/sys/nix.conf": "secret-key-files = sys\nkeep-failed = true",
		"/u1.conf":      "extra-secret-key-files = u1",
		"/u2.conf":      "extra-secret-key-files = u2\nkeep-going = true",
	}
	c, _, err := testConfig(t, nil, env, files)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Value("secret-key-files"); got != "sys u2 u1 env" {
		t.Errorf("secret-key-files = %q", got)
	}
	// The system file's settings are not overrides; the others are.
	if c.Overridden("keep-failed") || !c.Overridden("keep-going") || !c.Overridden("hashed-mirrors") {
		t.Errorf("overridden: keep-failed %v keep-going %v", c.Overridden("keep-failed"), c.Overridden("keep-going"))
	}
	want := map[string]string{"secret-key-files": "sys u2 u1 env", "keep-going": "true", "hashed-mirrors": "http://env"}
	if got := c.Overrides(); len(got) != len(want) || got["secret-key-files"] != want["secret-key-files"] || got["keep-going"] != "true" {
		t.Errorf("Overrides = %v, want %v", got, want)
	}
}

func TestIncludeCycle(t *testing.T) {
	env := map[string]string{"NIX_CONF_DIR": "/etc/nix"}
	files := map[string]string{"/etc/nix/nix.conf": "include nix.conf\n"}
	if _, _, err := testConfig(t, nil, env, files); err == nil || !strings.Contains(err.Error(), "too many nested includes") {
		t.Errorf("include cycle: %v", err)
	}
}

func TestAssignAndSetDefault(t *testing.T) {
	c := mustConfig(t, nil)
	c.SetDefault("build-hook", "/bin/nix __build-remote")
	if got := c.Value("build-hook"); got != "/bin/nix __build-remote" {
		t.Errorf("build-hook = %q", got)
	}
	c.SetFromFlag("build-hook", "/x")
	c.SetDefault("build-hook", "/bin/nix __build-remote")
	if got := c.Value("build-hook"); got != "/x" {
		t.Errorf("SetDefault changed an overridden setting: %q", got)
	}
	if err := c.Assign("pure-eval", "true"); err != nil || !c.Bool("pure-eval") || c.Overridden("pure-eval") {
		t.Errorf("Assign: %v", err)
	}
	// Assign bypasses experimental features; Set does not.
	c2, warnings, _ := testConfig(t, nil, nil, nil)
	c2.Set("impure-env", "A=1")
	if len(c2.StringMap("impure-env")) != 0 || len(*warnings) != 1 {
		t.Errorf("Set of a disabled feature's setting: %v %q", c2.StringMap("impure-env"), *warnings)
	}
	c2.Assign("impure-env", "A=1")
	if c2.StringMap("impure-env")["A"] != "1" {
		t.Errorf("Assign of a disabled feature's setting failed")
	}
}

func TestAccessors(t *testing.T) {
	c := mustConfig(t, nil)
	c.Set("max-free", "18446744073709551615")
	c.Set("diff-hook", "/d")
	if c.Int("max-free") != 1<<63-1 || c.Uint("max-free") != 1<<64-1 {
		t.Errorf("max-free: %d %d", c.Int("max-free"), c.Uint("max-free"))
	}
	if c.Int("max-jobs") != 1 || c.Int("max-silent-time") != 0 || c.Uint("cores") != 2 {
		t.Errorf("integers wrong")
	}
	if p, ok := c.Optional("diff-hook"); !ok || p != "/d" {
		t.Errorf("diff-hook = %q %v", p, ok)
	}
	if _, ok := c.Optional("build-dir"); ok {
		t.Errorf("build-dir set")
	}
	if c.Sandbox() != SandboxEnabled || c.String("store") != "auto" {
		t.Errorf("sandbox %v store %q", c.Sandbox(), c.String("store"))
	}
	list := c.Strings("trusted-public-keys")
	list[0] = "changed"
	if c.Strings("trusted-public-keys")[0] == "changed" {
		t.Error("Strings does not copy")
	}
	for _, f := range []func(){
		func() { c.Bool("no-such-setting") },
		func() { c.Bool("max-jobs") },
		func() { c.Strings("keep-failed") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("accessor did not panic")
				}
			}()
			f()
		}()
	}
}

func TestFlags(t *testing.T) {
	tests := []struct {
		flag    string
		setting string
		action  FlagAction
		feature Feature
	}{
		{"keep-failed", "keep-failed", FlagTrue, ""},
		{"no-keep-failed", "keep-failed", FlagFalse, ""},
		{"build-fallback", "fallback", FlagFalse, ""},
		{"sandbox", "sandbox", FlagTrue, ""},
		{"relaxed-sandbox", "sandbox", FlagRelaxed, ""},
		{"build-use-chroot", "sandbox", FlagRelaxed, ""},
		{"substituters", "substituters", FlagSet, ""},
		{"extra-substituters", "substituters", FlagAppend, ""},
		{"binary-caches", "substituters", FlagAppend, ""},
		{"extra-platforms", "extra-platforms", FlagSet, ""},
		{"extra-extra-platforms", "extra-platforms", FlagAppend, ""},
		{"max-jobs", "max-jobs", FlagSet, ""},
		{"build-max-jobs", "max-jobs", FlagSet, ""},
		{"accept-flake-config", "accept-flake-config", FlagTrue, Flakes},
		{"no-use-registries", "use-registries", FlagFalse, Flakes},
		{"commit-lockfile-summary", "commit-lock-file-summary", FlagSet, Flakes},
		{"extra-impure-env", "impure-env", FlagAppend, ConfigurableImpureEnv},
	}
	c := mustConfig(t, nil)
	for _, tt := range tests {
		f, ok := c.LookupFlag(tt.flag)
		if !ok || f.Setting.Name != tt.setting || f.Action != tt.action || f.Feature != tt.feature {
			t.Errorf("LookupFlag(%q) = %+v, %v", tt.flag, f, ok)
		}
		if f.TakesValue() != (tt.action == FlagSet || tt.action == FlagAppend) {
			t.Errorf("%s: TakesValue wrong", tt.flag)
		}
	}
	for _, name := range []string{"extra-max-jobs", "no-max-jobs", "no-substituters", "option", "no-build-fallback", "relaxed-keep-failed"} {
		if _, ok := c.LookupFlag(name); ok {
			t.Errorf("LookupFlag(%q) found", name)
		}
	}
	if err := c.SetFromFlag("nope", ""); err == nil || err.Error() != "unrecognised flag '--nope'" {
		t.Errorf("SetFromFlag(nope) = %v", err)
	}
}

func TestFlagFeatures(t *testing.T) {
	env := map[string]string{"NIX_CONFIG": "experimental-features = nix-command"}
	c, _, _ := testConfig(t, nil, env, nil)
	c.SetFromFlag("accept-flake-config", "")
	if !c.Bool("accept-flake-config") {
		t.Error("boolean flag of a disabled feature was not applied")
	}
	err := c.FinishFlags()
	var m *MissingFeatureError
	if !errors.As(err, &m) || m.Feature != Flakes {
		t.Errorf("FinishFlags = %v", err)
	}
	c.SetFromFlag("extra-experimental-features", "flakes")
	if err := c.FinishFlags(); err != nil {
		t.Errorf("FinishFlags after enabling = %v", err)
	}
}

func TestParseNixPath(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"/a:/b", []string{"/a", "/b"}},
		{"/a:", []string{"/a"}},
		{"a::b", []string{"a", "", "b"}},
		{"nixpkgs=https://x/y.tar.gz:/b", []string{"nixpkgs=https://x/y.tar.gz", "/b"}},
		{"channel:nixos-unstable:x", []string{"channel:nixos-unstable", "x"}},
		{"n=flake:nixpkgs:/c", []string{"n=flake:nixpkgs", "/c"}},
		{"ftp://x:y", []string{"ftp", "//x", "y"}},
		{"s3://b/k", []string{"s3://b/k"}},
		{"a=b=git://h/r:z", []string{"a=b=git://h/r", "z"}},
	}
	for _, tt := range tests {
		if got := ParseNixPath(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("ParseNixPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDefaultNixPath(t *testing.T) {
	files := map[string]string{
		"/home/u/.nix-defexpr/channels/x":                        "",
		"/nix/var/nix/profiles/per-user/root/channels/nixpkgs/x": "",
		"/xdg-state/nix/defexpr/channels/x":                      "",
	}
	c, _, err := testConfig(t, nil, map[string]string{"XDG_STATE_HOME": "/xdg-state"}, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/home/u/.nix-defexpr/channels", "nixpkgs=/nix/var/nix/profiles/per-user/root/channels/nixpkgs", "/nix/var/nix/profiles/per-user/root/channels"}
	if got := c.DefaultNixPath(); !slices.Equal(got, want) {
		t.Errorf("DefaultNixPath = %q", got)
	}
	c.Set("use-xdg-base-directories", "true")
	if got := c.DefaultNixPath(); got[0] != "/xdg-state/nix/defexpr/channels" {
		t.Errorf("DefaultNixPath with XDG = %q", got)
	}
}

func TestJSONStrings(t *testing.T) {
	c := mustConfig(t, nil)
	c.Set("bash-prompt", "\"\\\b\f\n\r\t\x01\x7f é/<>&\u2028")
	c.Set("build-dir", "")
	out := c.ShowJSON()
	if !json.Valid([]byte(out)) {
		t.Fatal("ShowJSON is not valid JSON")
	}
	want := `"value":"\"\\\b\f\n\r\t\u0001` + "\x7f é/<>&\u2028" + `"`
	if !strings.Contains(out, want) {
		t.Errorf("bash-prompt not escaped as nlohmann::json does; want %s", want)
	}
	var m map[string]map[string]any
	json.Unmarshal([]byte(out), &m)
	if m["build-dir"]["value"] != nil || m["keep-failed"]["value"] != false || m["sandbox"]["value"] != true {
		t.Errorf("JSON types wrong: %v %v %v", m["build-dir"]["value"], m["keep-failed"]["value"], m["sandbox"]["value"])
	}
}

func TestDetectHost(t *testing.T) {
	h := DetectHost()
	if h.System == "" || h.Concurrency < 1 || h.OS == "" {
		t.Errorf("DetectHost = %+v", h)
	}
}

func TestNixSystem(t *testing.T) {
	for _, tt := range []struct{ arch, os, want string }{
		{"amd64", "linux", "x86_64-linux"},
		{"arm64", "darwin", "aarch64-darwin"},
		{"386", "linux", "i686-linux"},
		{"riscv64", "linux", "riscv64-linux"},
		{"amd64", "windows", "x86_64-windows"},
	} {
		if got := NixSystem(tt.arch, tt.os); got != tt.want {
			t.Errorf("NixSystem(%s, %s) = %s", tt.arch, tt.os, got)
		}
	}
}

func TestX86Levels(t *testing.T) {
	all := map[string]bool{}
	for _, l := range x86LevelFlags {
		for _, f := range l.flags {
			all[f] = true
		}
	}
	if got := x86Levels(all); len(got) != 4 {
		t.Errorf("all flags: %q", got)
	}
	delete(all, "movbe")
	if got := x86Levels(all); !slices.Equal(got, []string{"x86_64-v1", "x86_64-v2"}) {
		t.Errorf("no movbe: %q", got)
	}
	if got := x86Levels(nil); got != nil {
		t.Errorf("no flags: %q", got)
	}
}
