// This file is builtin:fetchurl (CppNix's builtinFetchurl): it downloads
// the derivation's url (http, https or file) to the output, from a hashed
// mirror first for flat fixed outputs, optionally unpacking a NAR or
// making the file executable.

package build

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/nixgo/nixgo/format/nar"
	"github.com/nixgo/nixgo/format/syserr"
)

func builtinFetchurl(req *builtinRequest) error {
	if req.NetrcData != "" {
		if err := os.WriteFile("netrc", []byte(req.NetrcData), 0o600); err != nil {
			return err
		}
	}
	if err := os.WriteFile("ca-certificates.crt", []byte(req.CAFileData), 0o600); err != nil {
		return err
	}
	storePath, ok := req.Outputs["out"]
	if !ok {
		return errors.New("'builtin:fetchurl' requires an 'out' output")
	}
	if !req.IsFixed {
		return errors.New("'builtin:fetchurl' must be a fixed-output or impure derivation")
	}
	mainURL := req.Env["url"]
	unpack := req.Env["unpack"] == "1"
	client := httpClient(req)
	fetch := func(u string) error {
		act := jsonActivity(4, 101, fmt.Sprintf("downloading '%s'", u), u)
		body, err := download(client, u, req.NetrcData)
		if err != nil {
			act.stop()
			if unpack {
				return err
			}
			return withTrace(err, "writing file '"+magenta(storePath)+"'")
		}
		defer body.Close()
		var r io.Reader = body
		if unpack && strings.HasSuffix(mainURL, ".xz") {
			act.stop()
			return fmt.Errorf("unpacking xz-compressed downloads is not supported by nixgo yet")
		}
		if unpack {
			err := nar.Restore(storePath, r)
			act.stop()
			if err != nil {
				return err
			}
		} else {
			f, err := os.OpenFile(storePath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o666)
			if err != nil {
				act.stop()
				return fmt.Errorf("opening file '%s': %w", storePath, syserr.Unwrap(err))
			}
			_, err = io.Copy(f, r)
			act.stop()
			if err != nil {
				f.Close()
				return withTrace(downloadError(u, err), "writing file '"+magenta(storePath)+"'")
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
		if req.Env["executable"] == "1" {
			if err := os.Chmod(storePath, 0o755); err != nil {
				return fmt.Errorf("making '%s' executable: %w", storePath, syserr.Unwrap(err))
			}
		}
		return nil
	}
	if req.FixedFlatHash != "" {
		for _, m := range req.HashedMirrors {
			if !strings.HasSuffix(m, "/") {
				m += "/"
			}
			if fetch(m+req.FixedFlatAlgo+"/"+req.FixedFlatHash) == nil {
				return nil
			}
		}
	}
	return fetch(mainURL)
}

// httpClient returns a client trusting the CA bundle of the request (or
// the system's roots when there is none).
func httpClient(req *builtinRequest) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	if req.CAFileData != "" {
		pool := x509.NewCertPool()
		if pool.AppendCertsFromPEM([]byte(req.CAFileData)) {
			tr.TLSClientConfig = &tls.Config{RootCAs: pool}
		}
	}
	if req.ConnectTimeout > 0 {
		d := &net.Dialer{Timeout: time.Duration(req.ConnectTimeout) * time.Second}
		tr.DialContext = d.DialContext
	}
	return &http.Client{Transport: tr}
}

// download opens url for reading.
func download(client *http.Client, rawURL, netrc string) (io.ReadCloser, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("unable to download '%s': URL using bad/illegal format or missing URL (3)", rawURL)
	}
	switch u.Scheme {
	case "file":
		f, err := os.Open(u.Path)
		if err == nil {
			if fi, err := f.Stat(); err == nil && fi.IsDir() {
				f.Close()
				err = errors.New("is a directory")
			}
		}
		if err != nil {
			return nil, curlError(rawURL, "Could not read a file:// file", 37, "Couldn't open file "+u.Path)
		}
		return f, nil
	case "http", "https":
		req, err := http.NewRequest("GET", rawURL, nil)
		if err != nil {
			return nil, downloadError(rawURL, err)
		}
		if login, password, ok := netrcLookup(netrc, u.Hostname()); ok {
			req.SetBasicAuth(login, password)
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, downloadError(rawURL, err)
		}
		if resp.StatusCode != http.StatusOK {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			msg := "unable to " + magenta("download") + " '" + magenta(rawURL) + "': HTTP error " + magenta(fmt.Sprint(resp.StatusCode)) + magenta("")
			if len(body) > 0 && (len(body) < 1024 || strings.Contains(string(body), "<html>")) {
				msg += "\n\nresponse body:\n\n" + magenta(strings.TrimRight(string(body), " \n\r\t"))
			}
			return nil, errors.New(msg)
		}
		return resp.Body, nil
	}
	return nil, curlError(rawURL, "Unsupported protocol", 1, "Protocol \""+u.Scheme+"\" not supported")
}

