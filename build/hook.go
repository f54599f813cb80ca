// This file runs the post-build-hook after outputs are registered
// (CppNix's runPostBuildHook): the hook gets DRV_PATH, OUT_PATHS and
// NIX_CONFIG in its environment, and its output is shown as
// "post-build-hook: ..." lines with -L.

package build

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/format/syserr"
	"github.com/nixgo/nixgo/store"
)

func (b *localBuild) runPostBuildHook(outputs map[string]storepath.StorePath) error {
	hook := b.cfg.String("post-build-hook")
	if hook == "" {
		return nil
	}
	w := b.w
	var paths []string
	for _, p := range outputs {
		paths = append(paths, b.path(p))
	}
	act := startActivity(w.log, store.LevelTalkative, ActUnknown, fmt.Sprintf("running post-build-hook '%s'", hook),
		[]Field{Str(b.drvPathS())}, w.actRealise.id)
	defer act.stop()
	cmd := exec.Command(hook)
	cmd.Env = append(os.Environ(),
		"DRV_PATH="+b.drvPathS(),
		"OUT_PATHS="+strings.TrimRight(strings.Join(sortedStrings(paths), " "), " \n"),
		"NIX_CONFIG="+b.cfg.ShowText())
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("executing '%s': %v", hook, syserr.Unwrap(err))
	}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if w.log.IsVerbose() {
			w.log.Log(store.LevelError, "post-build-hook: "+sc.Text())
		}
	}
	if err := cmd.Wait(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return fmt.Errorf("program '%s' failed with exit code %d", hook, ee.ExitCode())
		}
		return err
	}
	return nil
}
