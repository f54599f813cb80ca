// This file tests starting builders on Windows: output through the pipe,
// the exit status and its wording, the environment, and killing the job.

package sandbox

import (
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func cmdExe(t *testing.T) string {
	p := os.Getenv("SystemRoot") + `\system32\cmd.exe`
	if _, err := os.Stat(p); err != nil {
		t.Skipf("no cmd.exe: %v", err)
	}
	return p
}

func TestJob(t *testing.T) {
	c := &Command{Path: cmdExe(t), Args: []string{"cmd", "/c", "echo hello %FOO%& exit 3"}, Env: []string{"FOO=bar"}, Dir: t.TempDir()}
	p, err := Start(c)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(p.Output())
	st, err := p.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(out)) != "hello bar" || st.String() != "with exit code 3" {
		t.Errorf("got %q, %s", out, st)
	}
}

func TestJobKill(t *testing.T) {
	c := &Command{Path: cmdExe(t), Args: []string{"cmd", "/c", "echo started& ping -n 60 127.0.0.1 > nul"}, Dir: t.TempDir()}
	p, err := Start(c)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	io.ReadFull(p.Output(), buf)
	start := time.Now()
	p.Kill()
	st, _ := p.Wait()
	if st.OK() || time.Since(start) > 20*time.Second {
		t.Errorf("status %s after %v", st, time.Since(start))
	}
}
