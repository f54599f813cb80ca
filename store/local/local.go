// This file opens a local store: it creates the directories CppNix creates,
// takes the big lock, checks and upgrades the database schema.

package local

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nixgo/nixgo/format/derivation"
	"github.com/nixgo/nixgo/format/fslink"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// Config describes a local store: where it is and how it behaves. The
// directories are those of CppNix's LocalFSStoreConfig; the rest mirrors
// nix.conf settings. Zero values are CppNix's defaults where noted.
type Config struct {
	// StoreDir is the logical store directory, in which paths are named
	// (store=..., default $NIX_STORE_DIR or /nix/store).
	StoreDir string
	// RealStoreDir is where the files are (real=...; for a chroot store
	// ROOT/nix/store). Empty means StoreDir.
	RealStoreDir string
	// StateDir holds the database, GC roots and profiles (state=...,
	// ROOT/nix/var/nix, $NIX_STATE_DIR or /nix/var/nix).
	StateDir string
	// LogDir holds build logs (log=...).
	LogDir string
	// ReadOnly opens the database immutable and never writes or locks
	// anything (read-only=true; CppNix's experimental feature
	// read-only-local-store).
	ReadOnly bool
	// RequireSigs refuses imported paths without a trusted signature
	// (require-sigs=...).
	RequireSigs bool
	// UseWAL is use-sqlite-wal (true except on WSL1).
	UseWAL bool
	// FsyncMetadata is fsync-metadata (true): synchronous=normal.
	FsyncMetadata bool
	// NoSyncContents skips the fsync of a path's files and directories
	// before it is registered. CppNix syncs only with
	// fsync-store-paths; nixgo syncs unless told not to.
	NoSyncContents bool
	// SyncBeforeRegistering calls sync() before registering paths
	// (sync-before-registering).
	SyncBeforeRegistering bool
	// AutoOptimise hard-links identical files of new paths
	// (auto-optimise-store).
	AutoOptimise bool
	// ReservedSize is the size of db/reserved (gc-reserved-space; 0
	// means 8 MiB).
	ReservedSize int64
	// AllowSymlinkedStore allows the store or a parent to be a symlink
	// (allow-symlinked-store).
	AllowSymlinkedStore bool
	// IgnoredACLs are extended attributes canonicalisation keeps
	// (ignored-acls, Linux).
	IgnoredACLs []string
	// CaseHack renames entries that differ only in case when restoring,
	// and undoes it when dumping (use-case-hack, on by default on macOS).
	CaseHack bool
	// CADerivations enables the experimental feature ca-derivations,
	// which adds the Realisations tables to the database.
	CADerivations bool
	// GCSync1 and GCSync2 are files the garbage collector reads (FIFOs,
	// to pause it) just after taking the GC lock and just after finding
	// the roots: CppNix's test hooks _NIX_TEST_GC_SYNC_1 and _2.
	GCSync1, GCSync2 string
	// GCNoLsof skips lsof when looking for the roots of running programs
	// where there is no /proc (_NIX_TEST_NO_LSOF=1).
	GCNoLsof bool
	// Log receives notices and warnings (may be nil).
	Log store.Logger
}

// Store is a local store: files under RealStoreDir, metadata in
// StateDir/db/db.sqlite. It is safe for concurrent use, and several
// processes (nixgo or CppNix) may use the same store at once.
type Store struct {
	cfg          Config
	dir          storepath.Dir
	realDir      string
	dbDir        string
	linksDir     string
	schemaPath   string
	tempRootsDir string
	log          store.Logger

	db      *database
	bigLock *os.File
	roots   tempRoots

	drvMu     sync.Mutex
	drvHashes map[storepath.StorePath]derivation.DrvHash

	closed atomic.Bool
}

// Open opens (creating it if needed) the local store cfg describes.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.StoreDir == "" {
		return nil, errors.New("local store: no store directory")
	}
	if cfg.RealStoreDir == "" {
		cfg.RealStoreDir = cfg.StoreDir
	}
	if cfg.ReservedSize == 0 {
		cfg.ReservedSize = 8 << 20
	}
	s := &Store{
		cfg:          cfg,
		dir:          storepath.Dir(cfg.StoreDir),
		realDir:      cfg.RealStoreDir,
		dbDir:        cfg.StateDir + "/db",
		linksDir:     cfg.RealStoreDir + "/.links",
		schemaPath:   cfg.StateDir + "/db/schema",
		tempRootsDir: cfg.StateDir + "/temproots",
		log:          cfg.Log,
		drvHashes:    map[storepath.StorePath]derivation.DrvHash{},
	}
	if err := s.createDirs(); err != nil {
		return nil, err
	}
	if !cfg.AllowSymlinkedStore {
		if err := checkNoSymlinks(s.realDir); err != nil {
			return nil, err
		}
	}
	if !cfg.ReadOnly {
		s.makeReserved()
		if err := s.takeBigLock(); err != nil {
			return nil, err
		}
	}
	if err := s.openDB(ctx); err != nil {
		s.releaseBigLock()
		return nil, err
	}
	return s, nil
}

