// This file is the sandbox helper: this executable started again in new
// namespaces (see sandbox_linux.go). It is recognised by its argv[0] in an
// init function, sets up the private root as CppNix's runChild does, starts
// the builder as uid 1000 in a nested user namespace, and reports the
// builder's status.

package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

func init() {
	if len(os.Args) == 0 {
		return
	}
	switch os.Args[0] {
	case helperArg0:
		helperMain()
	case probeArg0:
		probeChild()
	}
}

// helperMain runs the helper: fd 3 carries the spec, fd 4 the report.
func helperMain() {
	rep := os.NewFile(4, "report")
	fail := func(format string, args ...any) {
		fmt.Fprintf(rep, "error %s\n", fmt.Sprintf(format, args...))
		os.Exit(1)
	}
	var spec helperSpec
	specFile := os.NewFile(3, "spec")
	if err := json.NewDecoder(specFile).Decode(&spec); err != nil {
		fail("reading the sandbox specification: %v", err)
	}
	specFile.Close()
	if err := setupSandbox(&spec.Chroot); err != nil {
		fail("%v", err)
	}
	if spec.Chroot.FilterSyscalls {
		// As CppNix without build users, a filter that cannot be
		// installed is no error.
		installSeccomp(spec.Chroot.AllowNewPrivileges)
	}
	cmd, err := builderCmd(&spec)
	if err != nil {
		fail("%v", err)
	}
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_CORE, &rl) == nil {
		rl.Cur = 0
		unix.Setrlimit(unix.RLIMIT_CORE, &rl)
	}
	if err := cmd.Start(); err != nil {
		// The builder could not be executed: it "failed with exit code
		// 1", with the message in its log, as in CppNix.
		io.WriteString(os.Stdout, execFailure(spec.Path, err))
		io.WriteString(rep, "ok\n")
		fmt.Fprintf(rep, "exit %d\n", 1<<8)
		os.Exit(0)
	}
	io.WriteString(rep, "ok\n")
	cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	fmt.Fprintf(rep, "exit %d\n", int(ws))
	os.Exit(0)
}

// builderCmd prepares the builder's process: uid and gid mapped to root of
// the helper's namespace (the calling user outside), a new session,
// stdin /dev/null, output on the helper's own output.
func builderCmd(spec *helperSpec) (*exec.Cmd, error) {
	devNull, err := os.Open("/dev/null")
	if err != nil {
		return nil, fmt.Errorf("cannot open '/dev/null': %v", errnoString(err))
	}
	path, args := spec.Path, spec.Args
	var stdin io.Reader = devNull
	if spec.Builtin != "" {
		// The magic link reaches this executable although it is not
		// inside the new root.
		path, args = builtinCommand("/proc/self/exe")
		stdin = strings.NewReader(spec.Builtin)
	}
	return &exec.Cmd{
		Path:   path,
		Args:   args,
		Env:    spec.Env,
		Dir:    spec.Dir,
		Stdin:  stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		SysProcAttr: &syscall.SysProcAttr{
			Setsid:                     true,
			Cloneflags:                 syscall.CLONE_NEWUSER,
			UidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.Chroot.UID, HostID: 0, Size: 1}},
			GidMappings:                []syscall.SysProcIDMap{{ContainerID: spec.Chroot.GID, HostID: 0, Size: 1}},
			GidMappingsEnableSetgroups: false,
		},
	}, nil
}

