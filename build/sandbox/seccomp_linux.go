// This file holds the system call filter of the sandbox (CppNix's
// setupSeccomp): builders may not make files setuid or setgid (chmod,
// fchmod, fchmodat, fchmodat2 fail with EPERM when the mode has S_ISUID or
// S_ISGID) nor use extended attributes ({,l,f}{get,set}xattr fail with
// ENOTSUP), for the native architecture and its 32-bit companion. The
// filter is a classic BPF program assembled here; the helper installs it on
// itself (all its threads) before starting the builder, which inherits it.

package sandbox

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Architectures as the kernel reports them to seccomp (AUDIT_ARCH_*).
const (
	auditArchX86_64  = 0xC000003E
	auditArchI386    = 0x40000003
	auditArchAArch64 = 0xC00000B7
	auditArchARM     = 0x40000028
	x32SyscallBit    = 0x40000000
)

// syscallSet names the filtered system calls of one architecture:
// chmod-like calls with the index of their mode argument, and the extended
// attribute calls.
type syscallSet struct {
	arch   uint32
	chmods [][2]uint32 // number, mode argument
	xattrs []uint32
}

var seccompSets = map[string][]syscallSet{
	"amd64": {
		{arch: auditArchX86_64,
			chmods: [][2]uint32{{90, 1}, {91, 1}, {268, 2}, {452, 2},
				{x32SyscallBit | 90, 1}, {x32SyscallBit | 91, 1}, {x32SyscallBit | 268, 2}, {x32SyscallBit | 452, 2}},
			xattrs: []uint32{191, 192, 193, 188, 189, 190,
				x32SyscallBit | 191, x32SyscallBit | 192, x32SyscallBit | 193, x32SyscallBit | 188, x32SyscallBit | 189, x32SyscallBit | 190}},
		{arch: auditArchI386,
			chmods: [][2]uint32{{15, 1}, {94, 1}, {306, 2}, {452, 2}},
			xattrs: []uint32{229, 230, 231, 226, 227, 228}},
	},
	"arm64": {
		{arch: auditArchAArch64,
			chmods: [][2]uint32{{52, 1}, {53, 2}, {452, 2}},
			xattrs: []uint32{8, 9, 10, 5, 6, 7}},
		{arch: auditArchARM,
			chmods: [][2]uint32{{15, 1}, {94, 1}, {333, 2}, {452, 2}},
			xattrs: []uint32{229, 230, 231, 226, 227, 228}},
	},
}

// BPF opcodes and seccomp return values.
const (
	bpfLdAbs   = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	bpfJeq     = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	bpfJset    = unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K
	bpfRet     = unix.BPF_RET | unix.BPF_K
	retAllow   = 0x7fff0000
	retErrno   = 0x00050000
	offNr      = 0
	offArch    = 4
	offArgs    = 16
	setidBits  = unix.S_ISUID | unix.S_ISGID
	errnoPerm  = uint32(unix.EPERM)
	errnoNoSup = uint32(unix.ENOTSUP)
)

// seccompProgram assembles the filter for sets.
func seccompProgram(sets []syscallSet) []unix.SockFilter {
	var prog []unix.SockFilter
	emit := func(code uint16, jt, jf uint8, k uint32) {
		prog = append(prog, unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k})
	}
	for _, set := range sets {
		// The rules of one architecture, then ALLOW.
		var body []unix.SockFilter
		add := func(code uint16, jt, jf uint8, k uint32) {
			body = append(body, unix.SockFilter{Code: code, Jt: jt, Jf: jf, K: k})
		}
		add(bpfLdAbs, 0, 0, offNr)
		for _, nr := range set.xattrs {
			add(bpfJeq, 0, 1, nr)
			add(bpfRet, 0, 0, retErrno|errnoNoSup)
		}
		for _, c := range set.chmods {
			// nr == c? load the mode; setid bits? EPERM : ALLOW.
			add(bpfJeq, 0, 4, c[0])
			add(bpfLdAbs, 0, 0, offArgs+8*c[1])
			add(bpfJset, 0, 1, setidBits)
			add(bpfRet, 0, 0, retErrno|errnoPerm)
			add(bpfRet, 0, 0, retAllow)
		}
		add(bpfRet, 0, 0, retAllow)
		emit(bpfLdAbs, 0, 0, offArch)
		emit(bpfJeq, 0, uint8(len(body)), set.arch)
		prog = append(prog, body...)
	}
	emit(bpfRet, 0, 0, retAllow)
	return prog
}

// installSeccomp installs the filter on every thread of this process,
// setting no_new_privs unless allowNewPrivileges.
func installSeccomp(allowNewPrivileges bool) error {
	sets, ok := seccompSets[runtime.GOARCH]
	if !ok {
		return fmt.Errorf("seccomp is not supported on this platform; you can bypass this error by setting the option 'filter-syscalls' to false, but note that untrusted builds can then create setuid binaries!")
	}
	prog := seccompProgram(sets)
	if len(prog) > 255 {
		// Conditional jumps reach 255 instructions at most; the filter
		// is far smaller.
		return fmt.Errorf("seccomp filter too large")
	}
	if !allowNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("unable to set 'no new privileges' seccomp attribute: %s", errnoString(err))
		}
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return fmt.Errorf("unable to load seccomp BPF program: %s", errnoString(e))
	}
	return nil
}
