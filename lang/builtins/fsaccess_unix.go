// File access details for Unix systems.

//go:build !windows

package builtins

import "syscall"

// openNoFollow makes openFile fail on a symlink, as CppNix's root accessor
// opens files with O_NOFOLLOW.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_CLOEXEC
