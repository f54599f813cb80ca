// This file implements instantiation, nix-instantiate without --eval: the
// derivations a value contains are found as CppNix's getDerivations does
// (derivations, attribute sets marked recurseForDerivations, lists,
// functions called with the automatic arguments), their .drv files are
// already in the store (derivationStrict wrote them), and their paths are
// printed, with "!output" when the output is not "out", or registered as GC
// roots with --add-root.

package cli

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/storepath"
	"github.com/nixgo/nixgo/lang/eval"
	"github.com/nixgo/nixgo/lang/token"
	"github.com/nixgo/nixgo/store"
)

// packageInfo is a derivation found in a value (CppNix's PackageInfo),
// reduced to what nix-instantiate needs.
type packageInfo struct {
	attrPath string
	attrs    *eval.Attrs
}

// instantiateState is what instantiation keeps across the expressions and
// attribute paths of one run (CppNix's static rootNr and the warning once).
type instantiateState struct {
	rootNr   int
	gcWarned bool
	storeDir storepath.Dir
	gcRooter store.GCRooter
}

const instantiateStateKey = "cli.instantiate"

func instantiation(st *eval.State) *instantiateState {
	if s, ok := st.Cache[instantiateStateKey].(*instantiateState); ok {
		return s
	}
	s := &instantiateState{storeDir: storepath.Dir(st.StoreDir)}
	if a, ok := st.Store.(interface{ Store() store.Store }); ok {
		s.storeDir = a.Store().Dir()
		if _, local := a.Store().(store.LocalFS); local {
			s.gcRooter, _ = a.Store().(store.GCRooter)
		}
	}
	st.Cache[instantiateStateKey] = s
	return s
}

// instantiateValue prints the derivations of v, registering roots with
// --add-root. It runs inside st.Eval: errors are raised.
func (e *env) instantiateValue(st *eval.State, a *instantiateArgs, autoArgs *eval.Attrs, v eval.Value) {
	var drvs []packageInfo
	getDerivations(st, v, "", autoArgs, &drvs, map[*eval.Attrs]bool{})
	is := instantiation(st)
	for _, d := range drvs {
		drvPath := d.requireDrvPath(st)
		shown := drvPath
		outputName := d.queryOutputName(st)
		if outputName == "" {
			st.Errorf(eval.EvalError, token.NoPos, "derivation '%s' lacks an 'outputName' attribute", drvPath)
		}
		if a.gcRoot == "" {
			if !is.gcWarned {
				is.gcWarned = true
				if !e.noGCWarning {
					e.log.warn("you did not specify '--add-root'; the result might be removed by the garbage collector")
				}
			}
		} else {
			rootName := absPath(a.gcRoot)
			if is.rootNr++; is.rootNr > 1 {
				rootName += "-" + strconv.Itoa(is.rootNr)
			}
			if is.gcRooter != nil {
				p, err := is.storeDir.Parse(drvPath)
				if err != nil {
					st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
				}
				root, err := is.gcRooter.AddPermRoot(context.Background(), p, rootName)
				if err != nil {
					st.Errorf(eval.EvalError, token.NoPos, "%s", err.Error())
				}
				shown = root
			}
		}
		if outputName != "out" {
			shown += "!" + outputName
		}
		fmt.Fprintln(e.stdout, shown)
	}
}

