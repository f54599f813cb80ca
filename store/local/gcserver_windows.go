// There is no roots server on Windows (CppNix cannot collect garbage there
// at all): processes adding temporary roots wait for the GC lock instead,
// retrying every 100 ms until the collection is over (roots_windows.go).

package local

import "github.com/nixgo/nixgo/store"

func (s *Store) serveRoots(sh *gcShared, log store.Logger) (stop func(), err error) {
	return func() { sh.stop() }, nil
}
