// This file is builtin:fetchurl (CppNix's builtinFetchurl): it downloads
// the derivation's url (http, https or file) to the output, from a hashed
// mirror first for flat fixed outputs, optionally unpacking a NAR or
// making the file executable.

package build

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
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
		body, err := download(client, u, req.NetrcData)
		if err != nil {
			return err
		}
		defer body.Close()
		var r io.Reader = body
		if unpack && strings.HasSuffix(mainURL, ".xz") {
			return fmt.Errorf("unpacking xz-compressed downloads is not supported by nixgo yet")
		}
		if unpack {
			if err := nar.Restore(storePath, r); err != nil {
				return err
			}
		} else {
			f, err := os.OpenFile(storePath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o666)
			if err != nil {
				return fmt.Errorf("opening file '%s': %w", storePath, unwrapPathError(err))
			}
			if _, err := io.Copy(f, r); err != nil {
				f.Close()
				return downloadError(u, err)
			}
			if err := f.Close(); err != nil {
				return err
			}
		}
		if req.Env["executable"] == "1" {
			if err := os.Chmod(storePath, 0o755); err != nil {
				return fmt.Errorf("making '%s' executable: %w", storePath, unwrapPathError(err))
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
		if err != nil {
			return nil, fmt.Errorf("unable to download '%s': Couldn't read a file:// file (37)", rawURL)
		}
		if fi, err := f.Stat(); err == nil && fi.IsDir() {
			f.Close()
			return nil, fmt.Errorf("unable to download '%s': Couldn't read a file:// file (37)", rawURL)
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
			resp.Body.Close()
			return nil, fmt.Errorf("unable to download '%s': HTTP error %d", rawURL, resp.StatusCode)
		}
		return resp.Body, nil
	}
	return nil, fmt.Errorf("unable to download '%s': Unsupported protocol (1)", rawURL)
}

func downloadError(u string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("unable to download '%s': %v", u, err)
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
