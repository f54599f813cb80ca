// Package local is the local Nix store: objects as files under the store
// directory, metadata in SQLite, laid out exactly as CppNix 2.26 lays them
// out, so that CppNix and nixgo can use the same store, even at the same time.
//
// # Layout
//
//	<real store dir>/<hash>-<name>        store objects (read-only, mtime 1)
//	<real store dir>/<hash>-<name>.lock   per-path locks while a path is written
//	<real store dir>/tmp-<pid>-<n>/       locked temporary directories
//	<real store dir>/.links/<nix32 hash>  files shared by optimise (hard links)
//	<state>/db/db.sqlite                  the database (schema version 10, WAL)
//	<state>/db/schema                     "10"
//	<state>/db/big-lock                   held shared while the store is open
//	<state>/db/reserved                   space freed before a GC on a full disk
//	<state>/gc.lock                       held by the collector; shared by verify
//	                                      and, briefly, by AddTempRoot
//	<state>/gc-socket/socket              the running collector's roots server
//	<state>/temproots/<pid>-<n>           temporary roots of a running process
//	<state>/gcroots/, gcroots/auto/       roots; auto holds --add-root links
//	<state>/profiles/                     profiles, roots too
//
// A chroot store ("--store /r", "local?root=/r") has its real store directory
// in /r/nix/store and its state in /r/nix/var/nix, while paths keep their
// /nix/store names.
//
// # Database
//
// The tables are CppNix's (schema.go): ValidPaths (path, hash "sha256:<hex>",
// registrationTime, deriver, narSize, ultimate, sigs, ca), Refs, DerivationOutputs,
// and, with the experimental feature ca-derivations, Realisations and
// RealisationsRefs (recorded in SchemaMigrations). The connection is set up
// as CppNix's: foreign keys on, a one-hour busy timeout, synchronous=normal,
// WAL with a persistent WAL file and wal_autocheckpoint 40000; transactions
// that fail with SQLITE_BUSY are retried whole. The driver is
// modernc.org/sqlite (SQLite translated to Go, no cgo), which locks the
// database files exactly as C SQLite does.
//
// # Writing safely
//
// An object is written into a locked temporary directory "tmp-…" of the store
// (CppNix's collector skips locked ones), then, under the path's lock file,
// moved to its path with rename(2), made durable (unless
// Config.NoSyncContents: on Linux one syncfs(2) of the store's file system,
// elsewhere an fsync of each file and directory as it is written and of the
// store directory after the rename), its metadata canonicalised, and only
// then registered in one transaction. Hence a process
// killed at any moment leaves either nothing, a temporary directory, or an
// invalid path (deleted by the next add or a GC): never a valid path with
// missing or partial contents. A malformed NAR, or one whose hash, size or
// content address differs from what it claims, is refused before anything is
// moved into place.
//
// Canonical metadata: mode 0444 or 0555 (no setuid, setgid, sticky, no write
// bits), modification time 1, owner the current user, no extended attributes
// (except ignored-acls). On Windows only the modification time is set, and
// lock files are not deleted after use.
//
// # Garbage collection
//
// The collector (gc.go) is CppNix 2.26's: it takes gc.lock exclusively,
// serves <state>/gc-socket/socket, where processes that add temporary roots
// meanwhile send them (they cannot take gc.lock shared, which AddTempRoot
// does around writing its roots file), finds the roots (gcroots.go:
// gcroots/ and profiles/ recursively, temporary roots of live processes,
// and on Unix the files running programs use, read from /proc or lsof),
// then deletes, for every entry of the store, the closure of its referrers
// if nothing in it is alive. Each dead path is invalidated (after checking,
// in the same transaction, that no valid path refers to it) before its files
// are removed, so a killed collection leaves only invalid leftovers.
// Unlike CppNix, a path that becomes a temporary root after it was found dead
// but before it is deleted is kept (with its closure): CppNix deletes it,
// and a client may then use a path it has just been told is there.
//
// # Derivations
//
// Registering a .drv checks it as CppNix does (name, output paths recomputed
// from hashDerivationModulo of its inputs, read from the store and memoised,
// and the environment variables naming outputs) and records its outputs in
// DerivationOutputs.
//
// # Differences from CppNix
//
// Contents are synced before registration by default (CppNix only with
// fsync-store-paths, with an fsync per file); on a file system with much
// unrelated dirty data, syncfs can take a while. Temporary root files are named "<pid>-<n>" rather than
// "<pid>", so that several stores opened by one process do not clash (CppNix's
// collector reads the leading number only). Substitution and rebuilding are
// not available, so repair (verify --repair) reports "cannot repair path".
// Signatures are not checked: with CheckSigs and require-sigs, only
// content-addressed paths are accepted. The build-users-group ownership setup
// of multi-user stores and remounting a read-only store writable are not done.
// On Windows the collector serves no socket (CppNix cannot collect there at
// all): processes adding temporary roots wait until the collection is over.
package local
