// Command winehome runs a Windows program with %USERPROFILE% set to %HOME%,
// for the language suite under Wine (.ci/windows).
//
// The suite gives the implementation under test HOME=/fake-home. CppNix on
// Windows, and nixgo there, take the home directory from %USERPROFILE%
// instead, which Wine sets to its own profile directory for every process
// started from Unix, whatever the Unix environment says. A process started
// by a Windows process gets the environment it is given, so this launcher,
// run under Wine with WINEHOME=$HOME (Wine passes WINEHOME on as HOME),
// starts the program with USERPROFILE=%HOME%, as a Windows user whose
// profile is that directory would run it.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: winehome PROGRAM [ARG...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if home, ok := os.LookupEnv("HOME"); ok {
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(strings.ToUpper(kv), "USERPROFILE=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, "USERPROFILE="+home)
	}
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "winehome:", err)
		os.Exit(127)
	}
}
