// Roots of running processes on Unix: what /proc shows of each process
// (executable, working directory, open files, mapped files, environment),
// as CppNix's findRuntimeRoots, plus what the system adds (gcroots_linux.go,
// gcroots_bsd.go).

//go:build unix

package local

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"syscall"
)

// mapsLine matches a line of /proc/PID/maps that names a file.
var mapsLine = regexp.MustCompile(`^\s*\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(/\S+)\s*$`)

// runtimeRootCandidates collects the paths running processes use.
func (s *Store) runtimeRootCandidates(ctx context.Context, unchecked map[string]map[string]bool) error {
	storePathRe := regexp.MustCompile(regexp.QuoteMeta(string(s.dir)) + `/[0-9a-z]+[0-9a-zA-Z\+\-\._\?=]*`)
	if err := scanProc(ctx, unchecked, storePathRe); err != nil {
		return err
	}
	return s.systemRootCandidates(ctx, unchecked)
}

// scanProc reads /proc, if there is one.
func scanProc(ctx context.Context, unchecked map[string]map[string]bool, storePathRe *regexp.Regexp) error {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer d.Close()
	for {
		names, rerr := d.Readdirnames(512)
		for _, pid := range names {
			if err := ctx.Err(); err != nil {
				return err
			}
			if !allDigits(pid) {
				continue
			}
			err := scanProcess("/proc/"+pid, unchecked, storePathRe)
			if err != nil && !processGone(err) {
				return err
			}
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// scanProcess reads what one process uses. A process that ended, or that
// we may not look at, has no roots.
func scanProcess(dir string, unchecked map[string]map[string]bool, storePathRe *regexp.Regexp) error {
	if err := readProcLink(dir+"/exe", unchecked); err != nil {
		return err
	}
	if err := readProcLink(dir+"/cwd", unchecked); err != nil {
		return err
	}
	fds, err := os.Open(dir + "/fd")
	if err != nil {
		return err
	}
	names, err := fds.Readdirnames(-1)
	fds.Close()
	if err != nil {
		return err
	}
	for _, n := range names {
		if !strings.HasPrefix(n, ".") {
			if err := readProcLink(dir+"/fd/"+n, unchecked); err != nil {
				return err
			}
		}
	}
	maps, err := os.ReadFile(dir + "/maps")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(maps), "\n") {
		if m := mapsLine.FindStringSubmatch(line); m != nil {
			addCandidate(unchecked, m[1], dir+"/maps")
		}
	}
	environ, err := os.ReadFile(dir + "/environ")
	if err != nil {
		return err
	}
	for _, m := range storePathRe.FindAllString(string(environ), -1) {
		addCandidate(unchecked, m, dir+"/environ")
	}
	return nil
}

// readProcLink records the absolute target of a /proc symlink.
func readProcLink(link string, unchecked map[string]map[string]bool) error {
	target, err := os.Readlink(link)
	if err != nil {
		if processGone(err) {
			return nil
		}
		return err
	}
	if strings.HasPrefix(target, "/") {
		addCandidate(unchecked, target, link)
	}
	return nil
}

// processGone reports the errors of a process that ended or that we may
// not inspect.
func processGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.ESRCH)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
