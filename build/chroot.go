// This file prepares the root directory of a Linux sandbox as CppNix's
// startBuilder does: the directories bind-mounted into it (sandbox-paths,
// extra-sandbox-paths, the build directory, the input closure, a minimal
// /dev, and for fixed-output derivations the files name resolution needs),
// and the files written into it (/etc/passwd, /etc/group, /etc/hosts).

package build

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nixgo/nixgo/build/sandbox"
	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// sandboxUID and sandboxGID are the builder's ids inside the sandbox.
const (
	sandboxUID = 1000
	sandboxGID = 100
)

// prepareChroot creates the chroot and computes what is mounted into it.
func (b *localBuild) prepareChroot() error {
	w := b.w
	binds := map[string]sandbox.Bind{}
	for _, i := range b.cfg.Strings("sandbox-paths") {
		if i == "" {
			continue
		}
		optional := strings.HasSuffix(i, "?")
		i = strings.TrimSuffix(i, "?")
		target, source := i, i
		if k := strings.IndexByte(i, '='); k >= 0 {
			target, source = i[:k], i[k+1:]
		}
		binds[target] = sandbox.Bind{Target: target, Source: source, Optional: optional}
	}
	if strings.HasPrefix(string(w.dir), b.tmpDirInSandbox) {
		return fmt.Errorf("`sandbox-build-dir` must not contain the storeDir")
	}
	binds[b.tmpDirInSandbox] = sandbox.Bind{Target: b.tmpDirInSandbox, Source: b.tmpDir}

	// The closures of store paths among the sandbox paths.
	var roots []storepath.StorePath
	for _, bd := range binds {
		if w.dir.IsInStore(bd.Source) {
			if p, _, err := w.dir.ToStorePath(bd.Source); err == nil {
				if ok, _ := w.s.IsValidPath(w.ctx, p); ok {
					roots = append(roots, p)
				}
			}
		}
	}
	if len(roots) > 0 {
		closure, err := store.Closure(w.ctx, w.s, roots, store.ClosureOptions{})
		if err != nil {
			return fmt.Errorf("%w (while processing 'sandbox-paths')", err)
		}
		for _, p := range closure {
			binds[b.path(p)] = sandbox.Bind{Target: b.path(p), Source: w.s.RealPath(p)}
		}
	}

	impure, _, err := b.p.stringsAttr("__impureHostDeps")
	if err != nil {
		return err
	}
	allowed := b.cfg.Strings("allowed-impure-host-deps")
	for _, i := range impure {
		found := false
		ci := filepath.Clean(i)
		for _, a := range allowed {
			ca := filepath.Clean(a)
			if ci == ca || strings.HasPrefix(ci, ca+"/") {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("derivation '%s' requested impure path '%s', but it was not in allowed-impure-host-deps", b.drvPathS(), i)
		}
		binds[i] = sandbox.Bind{Target: i, Source: i, Optional: true}
	}

	b.chrootParentDir = w.s.RealPath(b.g.drvPath) + ".chroot"
	if err := w.s.DeletePath(b.chrootParentDir); err != nil {
		return err
	}
	if err := os.Mkdir(b.chrootParentDir, 0o700); err != nil {
		return fmt.Errorf("cannot create '%s': %w", b.chrootParentDir, syserr.Unwrap(err))
	}
	root := b.chrootParentDir + "/root"
	b.chrootRootDir = root
	if err := os.Mkdir(root, 0o750); err != nil {
		return fmt.Errorf("cannot create '%s': %w", root, syserr.Unwrap(err))
	}
	if err := mkdirMode(root+"/tmp", 0o1777); err != nil {
		return err
	}
	if err := os.MkdirAll(root+"/etc", 0o755); err != nil {
		return err
	}
	files := map[string]string{
		"/etc/group": fmt.Sprintf("root:x:0:\nnixbld:!:%d:\nnogroup:x:65534:\n", sandboxGID),
		"/etc/passwd": fmt.Sprintf("root:x:0:0:Nix build user:%[3]s:/noshell\nnixbld:x:%[1]d:%[2]d:Nix build user:%[3]s:/noshell\nnobody:x:65534:65534:Nobody:/:/noshell\n",
			sandboxUID, sandboxGID, b.cfg.String("sandbox-build-dir")),
	}
	if b.g.dtype.IsSandboxed() {
		files["/etc/hosts"] = "127.0.0.1 localhost\n::1 localhost\n"
	}
	storeDir := root + string(w.dir)
	if err := os.MkdirAll(storeDir, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(storeDir, 0o775|os.ModeSticky); err != nil {
		return err
	}
	for p := range b.inputPaths {
		binds[b.path(p)] = sandbox.Bind{Target: b.path(p), Source: w.s.RealPath(p)}
	}
	for _, name := range b.drv.OutputNames() {
		if op := b.drv.Outputs[name].Path; !op.IsZero() {
			delete(binds, b.path(op))
		}
	}

	var devs []string
	if _, ok := binds["/dev"]; !ok {
		for _, d := range []string{"/dev/shm", "/dev/pts"} {
			if err := os.MkdirAll(root+d, 0o755); err != nil {
				return err
			}
		}
		devs = append(devs, "/dev/full")
		if contains(b.cfg.Strings("system-features"), "kvm") && exists("/dev/kvm") {
			devs = append(devs, "/dev/kvm")
		}
		devs = append(devs, "/dev/null", "/dev/random", "/dev/tty", "/dev/urandom", "/dev/zero")
		for link, target := range map[string]string{"/dev/fd": "/proc/self/fd", "/dev/stdin": "/proc/self/fd/0",
			"/dev/stdout": "/proc/self/fd/1", "/dev/stderr": "/proc/self/fd/2"} {
			if err := os.Symlink(target, root+link); err != nil {
				return err
			}
		}
	}
	if !b.g.dtype.IsSandboxed() {
		files["/etc/nsswitch.conf"] = "hosts: files dns\nservices: files\n"
		for _, p := range []string{"/etc/resolv.conf", "/etc/services", "/etc/hosts"} {
			if exists(p) {
				devs = append(devs, p)
			}
		}
		if ca := b.cfg.String("ssl-cert-file"); ca != "" && exists(ca) {
			if _, ok := binds["/etc/ssl/certs/ca-certificates.crt"]; !ok {
				binds["/etc/ssl/certs/ca-certificates.crt"] = sandbox.Bind{Target: "/etc/ssl/certs/ca-certificates.crt", Source: resolved(ca), Optional: true}
			}
		}
	}
	for _, d := range devs {
		if _, ok := binds[d]; !ok {
			binds[d] = sandbox.Bind{Target: d, Source: resolved(d)}
		}
	}
	for name, text := range files {
		if err := os.WriteFile(root+name, []byte(text), 0o644); err != nil {
			return err
		}
	}
	b.binds = binds
	return nil
}

// resolved returns p with its symlinks resolved (CppNix's canonPath(p,
// true)), or p if that fails.
func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// mkdirMode creates a directory with exactly mode (umask aside).
func mkdirMode(p string, mode os.FileMode) error {
	if err := os.MkdirAll(p, 0o755); err != nil {
		return err
	}
	m := mode & 0o777
	if mode&0o1000 != 0 {
		m |= os.ModeSticky
	}
	return os.Chmod(p, m)
}
