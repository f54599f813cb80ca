// Host detection on macOS: root, virtualisation support, Rosetta 2.

package config

import (
	"os"
	"os/exec"
	"syscall"
)

func detectHost(h *Host) {
	h.Root = os.Getuid() == 0
	h.AppleVirt = hasVirt()
	if h.System == "aarch64-darwin" {
		err := exec.Command("arch", "-arch", "x86_64", "/usr/bin/true").Run()
		h.Rosetta = err == nil
	}
}

// hasVirt is CppNix's hasVirt: virtualisation is supported and we are
// not ourselves running in a virtual machine.
func hasVirt() bool {
	if vmm, err := syscall.SysctlUint32("kern.hv_vmm_present"); err == nil && vmm != 0 {
		return false
	}
	hv, err := syscall.SysctlUint32("kern.hv_support")
	return err == nil && hv == 1
}
