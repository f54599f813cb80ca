// Package store defines what a Nix store is to the rest of nixgo: small
// interfaces with written contracts, the metadata of store paths, store URIs,
// and the operations built on top of any store (closures, export/import,
// validity registrations).
//
// # Interfaces
//
// Every store is a Store: a store directory, a URI for messages, validity and
// PathInfo queries, Close. Everything else is an optional capability, a
// separate interface the caller tests for with a type assertion:
//
//	Lister             QueryAllValidPaths                nix-store --dump-db, verify, optimise
//	ReferrersQuerier   QueryReferrers                    nix-store -q --referrers(-closure)
//	DerivationQuerier  QueryValidDerivers,               nix-store -q --outputs, --include-outputs,
//	                   QueryDerivationOutputs            nix derivation show
//	HashPartResolver   QueryPathFromHashPart             nix store ls/cat on hash parts
//	NARDumper          DumpNAR                           nix-store --dump, --export, nix store dump-path
//	LocalFS            RealStoreDir, StateDir, LogDir,   nix store cat/ls (read files directly),
//	                   RealPath                          build logs, --add-root targets
//	Adder              AddFromDump                       nix-store --add, --add-fixed, nix store add*
//	NARAdder           AddNAR                            nix-store --import, copying
//	Registrar          RegisterValidPaths                nix-store --load-db, --register-validity
//	Verifier           Verify                            nix-store --verify, nix store verify
//	PathVerifier       VerifyPath                        nix-store --verify-path
//	Optimiser          Optimise                          nix-store --optimise, nix store optimise
//	SignatureAdder     AddSignatures                     nix store sign
//	GCRooter           AddPermRoot, AddIndirectRoot,     --add-root, --indirect
//	                   AddTempRoot
//	GarbageCollector   FindRoots, CollectGarbage         nix-store --gc, --delete, -q --roots,
//	                                                     nix store gc/delete, nix-collect-garbage
//
// An operation a store cannot do is reported with *UnsupportedError, in
// CppNix's words ("operation 'addToStore' is not supported by store
// 'dummy'"); a path that is not valid with *InvalidPathError ("path '…' is
// not valid"). Implementations: store/local (the local store, all of the
// above) and store/dummy (computes paths, keeps nothing). store/stores opens
// a store from a URI and the settings, as CppNix's openStore. The
// conformance suite store/storetest checks every implementation.
//
// # Helpers on any store
//
//	AddPath, AddText                 add a file, tree or text (with a PathFilter)
//	ComputeFixedPath, ComputeTextPath  the same paths without a store (--print-fixed-path)
//	Closure(ClosureOptions)          -q --requisites, -R, --include-outputs, --referrers-closure
//	TopoSort, TopoSortFunc           referrers before references (CppNix's topoSortPaths)
//	Export, Import                   nix-store --export / --import format
//	WriteRegistration,               nix-store --dump-db / --load-db format
//	NewRegistrationReader
//	ParseReference                   store URIs ("local", "local?root=/r", "/r", "dummy://", "auto")
//
// # Paths and messages
//
// Paths are storepath.StorePath values (base names); Store.Dir turns them into
// full paths for printing. A chroot store (--store /r) names paths in
// /nix/store while its files are in /r/nix/store: LocalFS.RealPath gives the
// physical path, and nothing else should be used to reach the files.
//
// Long operations report through a Logger at CppNix's verbosity levels;
// warnings arrive without the "warning: " prefix, which the logger adds, and
// errors as CppNix prints them (with "error: " where CppNix uses logError).
//
// Methods that do I/O take a context.Context: cancelling it interrupts
// database statements and stops Verify, Optimise and Import between paths
// (an object being written is abandoned whole, never registered in part).
//
// # For command implementers
//
// A command opens its store once, from the `store` setting (--store):
//
//	s, err := e.openStore(ctx)  // cli/store.go: stores.Open with the settings; URI errors are usage errors
//	defer s.Close()
//
// and parses its arguments with s.Dir().Parse (or Dir.ToStorePath for paths
// inside store objects; CppNix's followLinksToStorePath additionally resolves
// symlinks outside the store, which the command does). Then, for example:
//
//	nix-store --add P                AddPath(ctx, s.(Adder), base(P), P, AddOptions{}, nil)
//	--add-fixed [--recursive] A P    AddPath with Method MethodFlat/MethodNAR, Algo A
//	--print-fixed-path A H N         s.Dir().MakeFixedOutputPath (nothing to open)
//	nix store add-file/add-path      AddPath (--mode flat|nar, --name)
//	-q --references, --referrers     QueryPathInfo(p).References, ReferrersQuerier
//	-q --requisites/-R               Closure(ctx, s, ps, ClosureOptions{IncludeOutputs})
//	-q --deriver, --hash, --size     QueryPathInfo: Deriver, NarHash, NarSize
//	-q --outputs, --binding          read the .drv (LocalFS.RealPath or NARDumper) and
//	                                 format/derivation; DerivationQuerier for the DB view
//	-q --tree, --graph               QueryPathInfo + TopoSort
//	nix path-info [-r] [-s] [-S]     Closure, TopoSort reversed (references first), NarSize
//	--dump, nix store dump-path      NARDumper.DumpNAR (nar.DumpPath on LocalFS.RealPath)
//	--restore, nix nar *             format/nar only, no store
//	--export / --import              Export / Import
//	--verify [--check-contents]      Verifier.Verify; --verify-path: PathVerifier
//	--optimise, nix store optimise   Optimiser.Optimise; print "%.2f MiB freed by hard-linking %d files"
//	--dump-db / --load-db            WriteRegistration / NewRegistrationReader + Registrar
//	--add-root, --indirect           GCRooter.AddPermRoot (CppNix's --indirect is a no-op)
//	--gc [--print-live|--print-dead] GarbageCollector.CollectGarbage (GCDeleteDead, GCReturnLive/Dead);
//	                                 print "%d store paths deleted, %.2f MiB freed" even on errors
//	--gc --print-roots, -q --roots   GarbageCollector.FindRoots(ctx, false), Roots.Links
//	--delete, nix store delete       CollectGarbage with GCDeleteSpecific, PathsToDelete
package store