// setupSandbox builds the private root and pivots into it.
func setupSandbox(c *Chroot) error {
	if c.PrivateNetwork {
		if err := loopbackUp(); err != nil {
			return err
		}
	}
	if err := unix.Sethostname([]byte("localhost")); err != nil {
		return fmt.Errorf("cannot set host name: %v", errnoString(err))
	}
	if err := unix.Setdomainname([]byte("(none)")); err != nil {
		return fmt.Errorf("cannot set domain name: %v", errnoString(err))
	}
	if err := unix.Mount("", "/", "", unix.MS_PRIVATE|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("unable to make '/' private: %v", errnoString(err))
	}
	root := c.Root
	if err := unix.Mount(root, root, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("unable to bind mount '%s': %v", root, errnoString(err))
	}
	storeDir := root + c.StoreDir
	if err := unix.Mount(storeDir, storeDir, "", unix.MS_BIND, ""); err != nil {
		return fmt.Errorf("unable to bind mount the Nix store: %v", errnoString(err))
	}
	if err := unix.Mount("", storeDir, "", unix.MS_SHARED, ""); err != nil {
		return fmt.Errorf("unable to make '%s' shared: %v", storeDir, errnoString(err))
	}
	for _, b := range c.Binds {
		if b.Source == "/proc" {
			continue
		}
		if err := doBind(b.Source, root+b.Target, b.Optional); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(root+"/proc", 0o755); err != nil {
		return err
	}
	if err := unix.Mount("none", root+"/proc", "proc", 0, ""); err != nil {
		return fmt.Errorf("mounting /proc: %v", errnoString(err))
	}
	if exists("/dev/shm") && exists(root+"/dev/shm") {
		if err := unix.Mount("none", root+"/dev/shm", "tmpfs", 0, "size="+c.ShmSize); err != nil {
			return fmt.Errorf("mounting /dev/shm: %v", errnoString(err))
		}
	}
	if exists("/dev/pts/ptmx") && !exists(root+"/dev/ptmx") && exists(root+"/dev/pts") && !hasBind(c, "/dev/pts") {
		err := unix.Mount("none", root+"/dev/pts", "devpts", 0, "newinstance,mode=0620")
		switch {
		case err == nil:
			if err := os.Symlink("/dev/pts/ptmx", root+"/dev/ptmx"); err != nil {
				return err
			}
			os.Chmod(root+"/dev/pts/ptmx", 0o666)
		case err == unix.EINVAL:
			if err := doBind("/dev/pts", root+"/dev/pts", false); err != nil {
				return err
			}
			if err := doBind("/dev/ptmx", root+"/dev/ptmx", false); err != nil {
				return err
			}
		default:
			return fmt.Errorf("mounting /dev/pts: %v", errnoString(err))
		}
	}
	if err := os.Chmod(root+"/etc", 0o555); err != nil {
		return fmt.Errorf("setting permissions on '%s': %v", root+"/etc", errnoString(err))
	}
	return pivot(root)
}

func hasBind(c *Chroot, target string) bool {
	for _, b := range c.Binds {
		if b.Target == target {
			return true
		}
	}
	return false
}

// pivot makes root the root directory and detaches the old one.
func pivot(root string) error {
	if err := os.Chdir(root); err != nil {
		return fmt.Errorf("cannot change directory to '%s': %v", root, errnoString(err))
	}
	if err := os.Mkdir("real-root", 0o500); err != nil {
		return fmt.Errorf("cannot create real-root directory: %v", errnoString(err))
	}
	if err := unix.PivotRoot(".", "real-root"); err != nil {
		return fmt.Errorf("cannot pivot old root directory onto '%s': %v", root+"/real-root", errnoString(err))
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("cannot change root directory to '%s': %v", root, errnoString(err))
	}
	if err := unix.Unmount("real-root", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("cannot unmount real root filesystem: %v", errnoString(err))
	}
	if err := os.Remove("real-root"); err != nil {
		return fmt.Errorf("cannot remove real-root directory: %v", errnoString(err))
	}
	return nil
}

// doBind makes source appear at target (CppNix's doBind): directories and
// files are bind-mounted, symlinks copied.
func doBind(source, target string, optional bool) error {
	fi, err := os.Lstat(source)
	if err != nil {
		if optional && os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("getting attributes of path '%s': %v", source, errnoString(unwrap(err)))
	}
	bind := func() error {
		if err := unix.Mount(source, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("bind mount from '%s' to '%s' failed: %v", source, target, errnoString(err))
		}
		return nil
	}
	switch {
	case fi.IsDir():
		if err := os.MkdirAll(target, 0o777); err != nil {
			return err
		}
		return bind()
	case fi.Mode()&os.ModeSymlink != 0:
		if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
			return err
		}
		link, err := os.Readlink(source)
		if err != nil {
			return err
		}
		os.Remove(target)
		if err := os.Symlink(link, target); err != nil {
			return err
		}
		// As CppNix's copyFile, the copy keeps the link's times.
		var st unix.Stat_t
		if unix.Lstat(source, &st) == nil {
			unix.UtimesNanoAt(unix.AT_FDCWD, target, []unix.Timespec{st.Atim, st.Mtim}, unix.AT_SYMLINK_NOFOLLOW)
		}
		return nil
	default:
		if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
			return err
		}
		if err := os.WriteFile(target, nil, 0o666); err != nil {
			return err
		}
		return bind()
	}
}

func unwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// loopbackUp brings up the loopback interface of the new network
// namespace.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM, 0)
	if err != nil {
		return fmt.Errorf("cannot open IP socket: %v", errnoString(err))
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	ifr.SetUint16(unix.IFF_UP | unix.IFF_LOOPBACK | unix.IFF_RUNNING)
	if err := unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("cannot set loopback interface flags: %v", errnoString(err))
	}
	return nil
}