// attrNameRegexp matches the attribute names getDerivations descends into.
var attrNameRegexp = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9\-_+]*$`)

// getDerivations collects the derivations of vIn (CppNix's getDerivations):
// vIn is called with the automatic arguments if it is a function; a
// derivation is collected once; the attributes of other sets are searched
// in name order, each collected if it is a derivation and searched itself if
// it is a set with recurseForDerivations = true (or if the set has
// _combineChannels); list elements likewise.
func getDerivations(st *eval.State, vIn eval.Value, pathPrefix string, autoArgs *eval.Attrs, drvs *[]packageInfo, done map[*eval.Attrs]bool) {
	v := st.AutoCall(autoArgs, vIn)
	if !getDerivation(st, v, pathPrefix, drvs, done) {
		return
	}
	v = st.Force(v, token.NoPos)
	switch v := v.(type) {
	case *eval.Attrs:
		combineChannels := v.Get(st.Sym("_combineChannels")) != nil
		attrs := slices.Clone(v.All())
		slices.SortFunc(attrs, func(x, y eval.Attr) int {
			return strings.Compare(st.Symbols.Name(x.Name), st.Symbols.Name(y.Name))
		})
		recurseSym := st.Sym("recurseForDerivations")
		for _, at := range attrs {
			name := st.Symbols.Name(at.Name)
			if !attrNameRegexp.MatchString(name) {
				continue
			}
			st.PushTrace(at.Pos, "while evaluating the attribute '"+name+"'")
			prefix := addToPath(pathPrefix, name)
			if combineChannels {
				getDerivations(st, at.Value, prefix, autoArgs, drvs, done)
			} else if getDerivation(st, at.Value, prefix, drvs, done) {
				if set, ok := st.Force(at.Value, token.NoPos).(*eval.Attrs); ok {
					if r := set.Get(recurseSym); r != nil && st.ForceBool(r.Value, r.Pos, "while evaluating the attribute `recurseForDerivations`") {
						getDerivations(st, set, prefix, autoArgs, drvs, done)
					}
				}
			}
			st.PopTrace()
		}
	case *eval.List:
		for i, elem := range v.Elems {
			prefix := addToPath(pathPrefix, strconv.Itoa(i))
			if getDerivation(st, elem, prefix, drvs, done) {
				getDerivations(st, elem, prefix, autoArgs, drvs, done)
			}
		}
	default:
		st.Errorf(eval.TypeError, token.NoPos, "expression does not evaluate to a derivation (or a set or list of those)")
	}
}

// getDerivation collects v if it is a derivation not seen yet, and reports
// whether it makes sense to search v further (it is not a derivation).
func getDerivation(st *eval.State, v eval.Value, attrPath string, drvs *[]packageInfo, done map[*eval.Attrs]bool) bool {
	v = st.Force(v, st.DeterminePos(v, token.NoPos))
	if !st.IsDerivation(v) {
		return true
	}
	attrs := v.(*eval.Attrs)
	if done[attrs] {
		return false
	}
	done[attrs] = true
	d := packageInfo{attrPath: attrPath, attrs: attrs}
	d.queryName(st)
	*drvs = append(*drvs, d)
	return false
}

// queryName forces the derivation's name.
func (d packageInfo) queryName(st *eval.State) string {
	a := d.attrs.Get(st.SymName())
	if a == nil {
		st.Errorf(eval.TypeError, token.NoPos, "derivation name missing")
	}
	return st.ForceStringNoCtx(a.Value, token.NoPos, "while evaluating the 'name' attribute of a derivation")
}

// requireDrvPath returns the derivation's drvPath.
func (d packageInfo) requireDrvPath(st *eval.State) string {
	a := d.attrs.Get(st.SymDrvPath())
	if a == nil {
		st.Errorf(eval.EvalError, token.NoPos, "derivation does not contain a 'drvPath' attribute")
	}
	var ctx eval.Context
	p := st.CoerceToStorePath(a.Pos, a.Value, &ctx, "while evaluating the 'drvPath' attribute of a derivation")
	if sp, err := storepath.Dir(st.StoreDir).Parse(p); err == nil && !sp.IsDerivation() {
		st.ErrorWithTrace(eval.EvalError, token.NoPos, a.Pos, "while evaluating the 'drvPath' attribute of a derivation",
			"store path '%s' is not a valid derivation path", sp.Base())
	}
	return p
}

// queryOutputName returns the derivation's outputName, or "".
func (d packageInfo) queryOutputName(st *eval.State) string {
	a := d.attrs.Get(st.Sym("outputName"))
	if a == nil {
		return ""
	}
	return st.ForceStringNoCtx(a.Value, token.NoPos, "while evaluating the output name of a derivation")
}

func addToPath(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}
