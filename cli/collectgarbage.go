// This file implements the legacy command nix-collect-garbage [-d]
// [--delete-older-than PERIOD] [--dry-run] [--max-freed N], as CppNix
// 2.26's nix-collect-garbage.cc: delete old generations of profiles, then
// collect garbage.

package cli

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/profiles"
)

// collectGarbageArgs are the flags of nix-collect-garbage.
type collectGarbageArgs struct {
	removeOld       bool   // -d, --delete-old, --delete-older-than
	deleteOlderThan string // --delete-older-than PERIOD ("14d")
	dryRun          bool   // only say which generations would go; no collection
	limitFreed      bool   // --max-freed given
	maxFreed        uint64
}

func runCollectGarbage(e *env) error {
	var a collectGarbageArgs
	p := newArgParser(e)
	p.addLegacy()
	p.own = func(args []string, i int) (int, error) {
		switch arg := args[i]; arg {
		case "--help":
			fmt.Fprint(e.stdout, collectGarbageHelp)
			return 0, &exitError{code: 0}
		case "--version":
			fmt.Fprintln(e.stdout, "nix-collect-garbage (Nix) "+Version)
			return 0, &exitError{code: 0}
		case "--delete-old", "-d":
			a.removeOld = true
		case "--delete-older-than":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg)
			}
			a.removeOld, a.deleteOlderThan = true, args[i+1]
			return 2, nil
		case "--dry-run":
			a.dryRun = true
		case "--max-freed":
			if i+1 >= len(args) {
				return 0, usagef("'%s' requires an argument", arg)
			}
			n, err := parseSignedSize(args[i+1])
			if err != nil {
				return 0, err
			}
			a.limitFreed, a.maxFreed = true, uint64(max(n, 0))
			return 2, nil
		default:
			if !strings.HasPrefix(arg, "-") {
				return 0, usagef("unexpected argument '%s'", arg)
			}
			return 0, nil
		}
		return 1, nil
	}
	if err := p.parse(e.args); err != nil {
		return err
	}
	if err := e.cfg.FinishFlags(); err != nil {
		return err
	}
	if a.removeOld {
		dirs, err := e.profileDirsToClean()
		if err != nil {
			return err
		}
		for _, d := range dirs {
			if err := e.removeOldGenerations(d, &a); err != nil {
				return err
			}
		}
	}
	if a.dryRun {
		return nil
	}
	s, err := e.openStore(contextOf(e))
	if err != nil {
		return err
	}
	defer s.Close()
	g, err := gcStoreOf(s)
	if err != nil {
		return err
	}
	opts := e.gcOptions(store.GCDeleteDead)
	opts.LimitFreed, opts.MaxFreed = a.limitFreed, a.maxFreed
	res, err := g.CollectGarbage(contextOf(e), opts)
	printFreed(e.stdout, res)
	return err
}

// profileDirs returns what CppNix's profiles code needs to know.
func (e *env) profileDirs() profiles.Dirs {
	d := e.cfg.Dirs()
	stateHome, ok := e.getenv("XDG_STATE_HOME")
	if !ok || stateHome == "" {
		stateHome = d.Home + "/.local/state"
	}
	return profiles.Dirs{
		StateDir:     d.StateDir,
		Home:         d.Home,
		UserStateDir: stateHome + "/nix",
		Root:         os.Getuid() == 0,
		UseXDG:       e.cfg.Bool("use-xdg-base-directories"),
	}
}

// profileDirsToClean returns the directories whose profiles -d prunes: the
// user's profiles directory, <state>/profiles and the directory of the
// user's profile, once each, in the order of C++'s std::set of paths.
func (e *env) profileDirsToClean() ([]string, error) {
	d := e.profileDirs()
	userDir, err := d.ProfilesDir()
	if err != nil {
		return nil, err
	}
	dirs := []string{path.Clean(userDir), path.Clean(d.StateDir + "/profiles"), path.Dir(d.DefaultProfile())}
	slices.SortFunc(dirs, comparePathElements)
	return slices.Compact(dirs), nil
}

// comparePathElements orders paths as std::filesystem::path does: element
// by element.
func comparePathElements(a, b string) int {
	ea, eb := strings.Split(a, "/"), strings.Split(b, "/")
	for i := 0; i < len(ea) && i < len(eb); i++ {
		if c := strings.Compare(ea[i], eb[i]); c != 0 {
			return c
		}
	}
	return len(ea) - len(eb)
}

// removeOldGenerations deletes the old generations of the profiles below
// dir.
func (e *env) removeOldGenerations(dir string, a *collectGarbageArgs) error {
	log := storeLogger{e.log}
	return profiles.RemoveOld(dir, func(profile string) error {
		e.log.printAt(lvlInfo, "removing old generations of profile "+profile)
		if a.deleteOlderThan == "" {
			return profiles.DeleteOld(profile, a.dryRun, log)
		}
		t, err := profiles.ParseOlderThan(a.deleteOlderThan, time.Now())
		var se *profiles.SpecError
		if errors.As(err, &se) {
			return usagef("%s", se.Msg)
		}
		if err != nil {
			return err
		}
		return profiles.DeleteOlderThan(profile, t, a.dryRun, log)
	})
}

const collectGarbageHelp = `Usage: nix-collect-garbage [OPTIONS...]

Delete the store paths that no garbage collector root keeps alive, after
deleting, with -d, the old generations of the profiles in the Nix state
directory's profiles and in the user's profiles directory.

Options:
  -d, --delete-old          delete every generation but the current one
  --delete-older-than Nd    delete the generations older than N days (but
                            the one that was current then)
  --dry-run                 only say which generations would be deleted;
                            do not collect garbage
  --max-freed N             stop after freeing N bytes (K, M, G, T suffixes)
  --store URL               the store to collect
  --option NAME VALUE       set a configuration setting
  -v, --verbose             print more messages
`
