// This file evaluates the files the program provides itself under <nix/NAME>
// (CppNix's corepkgs, such as fetchurl.nix), which FindFile returns as the
// path "<nix/NAME>".

package eval

import (
	"strings"

	"github.com/nixgo/nixgo/lang/token"
)

// evalInternalFile evaluates path if it names a registered internal file,
// once per evaluation.
func (st *State) evalInternalFile(path string) (Value, bool) {
	if !strings.HasPrefix(path, "<nix/") || !strings.HasSuffix(path, ">") {
		return nil, false
	}
	src, ok := st.internalFiles[path[len("<nix/"):len(path)-1]]
	if !ok {
		return nil, false
	}
	if v, ok := st.fileEval[path]; ok {
		return v, true
	}
	_, n, err := st.parse(token.OriginInternal, path, []byte(src), "/", st.baseScope)
	if err != nil {
		st.throw(err.(*Error))
	}
	st.frames = append(st.frames, frame{kind: fMsg, msg: "while evaluating the file '" + path + "':"})
	v := n.eval(st, st.baseEnv)
	st.frames = st.frames[:len(st.frames)-1]
	st.fileEval[path] = v
	return v, true
}
