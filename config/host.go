// Host: the facts about the machine that CppNix's defaults depend on.

package config

import (
	"runtime"
)

// Host describes the machine, for the defaults CppNix computes at startup
// (`system`, `cores`, `extra-platforms`, `system-features`, `sandbox`,
// `build-users-group`...). DetectHost fills it in for the running
// machine; tests construct one by hand.
type Host struct {
	OS     string // GOOS: "linux", "darwin", "windows"...
	System string // Nix system type, e.g. "x86_64-linux"
	// Concurrency is std::thread::hardware_concurrency(): the number of
	// online CPUs. `max-jobs = auto` uses it.
	Concurrency int
	// CgroupCPUs is the CPU quota of the current cgroup (cgroup v2
	// cpu.max, rounded up), or 0 for none. It takes precedence over
	// Concurrency for the default of `cores`.
	CgroupCPUs int
	Root       bool     // running as root (getuid() == 0); never on Windows
	KVM        bool     // Linux: /dev/kvm is readable and writable
	WSL1       bool     // Linux: the kernel release ends in "-Microsoft"
	X86Levels  []string // Linux: x86-64 micro-architecture levels, e.g. "x86_64-v1"
	AppleVirt  bool     // macOS: virtualisation is available
	Rosetta    bool     // macOS: Rosetta 2 can run x86_64 binaries
	// SandboxShell is the shell CppNix was built with as SANDBOX_SHELL
	// (bind-mounted as /bin/sh in Linux sandboxes), or "".
	SandboxShell string
}

// sandboxShell can be set at link time, as CppNix's SANDBOX_SHELL is at
// compile time:
//
//	go build -ldflags '-X github.com/nixgo/nixgo/config.sandboxShell=/path/to/busybox'
var sandboxShell string

// DetectHost describes the running machine.
func DetectHost() *Host {
	h := &Host{
		OS:           runtime.GOOS,
		System:       NixSystem(runtime.GOARCH, runtime.GOOS),
		Concurrency:  runtime.NumCPU(),
		SandboxShell: sandboxShell,
	}
	detectHost(h) // per-OS details
	return h
}

// defaultCores is CppNix's Settings::getDefaultCores.
func (h *Host) defaultCores() int {
	if h.CgroupCPUs > 0 {
		return h.CgroupCPUs
	}
	return max(1, h.Concurrency)
}

// nixArch maps GOARCH to the CPU part of a Nix system type.
var nixArch = map[string]string{
	"amd64":    "x86_64",
	"386":      "i686",
	"arm64":    "aarch64",
	"arm":      "armv7l",
	"riscv64":  "riscv64",
	"ppc64le":  "powerpc64le",
	"ppc64":    "powerpc64",
	"s390x":    "s390x",
	"mips64le": "mips64el",
	"mips64":   "mips64",
	"mipsle":   "mipsel",
	"mips":     "mips",
	"loong64":  "loongarch64",
}

// NixSystem returns the Nix system type (the default of `system`) for a
// GOARCH and GOOS pair, e.g. "x86_64-linux" or "aarch64-darwin".
func NixSystem(goarch, goos string) string {
	arch, ok := nixArch[goarch]
	if !ok {
		arch = goarch
	}
	return arch + "-" + goos
}
