// This file runs the store conformance suite on the dummy store.

package dummy

import (
	"testing"

	"github.com/nixgo/nixgo/store"
	"github.com/nixgo/nixgo/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) store.Store { return New("/nix/store") })
}
