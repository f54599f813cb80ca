// Talking to a running garbage collector through its socket (Unix).

//go:build unix

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"time"
)

// sendRootToCollector sends a root to the collector listening on socket
// and waits for its acknowledgement. It returns false when the collector
// is not (or no longer) listening, after a short pause: the caller then
// tries the GC lock again.
func sendRootToCollector(ctx context.Context, socket, root string) (bool, error) {
	var conn net.Conn
	err := withSocketPath(socket, func(addr string) error {
		var d net.Dialer
		var err error
		conn, err = d.DialContext(ctx, "unix", addr)
		return err
	})
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
			time.Sleep(100 * time.Millisecond)
			return false, nil
		}
		return false, fmt.Errorf("cannot connect to socket at '%s': %w", socket, unwrapNet(err))
	}
	defer conn.Close()
	if _, err := conn.Write([]byte(root + "\n")); err != nil {
		return false, nil
	}
	var ack [1]byte
	if _, err := io.ReadFull(conn, ack[:]); err != nil {
		return false, nil
	}
	if ack[0] != '1' {
		return false, fmt.Errorf("unexpected answer from the garbage collector: %q", ack[0])
	}
	return true, nil
}

// unwrapNet drops the operation and address of a network error.
func unwrapNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}
