// File access details for Windows.

package builtins

// openNoFollow is 0: CppNix's accessor on Windows opens files without
// O_NOFOLLOW (the C runtime has none), so a final symlink is followed.
const openNoFollow = 0
