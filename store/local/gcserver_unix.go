// The collector's roots server (Unix): while a collection runs, processes
// that add temporary roots cannot take the GC lock, so they send the roots
// to <state>/gc-socket/socket, one full store path and a newline at a time,
// and wait for the answer "1" (CppNix 2.26's protocol, which both CppNix's
// and nixgo's AddTempRoot speak). A root being deleted is answered once its
// deletion is over, so that its sender, which then finds it invalid,
// re-creates it.

//go:build unix

package local

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

// serveRoots starts the roots server; stop ends it (the socket file stays,
// as CppNix leaves it: clients then find nobody listening and retry the GC
// lock).
func (s *Store) serveRoots(sh *gcShared, log store.Logger) (stop func(), err error) {
	socket := s.cfg.StateDir + "/gc-socket/socket"
	if err := os.MkdirAll(filepath.Dir(socket), 0o777); err != nil {
		return nil, fmt.Errorf("creating directory '%s': %w", filepath.Dir(socket), syserr.Unwrap(err))
	}
	os.Remove(socket)
	var ln *net.UnixListener
	err = withSocketPath(socket, func(addr string) error {
		l, err := net.Listen("unix", addr)
		if err == nil {
			ln = l.(*net.UnixListener)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("cannot bind to socket at '%s': %w", socket, unwrapNet(err))
	}
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(socket, 0o666); err != nil {
		ln.Close()
		return nil, fmt.Errorf("changing permissions on '%s': %w", socket, syserr.Unwrap(err))
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[net.Conn]bool{}
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // closed by stop
			}
			store.Logf(log, store.LevelDebug, "GC roots server accepted new client")
			mu.Lock()
			conns[conn] = true
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serveRootsClient(conn, sh, log)
				mu.Lock()
				delete(conns, conn)
				mu.Unlock()
				conn.Close()
			}()
		}
	}()
	return func() {
		store.Logf(log, store.LevelDebug, "GC roots server shutting down")
		ln.Close()
		sh.stop()
		mu.Lock()
		for c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}, nil
}

// serveRootsClient answers one client until it hangs up.
func (s *Store) serveRootsClient(conn net.Conn, sh *gcShared, log store.Logger) {
	r := bufio.NewReader(conn)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimSuffix(line, "\n")
		if p, err := s.dir.Parse(line); err == nil {
			store.Logf(log, store.LevelDebug, "got new GC root '%s'", line)
			sh.addTempRoot(p.HashPart())
		} else {
			store.Logf(log, store.LevelError, "received garbage instead of a root from client")
		}
		if _, err := conn.Write([]byte("1")); err != nil {
			return
		}
	}
}
