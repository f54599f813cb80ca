// Package archtest holds tests of the repository's architecture: the dependency
// rules between packages that docs/ARCHITECTURE.md states.
package archtest