// curlError is CppNix's message for a failed transfer: curl's description,
// code and error buffer.
func curlError(u, desc string, code int, errbuf string) error {
	return fmt.Errorf("unable to %s '%s': %s (%s) %s", magenta("download"), magenta(u), magenta(desc), magenta(fmt.Sprint(code)), magenta(errbuf))
}

func downloadError(u string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		host := oe.Addr
		hostS, port := "", ""
		if host != nil {
			hostS, port, _ = net.SplitHostPort(host.String())
		}
		return curlError(u, "Could not connect to server", 7,
			fmt.Sprintf("Failed to connect to %s port %s after 0 ms: Could not connect to server", hostS, port))
	}
	return curlError(u, "Failure when receiving data from the peer", 56, err.Error())
}

// magenta highlights an argument of a message as CppNix's HintFmt.
func magenta(s string) string { return "\x1b[35;1m" + s + "\x1b[0m" }

// withTrace adds a trace to an error, as CppNix's addTrace.
func withTrace(err error, trace string) error { return &tracedError{msg: err.Error(), trace: trace} }

// tracedError is an error with one trace, printed as CppNix's what().
type tracedError struct{ msg, trace string }

func (e *tracedError) Error() string { return e.msg }

// errorWhat renders an error as CppNix's Error::what(): a red "error:"
// prefix, the traces, and the other lines indented.
func errorWhat(err error) string {
	const prefix = "\x1b[31;1merror:\x1b[0m "
	body := err.Error() + "\n"
	var te *tracedError
	if errors.As(err, &te) {
		body = "\n\u2026 " + te.trace + "\n\n" + prefix + te.msg + "\n"
	}
	lines := strings.Split(strings.TrimRight(body, "\n"), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = strings.TrimRight(prefix+lines[i], " \t\n\r")
		} else {
			lines[i] = strings.TrimRight("       "+lines[i], " \t\n\r")
		}
	}
	return strings.Join(lines, "\n")
}

// jsonActivity is an activity of a builtin builder, reported to the parent
// as CppNix's JSON logger does ("@nix {...}" lines on stderr).
type builderActivity struct{ id uint64 }

var builderActivityCounter uint64 = 5

func jsonActivity(level, typ int, text, field string) *builderActivity {
	a := &builderActivity{id: uint64(os.Getpid())<<32 + builderActivityCounter}
	builderActivityCounter++
	f, _ := json.Marshal(field)
	t, _ := json.Marshal(text)
	fmt.Fprintf(os.Stderr, "@nix {\"action\":\"start\",\"fields\":[%s],\"id\":%d,\"level\":%d,\"parent\":0,\"text\":%s,\"type\":%d}\n", f, a.id, level, t, typ)
	return a
}

func (a *builderActivity) stop() {
	fmt.Fprintf(os.Stderr, "@nix {\"action\":\"stop\",\"id\":%d}\n", a.id)
}

// netrcLookup finds the login and password for host in a netrc file.
func netrcLookup(netrc, host string) (string, string, bool) {
	if netrc == "" {
		return "", "", false
	}
	sc := bufio.NewScanner(strings.NewReader(netrc))
	sc.Split(bufio.ScanWords)
	var words []string
	for sc.Scan() {
		words = append(words, sc.Text())
	}
	var machine, login, password string
	found := false
	flush := func() bool { return found && (machine == host || machine == "") }
	for i := 0; i < len(words); i++ {
		switch words[i] {
		case "machine", "default":
			if flush() {
				return login, password, true
			}
			machine, login, password = "", "", ""
			found = true
			if words[i] == "machine" && i+1 < len(words) {
				machine = words[i+1]
				i++
			}
		case "login":
			if i+1 < len(words) {
				login = words[i+1]
				i++
			}
		case "password":
			if i+1 < len(words) {
				password = words[i+1]
				i++
			}
		}
	}
	if flush() {
		return login, password, true
	}
	return "", "", false
}
