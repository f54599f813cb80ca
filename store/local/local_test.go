// This file runs the store conformance suite on the local store and tests
// what is particular to it: the database files, lock files, canonical
// metadata, chroot layout and reopening.

package local

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/hash"
	"github.com/nixgo/nixgo/format/storepath"

	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/internal/testdir"
	"github.com/nixgo/nixgo/store/storetest"
)

// Interfaces the local store implements.
var (
	_ store.Store             = (*Store)(nil)
	_ store.Lister            = (*Store)(nil)
	_ store.ReferrersQuerier  = (*Store)(nil)
	_ store.DerivationQuerier = (*Store)(nil)
	_ store.HashPartResolver  = (*Store)(nil)
	_ store.NARDumper         = (*Store)(nil)
	_ store.LocalFS           = (*Store)(nil)
	_ store.Adder             = (*Store)(nil)
	_ store.NARAdder          = (*Store)(nil)
	_ store.Registrar         = (*Store)(nil)
	_ store.Verifier          = (*Store)(nil)
	_ store.PathVerifier      = (*Store)(nil)
	_ store.Optimiser         = (*Store)(nil)
	_ store.SignatureAdder    = (*Store)(nil)
	_ store.GCRooter          = (*Store)(nil)
)

// chrootConfig describes a chroot store in root, as "--store root".
func chrootConfig(root string) Config {
	return Config{
		StoreDir:      "/nix/store",
		RealStoreDir:  root + "/nix/store",
		StateDir:      root + "/nix/var/nix",
		LogDir:        root + "/nix/var/log/nix",
		UseWAL:        true,
		FsyncMetadata: true,
	}
}

func openTest(t *testing.T, root string) *Store {
	t.Helper()
	s, err := Open(context.Background(), chrootConfig(root))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTest(t, testdir.New(t)) })
}

