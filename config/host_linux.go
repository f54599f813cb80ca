// Host detection on Linux: CPUs, cgroup quota, root, /dev/kvm, WSL1, x86-64 levels.

package config

import (
	"math"
	"os"
	"strconv"
	"strings"
	"syscall"
)

func detectHost(h *Host) {
	h.Root = os.Getuid() == 0
	if n := onlineCPUs(); n > 0 {
		h.Concurrency = n
	}
	h.CgroupCPUs = cgroupCPUs()
	h.KVM = syscall.Access("/dev/kvm", 0x4|0x2) == nil // R_OK|W_OK
	if rel, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		h.WSL1 = strings.HasSuffix(strings.TrimSpace(string(rel)), "-Microsoft")
	}
	h.X86Levels = x86Levels(cpuFlags())
}

// onlineCPUs counts the CPUs listed in /sys/devices/system/cpu/online
// ("0-3,5"), which is what glibc's get_nprocs (behind
// std::thread::hardware_concurrency) reads. It returns 0 if unknown.
func onlineCPUs() int {
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		return 0
	}
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err1 := strconv.Atoi(lo)
		z := a
		var err2 error
		if isRange {
			z, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || z < a {
			return 0
		}
		n += z - a + 1
	}
	return n
}

// cgroupCPUs is CppNix's getMaxCPU: the cpu.max quota of our cgroup v2,
// divided by the period and rounded up; 0 if there is none.
func cgroupCPUs() int {
	mounts, err := os.ReadFile("/proc/mounts")
	if err != nil {
		return 0
	}
	fsDir := ""
	for _, line := range strings.Split(string(mounts), "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[2] == "cgroup2" {
			fsDir = f[1]
			break
		}
	}
	self, err := os.ReadFile("/proc/self/cgroup")
	if fsDir == "" || err != nil {
		return 0
	}
	group := ""
	for _, line := range strings.Split(string(self), "\n") {
		if rest, ok := strings.CutPrefix(line, "0::"); ok {
			group = rest
		}
	}
	if group == "" {
		return 0
	}
	b, err := os.ReadFile(fsDir + "/" + group + "/cpu.max")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || f[0] == "max" {
		return 0
	}
	quota, err1 := strconv.Atoi(f[0])
	period, err2 := strconv.ParseFloat(f[1], 32)
	if err1 != nil || err2 != nil || period == 0 {
		return 0
	}
	return int(math.Ceil(float64(quota) / period))
}

// cpuFlags returns the feature flags of the first CPU in /proc/cpuinfo.
func cpuFlags() map[string]bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, val, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(name) == "flags" {
			flags := map[string]bool{}
			for _, f := range strings.Fields(val) {
				flags[f] = true
			}
			return flags
		}
	}
	return nil
}
