// Roots of running processes on Unix systems other than Linux: the files
// lsof(8) reports open, as CppNix (which skips it when _NIX_TEST_NO_LSOF is
// 1: Config.GCNoLsof).

//go:build unix && !linux

package local

import (
	"context"
	"os/exec"
	"strings"
)

// systemRootCandidates adds the paths of the files lsof lists ("n/path"
// lines of its field output). Without lsof there are none.
func (s *Store) systemRootCandidates(ctx context.Context, unchecked map[string]map[string]bool) error {
	if s.cfg.GCNoLsof {
		return nil
	}
	out, err := exec.CommandContext(ctx, "lsof", "-n", "-w", "-F", "n").Output()
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "n/") {
			addCandidate(unchecked, line[1:], "{lsof}")
		}
	}
	return nil
}