// createDirs creates the store's directories, as CppNix's LocalStore
// constructor.
func (s *Store) createDirs() error {
	state := s.cfg.StateDir
	profiles := state + "/profiles"
	gcroots := state + "/gcroots"
	for _, d := range []string{s.realDir, s.linksDir, profiles, s.tempRootsDir, s.dbDir} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			return fmt.Errorf("creating directory '%s': %w", d, syserr.Unwrap(err))
		}
	}
	if _, err := os.Lstat(gcroots); os.IsNotExist(err) {
		if err := os.MkdirAll(gcroots, 0o777); err != nil {
			return fmt.Errorf("creating directory '%s': %w", gcroots, syserr.Unwrap(err))
		}
		if err := fslink.Symlink(profiles, gcroots+"/profiles"); err != nil && !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("creating symlink '%s': %w", gcroots+"/profiles", syserr.Unwrap(err))
		}
	}
	for _, d := range []string{profiles + "/per-user", gcroots + "/per-user"} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			return fmt.Errorf("creating directory '%s': %w", d, syserr.Unwrap(err))
		}
		if !s.cfg.ReadOnly {
			if err := ensureMode(d, 0o755); err != nil {
				return fmt.Errorf("could not set permissions on '%s' to 755: %w", d, syserr.Unwrap(err))
			}
		}
	}
	return nil
}

// ensureMode sets a directory's permissions unless they already are perm
// (so that a user who may not chmod it can still open the store).
func ensureMode(path string, perm os.FileMode) error {
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if st.Mode().Perm() == perm || !hasUnixPermissions {
		return nil
	}
	return os.Chmod(path, perm)
}

// checkNoSymlinks refuses a store directory that is, or is below, a
// symlink.
func checkNoSymlinks(realDir string) error {
	p := filepath.Clean(realDir)
	for {
		parent := filepath.Dir(p)
		if parent == p {
			return nil
		}
		st, err := os.Lstat(p)
		if err != nil {
			return fmt.Errorf("getting status of '%s': %w", p, syserr.Unwrap(err))
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("the path '%s' is a symlink; this is not allowed for the Nix store and its parent directories", filepath.ToSlash(p))
		}
		p = parent
	}
}

// makeReserved creates db/reserved, space freed before a garbage
// collection when the disk is full. Errors are ignored, as in CppNix.
func (s *Store) makeReserved() {
	path := s.dbDir + "/reserved"
	if st, err := os.Stat(path); err == nil && st.Size() == s.cfg.ReservedSize {
		return
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	if allocate(f, s.cfg.ReservedSize) != nil {
		f.Write(make([]byte, s.cfg.ReservedSize))
		f.Truncate(s.cfg.ReservedSize)
	}
}

// takeBigLock takes db/big-lock shared, so that no schema upgrade runs
// while the store is open.
func (s *Store) takeBigLock() error {
	f, err := openLockFile(s.dbDir+"/big-lock", true)
	if err != nil {
		return err
	}
	ok, err := lockFile(f, lockRead, false)
	if err == nil && !ok {
		store.Logf(s.log, store.LevelInfo, "waiting for the big Nix store lock...")
		_, err = lockFile(f, lockRead, true)
	}
	if err != nil {
		f.Close()
		return err
	}
	s.bigLock = f
	return nil
}

func (s *Store) releaseBigLock() {
	if s.bigLock != nil {
		s.bigLock.Close()
		s.bigLock = nil
	}
}

// readSchema returns the version in db/schema, 0 if there is none.
func (s *Store) readSchema() (int, error) {
	b, err := os.ReadFile(s.schemaPath)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		return 0, fmt.Errorf("'%s' is corrupt", s.schemaPath)
	}
	return n, nil
}

// openDB opens the database, creating or upgrading it as needed (the
// schema part of CppNix's LocalStore constructor).
func (s *Store) openDB(ctx context.Context) error {
	cur, err := s.readSchema()
	if err != nil {
		return err
	}
	switch {
	case s.cfg.ReadOnly && cur < schemaVersion:
		if cur == 0 {
			return errors.New("database does not exist, and cannot be created in read-only mode")
		}
		return errors.New("database schema needs migrating, but this cannot be done in read-only mode")
	case cur > schemaVersion:
		return fmt.Errorf("current Nix store schema is version %d, but I only support %d", cur, schemaVersion)
	case cur == 0:
		if err := s.openDatabase(ctx, openCreate); err != nil {
			return err
		}
		if err := s.db.exec(ctx, schemaSQL); err != nil {
			return s.db.wrap(err, "executing SQLite statement")
		}
		if err := writeFileSync(s.schemaPath, []byte(strconv.Itoa(schemaVersion)), 0o666); err != nil {
			return err
		}
	case cur < schemaVersion:
		if err := s.migrate(ctx, cur); err != nil {
			return err
		}
	default:
		mode := openExisting
		if s.cfg.ReadOnly {
			mode = openImmutable
		}
		if err := s.openDatabase(ctx, mode); err != nil {
			return err
		}
	}
	if s.cfg.ReadOnly {
		return nil
	}
	return s.upgradeSchema(ctx)
}

