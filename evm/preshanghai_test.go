package evm

import (
	"errors"
	"testing"

	"github.com/hybridvm/hybridvm/host"
)

// The deltas between Paris, Shanghai and Cancun, instruction by instruction (the
// differential tests cover them on random programs too).

// TestForkOpcodeAvailability: PUSH0 comes with Shanghai; TLOAD, TSTORE, MCOPY, BLOBHASH and
// BLOBBASEFEE with Cancun. Before, each is an invalid opcode.
func TestForkOpcodeAvailability(t *testing.T) {
	for _, tc := range []struct {
		op    OpCode
		code  []byte
		since host.Fork
	}{
		{PUSH0, asm(PUSH0), host.Shanghai},
		{TLOAD, asm(p(1), TLOAD), host.Cancun},
		{TSTORE, asm(p(1), p(1), TSTORE), host.Cancun},
		{MCOPY, asm(p(1), p(0), p(32), MCOPY), host.Cancun},
		{BLOBHASH, asm(p(0), BLOBHASH), host.Cancun},
		{BLOBBASEFEE, asm(BLOBBASEFEE), host.Cancun},
	} {
		for _, fork := range []host.Fork{host.Paris, host.Shanghai, host.Cancun} {
			res, _ := run(t, fork, tc.code, gasRich, nil)
			var inv *InvalidOpCodeError
			invalid := errors.As(res.Err, &inv) && inv.Op == tc.op
			if invalid != (fork < tc.since) {
				t.Errorf("%v %v: %v (%v), invalid opcode expected: %v", fork, tc.op, res.Status, res.Err, fork < tc.since)
			}
		}
	}
}

// TestEIP3860CreateGas: from Shanghai CREATE and CREATE2 pay 2 gas per initcode word and
// fail on initcode above 49152 bytes; in Paris neither.
func TestEIP3860CreateGas(t *testing.T) {
	const size = 64 // two words of zeros: initcode that stops at once
	for _, op := range []OpCode{CREATE, CREATE2} {
		code := asm(p(size), p(0), p(0), op)
		if op == CREATE2 {
			code = asm(p(0), p(size), p(0), p(0), op)
		}
		for _, fork := range []host.Fork{host.Paris, host.Shanghai} {
			want := uint64(32000 + 3*2) // memory for 64 bytes: 2 words at 3
			if op == CREATE2 {
				want += 6 * 2 // hashing
			}
			if fork >= host.Shanghai {
				want += 2 * 2
			}
			if c := stepCosts(t, fork, code, op); len(c) != 1 || c[0] != want {
				t.Errorf("%v %v: cost %v, want %d", fork, op, c, want)
			}
		}
		big := asm(p(host.MaxInitCodeSize+1), p(0), p(0), op)
		if op == CREATE2 {
			big = asm(p(0), p(host.MaxInitCodeSize+1), p(0), p(0), op)
		}
		for _, fork := range []host.Fork{host.Paris, host.Shanghai} {
			res, _ := run(t, fork, big, gasRich, nil)
			tooBig := errors.Is(res.Err, host.ErrMaxInitCodeSizeExceeded)
			if tooBig != (fork >= host.Shanghai) {
				t.Errorf("%v %v of 49153 bytes: %v (%v)", fork, op, res.Status, res.Err)
			}
		}
	}
}

// TestLegacySelfdestruct: before Cancun SELFDESTRUCT always deletes the account (at the
// end of the transaction), moving its balance, or burning it when the beneficiary is the
// account itself; from Cancun only an account created in the transaction is deleted.
func TestLegacySelfdestruct(t *testing.T) {
	for _, fork := range []host.Fork{host.Paris, host.Shanghai, host.Cancun} {
		for _, toSelf := range []bool{false, true} {
			code := asm(p(testOther1.Big()), SELFDESTRUCT)
			if toSelf {
				code = asm(ADDRESS, SELFDESTRUCT)
			}
			res, h := run(t, fork, code, gasRich, func(h *testHost) {
				h.accounts[testContract].balance.SetUint64(1000)
				h.AddAddressToAccessList(testContract)
			})
			if res.Status != host.StatusSuccess {
				t.Fatalf("%v: %v (%v)", fork, res.Status, res.Err)
			}
			legacy := fork < host.Cancun
			if got := h.HasSelfDestructed(testContract); got != legacy {
				t.Errorf("%v to self %v: destructed %v, want %v", fork, toSelf, got, legacy)
			}
			wantOwn, wantOther := uint64(0), uint64(1000)
			if toSelf {
				wantOther = 0
				if !legacy {
					wantOwn = 1000 // 6780: nothing happens
				}
			}
			if own, other := h.GetBalance(testContract).Uint64(), h.GetBalance(testOther1).Uint64(); own != wantOwn || other != wantOther {
				t.Errorf("%v to self %v: balances %d/%d, want %d/%d", fork, toSelf, own, other, wantOwn, wantOther)
			}
		}
	}
}
