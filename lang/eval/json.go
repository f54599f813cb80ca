// This file converts values to JSON (builtins.toJSON, --json).

package eval

import "github.com/nixgo/nixgo/lang/token"

// ToJSONTop renders v as JSON for nix-instantiate --json.
func (st *State) ToJSONTop(v Value, strict bool, pos token.Pos) string {
	st.Errorf(EvalError, pos, "JSON output is not implemented yet")
	return ""
}

// ToXMLTop renders v as XML for nix-instantiate --xml.
func (st *State) ToXMLTop(v Value, strict, location bool) string {
	st.Errorf(EvalError, token.NoPos, "XML output is not implemented yet")
	return ""
}
