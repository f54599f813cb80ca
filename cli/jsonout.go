// This file prints JSON as CppNix's commands do with nlohmann::json: object
// keys sorted bytewise, compact (dump()) or indented (dump(2)), strings
// escaped as that library does.

package cli

import (
	"sort"
	"strconv"
	"strings"

	"github.com/nixgo/nixgo/format/nlohmann"
)

// jsonObject is a JSON object; its keys are printed sorted, as
// nlohmann::json's std::map.
type jsonObject map[string]any

// jsonNull is JSON's null.
type jsonNull struct{}

// dumpJSON renders v as nlohmann::json::dump(indent): indent < 0 is
// compact. Values are jsonObject, []any, []string, string, bool, int,
// int64, uint64 and jsonNull (nil too). It fails on strings that are not
// UTF-8, as the library does.
func dumpJSON(v any, indent int) (string, error) {
	d := jsonDumper{indent: indent}
	if err := d.value(v, 0); err != nil {
		return "", err
	}
	return string(d.b), nil
}

type jsonDumper struct {
	b      []byte
	indent int
}

func (d *jsonDumper) newline(depth int) {
	if d.indent >= 0 {
		d.b = append(d.b, '\n')
		d.b = append(d.b, strings.Repeat(" ", depth*d.indent)...)
	}
}

func (d *jsonDumper) value(v any, depth int) error {
	var err error
	switch x := v.(type) {
	case nil, jsonNull:
		d.b = append(d.b, "null"...)
	case bool:
		d.b = strconv.AppendBool(d.b, x)
	case int:
		d.b = strconv.AppendInt(d.b, int64(x), 10)
	case int64:
		d.b = strconv.AppendInt(d.b, x, 10)
	case uint64:
		d.b = strconv.AppendUint(d.b, x, 10)
	case string:
		d.b, err = nlohmann.AppendString(d.b, x)
	case []string:
		l := make([]any, len(x))
		for i, s := range x {
			l[i] = s
		}
		return d.value(l, depth)
	case []any:
		if len(x) == 0 {
			d.b = append(d.b, "[]"...)
			return nil
		}
		d.b = append(d.b, '[')
		for i, e := range x {
			if i > 0 {
				d.b = append(d.b, ',')
			}
			d.newline(depth + 1)
			if err := d.value(e, depth+1); err != nil {
				return err
			}
		}
		d.newline(depth)
		d.b = append(d.b, ']')
	case jsonObject:
		if len(x) == 0 {
			d.b = append(d.b, "{}"...)
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d.b = append(d.b, '{')
		for i, k := range keys {
			if i > 0 {
				d.b = append(d.b, ',')
			}
			d.newline(depth + 1)
			if d.b, err = nlohmann.AppendString(d.b, k); err != nil {
				return err
			}
			d.b = append(d.b, ':')
			if d.indent >= 0 {
				d.b = append(d.b, ' ')
			}
			if err := d.value(x[k], depth+1); err != nil {
				return err
			}
		}
		d.newline(depth)
		d.b = append(d.b, '}')
	default:
		panic("dumpJSON: unsupported value")
	}
	return err
}