func (s *Store) openDatabase(ctx context.Context, mode openMode) error {
	if mode != openImmutable {
		if err := checkWritable(s.dbDir); err != nil {
			return fmt.Errorf("Nix database directory '%s' is not writable: %w", s.dbDir, err)
		}
	}
	db, err := openDatabase(ctx, s.dbDir+"/db.sqlite", mode, dbOptions{useWAL: s.cfg.UseWAL, fsyncMetadata: s.cfg.FsyncMetadata}, s.log)
	if err != nil {
		return err
	}
	s.db = db
	return nil
}

// migrate upgrades a database of schema 6 to 9 to version 10, holding the
// big lock exclusively.
func (s *Store) migrate(ctx context.Context, cur int) error {
	if cur < 5 {
		return errors.New("Your Nix store has a database in Berkeley DB format,\nwhich is no longer supported. To convert to the new format,\nplease upgrade Nix to version 0.12 first.")
	}
	if cur < 6 {
		return errors.New("Your Nix store has a database in flat file format,\nwhich is no longer supported. To convert to the new format,\nplease upgrade Nix to version 1.11 first.")
	}
	ok, err := lockFile(s.bigLock, lockWrite, false)
	if err == nil && !ok {
		store.Logf(s.log, store.LevelInfo, "waiting for exclusive access to the Nix store...")
		lockFile(s.bigLock, lockNone, false)
		_, err = lockFile(s.bigLock, lockWrite, true)
	}
	if err != nil {
		return err
	}
	// Another process may have upgraded it meanwhile.
	if cur, err = s.readSchema(); err != nil {
		return err
	}
	if err := s.openDatabase(ctx, openExisting); err != nil {
		return err
	}
	steps := []struct {
		below int
		sql   string
	}{
		{8, "alter table ValidPaths add column ultimate integer; alter table ValidPaths add column sigs text"},
		{9, "drop table FailedPaths"},
		{10, "alter table ValidPaths add column ca text"},
	}
	for _, st := range steps {
		if cur >= st.below {
			continue
		}
		if err := s.db.txn(ctx, func(q querier) error {
			_, err := q.tx.ExecContext(ctx, st.sql)
			return err
		}); err != nil {
			return s.db.wrap(err, "executing SQLite statement '"+st.sql+"'")
		}
	}
	if err := writeFileSync(s.schemaPath, []byte(strconv.Itoa(schemaVersion)), 0o666); err != nil {
		return err
	}
	_, err = lockFile(s.bigLock, lockRead, true)
	return err
}

// upgradeSchema applies the named migrations CppNix records in
// SchemaMigrations (only the ca-derivations one exists).
func (s *Store) upgradeSchema(ctx context.Context) error {
	if err := s.db.exec(ctx, "create table if not exists SchemaMigrations (migration text primary key not null);"); err != nil {
		return s.db.wrap(err, "executing SQLite statement")
	}
	if !s.cfg.CADerivations {
		return nil
	}
	done := false
	err := s.db.read(ctx, func(q querier) error {
		rows, err := q.d.conn.QueryContext(ctx, "select migration from SchemaMigrations;")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			done = done || m == caMigrationName
		}
		return rows.Err()
	})
	if err != nil || done {
		return err
	}
	return s.db.txn(ctx, func(q querier) error {
		_, err := q.tx.ExecContext(ctx, caMigration+";\ninsert into SchemaMigrations values('"+caMigrationName+"')")
		return err
	})
}

// writeFileSync writes a file and syncs it (CppNix's writeFile with sync).
func writeFileSync(path string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return fmt.Errorf("opening file '%s': %w", path, syserr.Unwrap(err))
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("writing to file '%s': %w", path, syserr.Unwrap(err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("fsync file '%s': %w", path, syserr.Unwrap(err))
	}
	return f.Close()
}

// Close closes the database and releases the store's locks and temporary
// roots.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	var err error
	if s.db != nil {
		err = s.db.close()
	}
	s.roots.close()
	s.releaseBigLock()
	return err
}

// Dir returns the logical store directory.
func (s *Store) Dir() storepath.Dir { return s.dir }

// URI returns "local", as CppNix's LocalStore::getUri.
func (s *Store) URI() string { return "local" }

// RealStoreDir returns the physical store directory.
func (s *Store) RealStoreDir() string { return s.realDir }

// StateDir returns the state directory.
func (s *Store) StateDir() string { return s.cfg.StateDir }

// LogDir returns the log directory.
func (s *Store) LogDir() string { return s.cfg.LogDir }

// RealPath returns the physical path of p.
func (s *Store) RealPath(p storepath.StorePath) string { return s.realDir + "/" + p.Base() }

// realPathOf returns the physical path of a full store path (or a path
// inside one).
func (s *Store) realPathOf(full string) (string, error) {
	p, rest, err := s.dir.ToStorePath(full)
	if err != nil {
		return "", err
	}
	return s.RealPath(p) + rest, nil
}
