// x86-64 micro-architecture levels, as CppNix's computeLevels derives them from CPU flags.

package config

// x86LevelFlags lists, per level, the CPU flags (as /proc/cpuinfo names
// them) that CppNix's computeLevels requires, cumulatively.
var x86LevelFlags = []struct {
	level string
	flags []string
}{
	{"x86_64-v1", []string{"cmov", "cx8", "fpu", "fxsr", "mmx", "sse", "sse2"}},
	{"x86_64-v2", []string{"cx16", "lahf_lm", "popcnt", "pni", "ssse3", "sse4_1", "sse4_2"}},
	{"x86_64-v3", []string{"avx", "avx2", "f16c", "fma", "abm", "movbe"}},
	{"x86_64-v4", []string{"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}},
}

// x86Levels returns the levels whose flags (and those of all lower
// levels) are all present.
func x86Levels(flags map[string]bool) []string {
	var levels []string
	for _, l := range x86LevelFlags {
		for _, f := range l.flags {
			if !flags[f] {
				return levels
			}
		}
		levels = append(levels, l.level)
	}
	return levels
}
