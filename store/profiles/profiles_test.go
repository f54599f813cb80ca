// This file tests generations: finding them, deleting old ones and those
// older than a time (the one current then stays), the period syntax, the
// walk of nix-collect-garbage -d and the default profile links.

package profiles

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nixgo/nixgo/store"

	"github.com/nixgo/nixgo/format/fslink"
)

// makeProfile makes profile with generations 1..n (generation i created i
// days before now) pointing to fake store paths, current being cur.
func makeProfile(t *testing.T, profile string, n, cur int, now time.Time) {
	t.Helper()
	os.MkdirAll(filepath.Dir(profile), 0o755)
	for i := 1; i <= n; i++ {
		g := fmt.Sprintf("%s-%d-link", profile, i)
		if err := fslink.Symlink(fmt.Sprintf("/nix/store/%032d-gen", i), g); err != nil {
			t.Fatal(err)
		}
		when := now.Add(-time.Duration(n+1-i) * 24 * time.Hour)
		if err := setLinkTime(g, when); err != nil {
			t.Fatal(err)
		}
	}
	if err := fslink.Symlink(fmt.Sprintf("%s-%d-link", filepath.Base(profile), cur), profile); err != nil {
		t.Fatal(err)
	}
}

func numbers(t *testing.T, profile string) []uint64 {
	t.Helper()
	gens, _, _, err := Find(profile)
	if err != nil {
		t.Fatal(err)
	}
	var ns []uint64
	for _, g := range gens {
		ns = append(ns, g.Number)
	}
	return ns
}

type logLines []string

func (l *logLines) Log(_ store.Level, m string) { *l = append(*l, m) }

func TestFindAndDeleteOld(t *testing.T) {
	dir := t.TempDir()
	p := dir + "/profile"
	now := time.Now()
	makeProfile(t, p, 4, 3, now)
	fslink.Symlink("x", dir+"/profile-x-link")    // not a number
	fslink.Symlink("x", dir+"/other-7-link")      // another profile
	fslink.Symlink("x", dir+"/profile-12-link.y") // CppNix's parseName takes it
	gens, cur, ok, err := Find(p)
	if err != nil || !ok || cur != 3 {
		t.Fatalf("Find: %v %v %v", cur, ok, err)
	}
	if got := numbers(t, p); !slices.Equal(got, []uint64{1, 2, 3, 4, 12}) {
		t.Errorf("generations %v", got)
	}
	if gens[0].Path != dir+"/profile-1-link" {
		t.Errorf("path %s", gens[0].Path)
	}
	var log logLines
	if err := DeleteOld(p, true, &log); err != nil {
		t.Fatal(err)
	}
	if want := []string{"would remove profile version 1", "would remove profile version 2", "would remove profile version 4", "would remove profile version 12"}; !slices.Equal(log, want) {
		t.Errorf("dry run said %q", log)
	}
	os.Remove(dir + "/profile-12-link.y")
	log = nil
	if err := DeleteOld(p, false, &log); err != nil {
		t.Fatal(err)
	}
	if got := numbers(t, p); !slices.Equal(got, []uint64{3}) {
		t.Errorf("after DeleteOld: %v (%q)", got, log)
	}
	// Windows cannot delete a lock file while it is open: there it stays
	// (store/local's lock files).
	if _, err := os.Lstat(p + ".lock"); !os.IsNotExist(err) && runtime.GOOS != "windows" {
		t.Errorf("lock file left")
	}
}

func TestDeleteOlderThan(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		days int
		cur  int
		want []uint64
	}{
		// Generations 1..6 are 6..1 days old. Older than 3.5 days: 1, 2, 3;
		// 3 was current then and stays.
		{days: 3, cur: 6, want: []uint64{3, 4, 5, 6}},
		{days: 3, cur: 1, want: []uint64{1, 3, 4, 5, 6}},
		{days: 10, cur: 6, want: []uint64{1, 2, 3, 4, 5, 6}},
		{days: 1, cur: 6, want: []uint64{5, 6}},
	} {
		p := t.TempDir() + "/p"
		makeProfile(t, p, 6, tc.cur, now)
		limit := now.Add(-time.Duration(tc.days)*24*time.Hour - 12*time.Hour)
		if err := DeleteOlderThan(p, limit, false, nil); err != nil {
			t.Fatal(err)
		}
		if got := numbers(t, p); !slices.Equal(got, tc.want) {
			t.Errorf("%d days, current %d: kept %v, want %v", tc.days, tc.cur, got, tc.want)
		}
	}
}

func TestParseOlderThan(t *testing.T) {
	now := time.Unix(1000000, 0)
	if got, err := ParseOlderThan("2d", now); err != nil || got.Unix() != 1000000-2*86400 {
		t.Errorf("2d: %v %v", got, err)
	}
	for spec, msg := range map[string]string{
		"":    "invalid number of days specifier '', expected something like '14d'",
		"14":  "invalid number of days specifier '14', expected something like '14d'",
		"0d":  "invalid number of days specifier '0d'",
		"-1d": "invalid number of days specifier '-1d'",
		"xd":  "invalid number of days specifier 'xd'",
	} {
		if _, err := ParseOlderThan(spec, now); err == nil || err.Error() != msg {
			t.Errorf("%q: %v, want %s", spec, err, msg)
		}
	}
}

func TestRemoveOldWalk(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	makeProfile(t, dir+"/a", 2, 2, now)
	makeProfile(t, dir+"/sub/b", 3, 1, now)
	fslink.Symlink("/nix/store/00000000000000000000000000000000-x", dir+"/plain") // not a profile
	var seen []string
	err := RemoveOld(dir, func(p string) error {
		seen = append(seen, strings.TrimPrefix(p, dir))
		return DeleteOld(p, false, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if !slices.Equal(seen, []string{"/a", "/sub/b"}) {
		t.Errorf("profiles %q", seen)
	}
	if got := numbers(t, dir+"/sub/b"); !slices.Equal(got, []uint64{1}) {
		t.Errorf("b: %v", got)
	}
	if err := RemoveOld(dir+"/missing", nil); err != nil {
		t.Errorf("missing directory: %v", err)
	}
}

func TestDefaultProfile(t *testing.T) {
	dir := filepath.ToSlash(t.TempDir())
	d := Dirs{StateDir: dir + "/state", Home: dir + "/home", UserStateDir: dir + "/home/.local/state/nix", Root: true}
	os.MkdirAll(d.Home, 0o755)
	got := d.DefaultProfile()
	if got != dir+"/state/profiles/per-user/root/profile" {
		t.Errorf("default profile %s", got)
	}
	if l, _ := fslink.Readlink(d.Home + "/.nix-profile"); l != got {
		t.Errorf("~/.nix-profile -> %q", l)
	}
	if l, _ := fslink.Readlink(dir + "/state/profiles/default"); l != got {
		t.Errorf("profiles/default -> %q", l)
	}
	d.Root = false
	d.Home = dir + "/user"
	d.UserStateDir = dir + "/user/.local/state/nix"
	os.MkdirAll(d.Home, 0o755)
	if got := d.DefaultProfile(); got != d.UserStateDir+"/profiles/profile" {
		t.Errorf("user's default profile %s", got)
	}
}
