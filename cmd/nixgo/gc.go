// This file tunes the garbage collector for evaluation, which allocates fast and
// keeps much of what it allocates: collecting whenever the heap doubles wastes
// time while the heap is small, so the collector is given a fixed headroom
// instead, until the heap is large enough for the usual proportional rule.
// The first collection comes earlier, when the heap reaches gcFirst: most of
// what a short evaluation allocates is garbage by then (parse trees, the
// temporaries of derivations), and collecting it once keeps small evaluations
// small.

package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
)

// gcHeadroom is the least amount of allocation between two collections.
const gcHeadroom = 192 << 20

// gcFirst is the heap size at which the first collection starts.
const gcFirst = 96 << 20

// tuneGC arranges for the GC percentage to follow the live heap after every
// collection: the next collection comes after max(gcHeadroom, live*gcRatio)
// more bytes. GOGC, when set, disables the tuning.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	ratio := 0.8
	if s := os.Getenv("NIXGO_GC_RATIO"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			ratio = f
		}
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	adjust := func() {
		metrics.Read(sample)
		live := float64(sample[0].Value.Uint64())
		if live < 4<<20 {
			live = 4 << 20 // the runtime's minimum heap goal base
		}
		grow := live * ratio
		if grow < gcHeadroom {
			grow = gcHeadroom
		}
		debug.SetGCPercent(int(100 * grow / live))
	}
	// The runtime's heap goal is 4 MB × (1 + percent/100) at first.
	debug.SetGCPercent(100 * (gcFirst/(4<<20) - 1))
	// A finalizer runs after each collection that frees its object; re-arming
	// it makes a hook that runs once per cycle.
	type sentinel struct{ _ [16]byte }
	var arm func()
	arm = func() {
		s := &sentinel{}
		runtime.SetFinalizer(s, func(*sentinel) {
			adjust()
			arm()
		})
	}
	arm()
}
