package blocktest

import (
	"fmt"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// diffStates describes the first difference between the expected and the
// actual state, account by account (addresses in order).
func diffStates(want, got *state.State) string {
	for _, addr := range want.Accounts() {
		if !got.Exist(addr) {
			return fmt.Sprintf("account %x missing", addr)
		}
		if w, g := want.GetNonce(addr), got.GetNonce(addr); w != g {
			return fmt.Sprintf("account %x: nonce %d, want %d", addr, g, w)
		}
		if w, g := want.GetBalance(addr), got.GetBalance(addr); !w.Eq(g) {
			return fmt.Sprintf("account %x: balance %s, want %s", addr, g.Dec(), w.Dec())
		}
		if w, g := want.GetCodeHash(addr), got.GetCodeHash(addr); w != g {
			return fmt.Sprintf("account %x: code hash %x, want %x", addr, g, w)
		}
		var diff string
		want.StorageOf(addr, func(k, v host.Hash) {
			if g := got.GetState(addr, k); diff == "" && g != v {
				diff = fmt.Sprintf("account %x: slot %x is %x, want %x", addr, k, g, v)
			}
		})
		if diff != "" {
			return diff
		}
		got.StorageOf(addr, func(k, v host.Hash) {
			if w := want.GetState(addr, k); diff == "" && w != v {
				diff = fmt.Sprintf("account %x: slot %x is %x, want %x", addr, k, v, w)
			}
		})
		if diff != "" {
			return diff
		}
	}
	for _, addr := range got.Accounts() {
		if !want.Exist(addr) {
			return fmt.Sprintf("account %x should not exist", addr)
		}
	}
	return "no account differs"
}
