// This file opens the store database (db/db.sqlite) as CppNix does, with
// pure-Go SQLite, and runs statements and transactions on it with CppNix's
// retry-on-busy policy.

package local

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/nixgo/nixgo/store"
)

// openMode says how the database file is opened.
type openMode int

const (
	openExisting  openMode = iota // read-write, the file must exist
	openCreate                    // read-write, created if missing
	openImmutable                 // read-only, never locked (the read-only store setting)
)

// database is one SQLite connection, used by one goroutine at a time (the
// mutex), as CppNix's LocalStore::State::db.
type database struct {
	mu    sync.Mutex
	sqlDB *sql.DB
	conn  *sql.Conn
	path  string
	stmts map[string]*sql.Stmt
	log   store.Logger
}

// dbOptions are the settings that shape the connection.
type dbOptions struct {
	useWAL        bool // use-sqlite-wal
	fsyncMetadata bool // fsync-metadata
}

// openDatabase opens path and configures the connection as CppNix's
// LocalStore::openDB: foreign keys, a one-hour busy timeout, synchronous
// normal (or off), WAL with a persistent WAL file and an auto-checkpoint
// interval of 40000 pages.
func openDatabase(ctx context.Context, path string, mode openMode, opts dbOptions, log store.Logger) (*database, error) {
	uri := "file:" + uriEscape(filepath.ToSlash(path))
	switch mode {
	case openExisting:
		uri += "?mode=rw"
	case openCreate:
		uri += "?mode=rwc"
	case openImmutable:
		uri += "?mode=ro&immutable=1"
	}
	if !opts.useWAL && runtime.GOOS != "windows" {
		// As CppNix: without WAL, lock with dot files (NFS, WSL1).
		uri += "&vfs=unix-dotfile"
	}
	sqlDB, err := sql.Open("sqlite", uri)
	if err != nil {
		return nil, fmt.Errorf("cannot open SQLite database '%s': %w", path, err)
	}
	sqlDB.SetMaxOpenConns(1)
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("cannot open SQLite database '%s': %s", path, sqliteMessage(err))
	}
	d := &database{sqlDB: sqlDB, conn: conn, path: path, stmts: map[string]*sql.Stmt{}, log: log}
	if err := d.configure(ctx, mode, opts); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

func (d *database) configure(ctx context.Context, mode openMode, opts dbOptions) error {
	if err := d.exec(ctx, "pragma busy_timeout = 3600000"); err != nil {
		return err
	}
	if err := d.exec(ctx, "pragma foreign_keys = 1"); err != nil {
		return err
	}
	if mode == openImmutable {
		return nil
	}
	sync := "off"
	if opts.fsyncMetadata {
		sync = "normal"
	}
	if err := d.exec(ctx, "pragma synchronous = "+sync); err != nil {
		return err
	}
	want := "truncate"
	if opts.useWAL {
		want = "wal"
	}
	var prev string
	if err := d.conn.QueryRowContext(ctx, "pragma main.journal_mode;").Scan(&prev); err != nil {
		return d.wrap(err, "querying journal mode")
	}
	if prev != want {
		if err := d.exec(ctx, "pragma main.journal_mode = "+want+";"); err != nil {
			return d.wrap(err, "setting journal mode")
		}
	}
	if !opts.useWAL {
		return nil
	}
	// Keep the WAL file when the connection closes, so that read-only
	// users without write access to db/ can open the database, and
	// truncate it to 0 bytes at checkpoints (CppNix does the same).
	if d.exec(ctx, "pragma main.journal_size_limit = 1099511627776;") == nil {
		d.conn.Raw(func(dc any) error {
			if fc, ok := dc.(sqlite.FileControl); ok {
				_, err := fc.FileControlPersistWAL("main", 1)
				return err
			}
			return nil
		})
	}
	if err := d.exec(ctx, "pragma wal_autocheckpoint = 40000;"); err != nil {
		return d.wrap(err, "setting autocheckpoint interval")
	}
	return nil
}

func (d *database) close() error {
	for _, s := range d.stmts {
		s.Close()
	}
	d.conn.Close()
	return d.sqlDB.Close()
}

// exec runs statements that return no rows, retrying while the database is
// busy.
func (d *database) exec(ctx context.Context, sqlText string) error {
	return d.retry(ctx, func() error {
		_, err := d.conn.ExecContext(ctx, sqlText)
		return err
	})
}

// stmt returns the prepared statement for sqlText, preparing it once.
func (d *database) stmt(ctx context.Context, sqlText string) (*sql.Stmt, error) {
	if s, ok := d.stmts[sqlText]; ok {
		return s, nil
	}
	s, err := d.conn.PrepareContext(ctx, sqlText)
	if err != nil {
		return nil, d.wrap(err, fmt.Sprintf("creating statement '%s'", sqlText))
	}
	d.stmts[sqlText] = s
	return s, nil
}

// querier is a connection or a transaction.
type querier struct {
	d  *database
	tx *sql.Tx
}

func (q querier) prep(ctx context.Context, sqlText string) (*sql.Stmt, error) {
	s, err := q.d.stmt(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	if q.tx != nil {
		return q.tx.StmtContext(ctx, s), nil
	}
	return s, nil
}

func (q querier) execStmt(ctx context.Context, sqlText string, args ...any) (sql.Result, error) {
	s, err := q.prep(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(ctx, args...)
}

func (q querier) query(ctx context.Context, sqlText string, args ...any) (*sql.Rows, error) {
	s, err := q.prep(ctx, sqlText)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

func (q querier) queryRow(ctx context.Context, sqlText string, args ...any) *sql.Row {
	s, err := q.prep(ctx, sqlText)
	if err != nil {
		return q.d.conn.QueryRowContext(ctx, "select raise(fail, ?)", err.Error())
	}
	return s.QueryRowContext(ctx, args...)
}

// read runs fn on the connection, retrying while the database is busy
// (CppNix's retrySQLite around a lock of the state).
func (d *database) read(ctx context.Context, fn func(q querier) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.retry(ctx, func() error { return fn(querier{d: d}) })
}

// txn runs fn in a transaction, committing if it succeeds and rolling back
// otherwise; the whole transaction is retried while the database is busy
// (CppNix's retrySQLite around SQLiteTxn).
func (d *database) txn(ctx context.Context, fn func(q querier) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.retry(ctx, func() error {
		tx, err := d.conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(querier{d: d, tx: tx}); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	})
}

// retry calls fn until it succeeds or fails with something else than the
// database being busy, warning every 10 seconds and sleeping up to 0.1 s
// between attempts (CppNix's handleSQLiteBusy).
func (d *database) retry(ctx context.Context, fn func() error) error {
	nextWarning := time.Now().Add(time.Second)
	for {
		err := fn()
		if err == nil || !isBusy(err) {
			return err
		}
		if now := time.Now(); now.After(nextWarning) {
			nextWarning = now.Add(10 * time.Second)
			store.Logf(d.log, store.LevelWarn, "SQLite database '%s' is busy", d.path)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.IntN(100)) * time.Millisecond):
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY or SQLITE_PROTOCOL.
func isBusy(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// wrap describes a failed operation in CppNix's words: "<what>: <message>
// (in '<db path>')".
func (d *database) wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %s (in '%s')", what, sqliteMessage(err), d.path)
}

// sqliteMessage returns SQLite's message for err.
func sqliteMessage(err error) string {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

// uriEscape escapes a path for a SQLite URI.
func uriEscape(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/:", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
