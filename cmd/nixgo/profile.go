// This file enables profiling through environment variables, for development:
// NIXGO_CPUPROFILE=file writes a CPU profile (the cli writes NIXGO_MEMPROFILE).

package main

import (
	"os"
	"runtime/pprof"
)

// startProfiling starts the profiles asked for and returns the function that
// finishes them.
func startProfiling() func() {
	var stops []func()
	if path := os.Getenv("NIXGO_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
