// Talking to a running garbage collector through its socket (Unix).

//go:build unix

package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"time"
)

// sendRootToCollector sends a root to the collector listening on socket
// and waits for its acknowledgement. It returns false when the collector
// is not (or no longer) listening, after a short pause: the caller then
// tries the GC lock again.
func sendRootToCollector(ctx context.Context, socket, root string) (bool, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ENOENT) {
			time.Sleep(100 * time.Millisecond)
			return false, nil
		}
		return false, fmt.Errorf("connecting to '%s': %w", socket, err)
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
