// Experimental features: names, their CppNix order, and the missing-feature error.

package config

import "fmt"

// Feature names an experimental feature, as written in
// `experimental-features` (e.g. "nix-command").
type Feature string

// The experimental features CppNix 2.26 knows, in CppNix's enum order
// (which is the order of the JSON array in `nix config show --json`).
const (
	CaDerivations         Feature = "ca-derivations"
	ImpureDerivations     Feature = "impure-derivations"
	Flakes                Feature = "flakes"
	FetchTree             Feature = "fetch-tree"
	NixCommand            Feature = "nix-command"
	GitHashing            Feature = "git-hashing"
	RecursiveNix          Feature = "recursive-nix"
	NoURLLiterals         Feature = "no-url-literals"
	FetchClosure          Feature = "fetch-closure"
	AutoAllocateUIDs      Feature = "auto-allocate-uids"
	Cgroups               Feature = "cgroups"
	DaemonTrustOverride   Feature = "daemon-trust-override"
	DynamicDerivations    Feature = "dynamic-derivations"
	ParseTOMLTimestamps   Feature = "parse-toml-timestamps"
	ReadOnlyLocalStore    Feature = "read-only-local-store"
	LocalOverlayStore     Feature = "local-overlay-store"
	ConfigurableImpureEnv Feature = "configurable-impure-env"
	MountedSSHStore       Feature = "mounted-ssh-store"
	VerifiedFetches       Feature = "verified-fetches"
	PipeOperators         Feature = "pipe-operators"
)

// FeatureInfo describes one experimental feature.
type FeatureInfo struct {
	Feature     Feature
	Summary     string // first sentence of CppNix's documentation
	TrackingURL string
}

// features lists every feature in CppNix's enum order.
var features = []FeatureInfo{
	{CaDerivations, "Allow derivations to be content-addressed.", "https://github.com/NixOS/nix/milestone/35"},
	{ImpureDerivations, "Allow derivations to produce non-fixed outputs by setting `__impure = true`.", "https://github.com/NixOS/nix/milestone/42"},
	{Flakes, "Enable flakes.", "https://github.com/NixOS/nix/milestone/27"},
	{FetchTree, "Enable the `fetchTree` built-in function.", "https://github.com/NixOS/nix/milestone/31"},
	{NixCommand, "Enable the new `nix` subcommands.", "https://github.com/NixOS/nix/milestone/28"},
	{GitHashing, "Allow store objects hashed with Git's hashing algorithm.", "https://github.com/NixOS/nix/milestone/41"},
	{RecursiveNix, "Allow derivation builders to call Nix.", "https://github.com/NixOS/nix/milestone/47"},
	{NoURLLiterals, "Disallow unquoted URLs in the Nix language.", "https://github.com/NixOS/nix/milestone/44"},
	{FetchClosure, "Enable the `fetchClosure` built-in function.", "https://github.com/NixOS/nix/milestone/40"},
	{AutoAllocateUIDs, "Allow Nix to pick UIDs for builds automatically.", "https://github.com/NixOS/nix/milestone/34"},
	{Cgroups, "Allow Nix to execute builds inside cgroups.", "https://github.com/NixOS/nix/milestone/36"},
	{DaemonTrustOverride, "Allow forcing trusting or not trusting clients with `nix-daemon`.", "https://github.com/NixOS/nix/milestone/38"},
	{DynamicDerivations, "Allow dynamic derivations.", "https://github.com/NixOS/nix/milestone/39"},
	{ParseTOMLTimestamps, "Allow parsing of timestamps in `builtins.fromTOML`.", "https://github.com/NixOS/nix/milestone/45"},
	{ReadOnlyLocalStore, "Allow the `read-only` parameter in local store URIs.", "https://github.com/NixOS/nix/milestone/46"},
	{LocalOverlayStore, "Allow the local overlay store.", "https://github.com/NixOS/nix/milestone/50"},
	{ConfigurableImpureEnv, "Allow the `impure-env` setting.", "https://github.com/NixOS/nix/milestone/37"},
	{MountedSSHStore, "Allow the mounted SSH store.", "https://github.com/NixOS/nix/milestone/43"},
	{VerifiedFetches, "Enable verification of git commit signatures in `fetchGit`.", "https://github.com/NixOS/nix/milestone/48"},
	{PipeOperators, "Add the `|>` and `<|` operators to the Nix language.", "https://github.com/NixOS/nix/milestone/55"},
}

// featureIndex maps a feature name to its position in features.
var featureIndex = func() map[Feature]int {
	m := make(map[Feature]int, len(features))
	for i, f := range features {
		m[f.Feature] = i
	}
	return m
}()

// AllFeatures returns every experimental feature in CppNix's order.
func AllFeatures() []FeatureInfo {
	return append([]FeatureInfo(nil), features...)
}

// ParseFeature reports whether name is a known experimental feature.
func ParseFeature(name string) (Feature, bool) {
	_, ok := featureIndex[Feature(name)]
	return Feature(name), ok
}

// MissingFeatureError is returned when an operation needs an experimental
// feature that is not enabled.
type MissingFeatureError struct {
	Feature Feature
}

func (e *MissingFeatureError) Error() string {
	return fmt.Sprintf("experimental Nix feature '%[1]s' is disabled; add '--extra-experimental-features %[1]s' to enable it", e.Feature)
}