func TestConformanceNoWAL(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		cfg := chrootConfig(testdir.New(t))
		cfg.UseWAL = false
		cfg.NoSyncContents = true
		s, err := Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestLayout(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	defer s.Close()
	for _, p := range []string{
		"nix/store", "nix/store/.links", "nix/var/nix/db/db.sqlite", "nix/var/nix/db/schema",
		"nix/var/nix/db/big-lock", "nix/var/nix/db/reserved", "nix/var/nix/profiles/per-user",
		"nix/var/nix/gcroots/per-user", "nix/var/nix/temproots",
	} {
		if _, err := os.Lstat(filepath.Join(root, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(root, "nix/var/nix/db/schema")); string(b) != "10" {
		t.Errorf("schema file = %q, want \"10\"", b)
	}
	if l, err := fslink.Readlink(filepath.Join(root, "nix/var/nix/gcroots/profiles")); err != nil || l != root+"/nix/var/nix/profiles" {
		t.Errorf("gcroots/profiles -> %q, %v", l, err)
	}
}

var ctx = context.Background()

func addTree(t *testing.T, s *Store, name string, files map[string]string) storepath.StorePath {
	t.Helper()
	src := filepath.Join(testdir.New(t), name)
	for p, c := range files {
		full := filepath.Join(src, p)
		os.MkdirAll(filepath.Dir(full), 0o755)
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		if err := os.WriteFile(full, []byte(c), mode); err != nil {
			t.Fatal(err)
		}
	}
	p, err := store.AddPath(ctx, s, name, src, store.AddOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCanonical(t *testing.T) {
	if !hasUnixPermissions {
		t.Skip("no Unix permissions")
	}
	root := testdir.New(t)
	s := openTest(t, root)
	defer s.Close()
	src := filepath.Join(testdir.New(t), "src")
	os.MkdirAll(filepath.Join(src, "d"), 0o777)
	os.WriteFile(filepath.Join(src, "d", "f"), []byte("f"), 0o666)
	os.WriteFile(filepath.Join(src, "suid"), []byte("s"), 0o755)
	if err := os.Chmod(filepath.Join(src, "suid"), 0o755|os.ModeSetuid|os.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(src, "suid")); fi.Mode()&os.ModeSetuid == 0 {
		t.Fatal("could not make a setuid file")
	}
	os.Symlink("d/f", filepath.Join(src, "l"))
	p, err := store.AddPath(ctx, s, "src", src, store.AddOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{"": 0o555 | os.ModeDir, "d": 0o555 | os.ModeDir, "d/f": 0o444, "suid": 0o555}
	for rel, mode := range want {
		fi, err := os.Lstat(filepath.Join(s.RealPath(p), rel))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode || fi.ModTime().Unix() != 1 {
			t.Errorf("%q: mode %v mtime %d, want %v and 1", rel, fi.Mode(), fi.ModTime().Unix(), mode)
		}
	}
	if fi, _ := os.Lstat(filepath.Join(s.RealPath(p), "l")); fi.ModTime().Unix() != 1 {
		t.Errorf("symlink mtime %v", fi.ModTime())
	}
	// Nothing but the object is left: no lock files, no temporary
	// directories.
	names, _ := readDirNames(root + "/nix/store")
	for _, n := range names {
		if n != ".links" && n != p.Base() {
			t.Errorf("left in the store: %s", n)
		}
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	defer s.Close()
	a := addTree(t, s, "a", map[string]string{"file": "contents"})
	b := addTree(t, s, "b", map[string]string{"file": "other"})
	var msgs []string
	log := store.LoggerFunc(func(l store.Level, m string) {
		if l <= store.LevelInfo {
			msgs = append(msgs, m)
		}
	})
	// Modify a, remove b.
	f := s.RealPath(a) + "/file"
	os.Chmod(s.RealPath(a), 0o755)
	os.Chmod(f, 0o644)
	os.WriteFile(f, []byte("changed!"), 0o644)
	removeAll(s.RealPath(b))
	bad, err := s.Verify(ctx, store.VerifyOptions{CheckContents: true, Log: log})
	if err != nil || !bad {
		t.Fatalf("Verify = %v, %v", bad, err)
	}
	info, _ := s.QueryPathInfo(ctx, a)
	h, _ := s.narHash(s.RealPath(a))
	want := []string{
		"reading the Nix store...",
		"checking path existence...",
		"path '/nix/store/" + b.Base() + "' disappeared, removing from database...",
		"checking link hashes...",
		"checking store hashes...",
		"path '/nix/store/" + a.Base() + "' was modified! expected hash '" + info.NarHash.Format(hash.Nix32, true) + "', got '" + h.Format(hash.Nix32, true) + "'",
	}
	if strings.Join(msgs, "\n") != strings.Join(want, "\n") {
		t.Errorf("messages:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(want, "\n"))
	}
	if ok, _ := s.IsValidPath(ctx, b); ok {
		t.Errorf("vanished path still valid")
	}
}

func TestOptimise(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no inodes")
	}
	s := openTest(t, testdir.New(t))
	defer s.Close()
	a := addTree(t, s, "a", map[string]string{"same": "shared contents", "x": "1"})
	b := addTree(t, s, "b", map[string]string{"same": "shared contents", "y": "2"})
	stats, err := s.Optimise(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	fa, _ := os.Stat(s.RealPath(a) + "/same")
	fb, _ := os.Stat(s.RealPath(b) + "/same")
	if !os.SameFile(fa, fb) || stats.FilesLinked != 1 || stats.BytesFreed != 15 {
		t.Errorf("not linked: %+v", stats)
	}
	if bad, err := s.Verify(ctx, store.VerifyOptions{CheckContents: true}); bad || err != nil {
		t.Errorf("Verify after optimise = %v, %v", bad, err)
	}
	// Directories are read-only again, with mtime 1.
	if fi, _ := os.Stat(s.RealPath(a)); fi.Mode().Perm() != 0o555 || fi.ModTime().Unix() != 1 {
		t.Errorf("directory left as %v %v", fi.Mode(), fi.ModTime())
	}
	if stats, _ := s.Optimise(ctx, nil); stats.FilesLinked != 0 {
		t.Errorf("second optimise linked %d files", stats.FilesLinked)
	}
}

func TestReopenAndReadOnly(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	a := addTree(t, s, "a", map[string]string{"f": "x"})
	s.Close()
	cfg := chrootConfig(root)
	cfg.ReadOnly = true
	ro, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if ok, err := ro.IsValidPath(ctx, a); !ok || err != nil {
		t.Errorf("read-only store: IsValidPath = %v, %v", ok, err)
	}
	if _, err := store.AddText(ctx, ro, "x", "x", nil, false); err == nil {
		t.Errorf("read-only store accepted an add")
	}
	cfg.StateDir = testdir.New(t)
	if _, err := Open(ctx, cfg); err == nil || err.Error() != "database does not exist, and cannot be created in read-only mode" {
		t.Errorf("read-only open of a missing database: %v", err)
	}
}

func TestCASchema(t *testing.T) {
	root := testdir.New(t)
	cfg := chrootConfig(root)
	cfg.CADerivations = true
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n int
	err = s.db.conn.QueryRowContext(ctx, "select count(*) from sqlite_master where name in ('Realisations', 'RealisationsRefs', 'SchemaMigrations')").Scan(&n)
	if err != nil || n != 3 {
		t.Errorf("tables: %d, %v", n, err)
	}
	var m string
	if err := s.db.conn.QueryRowContext(ctx, "select migration from SchemaMigrations").Scan(&m); err != nil || m != caMigrationName {
		t.Errorf("migration %q, %v", m, err)
	}
}

func TestMigrateSchema7(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	s.Close()
	// Make a schema 7 database: no ultimate, sigs, ca columns.
	db, err := openDatabase(ctx, root+"/nix/var/nix/db/db.sqlite", openExisting, dbOptions{useWAL: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"drop table ValidPaths", "drop table Refs",
		"create table ValidPaths (id integer primary key autoincrement not null, path text unique not null, hash text not null, registrationTime integer not null, deriver text, narSize integer)",
		"create table Refs (referrer integer not null, reference integer not null, primary key (referrer, reference))",
		"create table FailedPaths (path text primary key not null, time integer not null)"} {
		if err := db.exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.close()
	os.WriteFile(root+"/nix/var/nix/db/schema", []byte("7"), 0o644)
	s = openTest(t, root)
	defer s.Close()
	if b, _ := os.ReadFile(root + "/nix/var/nix/db/schema"); string(b) != "10" {
		t.Errorf("schema = %q", b)
	}
	addTree(t, s, "a", map[string]string{"f": "x"})
}

func TestClaimedCA(t *testing.T) {
	s := openTest(t, testdir.New(t))
	defer s.Close()
	a := addTree(t, s, "a", map[string]string{"f": "x"})
	info, _ := s.QueryPathInfo(ctx, a)
	info.Path, _ = storepath.ParseBase("00000000000000000000000000000000-a")
	os.Mkdir(s.RealPath(info.Path), 0o755)
	err := s.RegisterValidPaths(ctx, []*store.PathInfo{info})
	if err == nil || err.Error() != "cannot add path '/nix/store/00000000000000000000000000000000-a' to the Nix store because it claims to be content-addressed but isn't" {
		t.Errorf("error = %v", err)
	}
}

// canSymlink reports whether this system makes symlinks (Windows needs a
// privilege; Wine makes none).
func canSymlink(t *testing.T) bool {
	d := testdir.New(t)
	if err := os.Symlink("target", d+"/l"); err != nil {
		t.Log("symlinks cannot be made here:", err)
		return false
	}
	if _, err := os.Readlink(d + "/l"); err != nil {
		t.Log("no symlink was made (no privilege, or Wine, which makes none):", err)
		return false
	}
	return true
}

func TestRoots(t *testing.T) {
	root := testdir.New(t)
	s := openTest(t, root)
	a := addTree(t, s, "a", map[string]string{"f": "x"})
	link := filepath.ToSlash(filepath.Join(testdir.New(t), "sub", "result"))
	got, err := s.AddPermRoot(ctx, a, link)
	if err != nil || got != link {
		t.Fatalf("AddPermRoot = %q, %v", got, err)
	}
	if target, _ := fslink.Readlink(link); target != "/nix/store/"+a.Base() {
		t.Errorf("root -> %q", target)
	}
	auto := root + "/nix/var/nix/gcroots/auto/" + hash.SumString(hash.SHA1, link).Nix32()
	if target, _ := fslink.Readlink(auto); target != link {
		t.Errorf("auto root -> %q", target)
	}
	if _, err := s.AddPermRoot(ctx, a, "/nix/store/foo"); err == nil || !strings.Contains(err.Error(), "in the Nix store is forbidden") {
		t.Errorf("root in store: %v", err)
	}
	plain := filepath.Join(testdir.New(t), "plain")
	os.WriteFile(plain, nil, 0o644)
	if _, err := s.AddPermRoot(ctx, a, plain); err == nil || err.Error() != "cannot create symlink '"+filepath.ToSlash(plain)+"'; already exists" {
		t.Errorf("existing file: %v", err)
	}
	// The temporary roots file lists the path while the store is open.
	tr := s.roots.path
	b, _ := os.ReadFile(tr)
	if !strings.Contains(string(b), "/nix/store/"+a.Base()+"\x00") {
		t.Errorf("temporary roots: %q", b)
	}
	s.Close()
	if _, err := os.Stat(tr); !os.IsNotExist(err) {
		t.Errorf("temporary roots file left: %v", err)
	}
}

func TestCanonicaliseSetuid(t *testing.T) {
	if !hasUnixPermissions {
		t.Skip("no Unix permissions")
	}
	s := openTest(t, testdir.New(t))
	defer s.Close()
	dir := filepath.Join(testdir.New(t), "out")
	os.MkdirAll(dir, 0o777)
	f := filepath.Join(dir, "suid")
	os.WriteFile(f, []byte("s"), 0o755)
	if err := os.Chmod(f, 0o775|os.ModeSetuid|os.ModeSetgid|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := s.canonicalise(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(f); fi.Mode() != 0o555 {
		t.Errorf("mode %v, want -r-xr-xr-x", fi.Mode())
	}
}

// TestReadOnlyFiles checks that an added object's regular files are
// read-only (mode 0444/0555 on Unix, FILE_ATTRIBUTE_READONLY on Windows,
// which Go reports as 0444) and that deleting the object still removes
// them.
func TestReadOnlyFiles(t *testing.T) {
	var p storepath.StorePath
	s, _ := gcStore(t, func(s *Store) {
		p = addTree(t, s, "ro", map[string]string{"f": "data", "d/g": "more", "run.sh": "echo"})
	})
	real := s.RealPath(p)
	for _, rel := range []string{"f", "d/g", "run.sh"} {
		fi, err := os.Stat(filepath.Join(real, rel))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o222 != 0 || fi.ModTime().Unix() != mtimeStore {
			t.Errorf("%s: mode %v, mtime %d; want read-only and %d", rel, fi.Mode(), fi.ModTime().Unix(), mtimeStore)
		}
	}
	if _, err := s.CollectGarbage(ctx, store.GCOptions{Action: store.GCDeleteSpecific, PathsToDelete: []storepath.StorePath{p}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(real); !os.IsNotExist(err) {
		t.Errorf("%s still exists after deletion: %v", real, err)
	}
}
