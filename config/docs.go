// Setting descriptions: CppNix's Markdown documentation, embedded from descriptions.json.

package config

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// descriptionsJSON maps setting names to CppNix's description text, as
// `nix config show --json` prints it (captured from CppNix 2.26 on
// Linux, plus the settings that exist only on other platforms).
//
//go:embed descriptions.json
var descriptionsJSON []byte

var descriptions = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	if err := json.Unmarshal(descriptionsJSON, &m); err != nil {
		panic("config: bad descriptions.json: " + err.Error())
	}
	return m
})
