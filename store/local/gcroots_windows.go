// Roots of running processes on Windows: there is no /proc and no lsof, so
// there are none (as with CppNix on Windows); a running program's files are
// protected by Windows itself, which refuses to delete open files.

package local

import "context"

func (s *Store) runtimeRootCandidates(ctx context.Context, unchecked map[string]map[string]bool) error {
	return nil
}
