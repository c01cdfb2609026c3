package evm

import (
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// TestSuperinstructions runs one program per fused form (checking that the analysis really
// fused it) at edge values; run also requires the fast loop, which executes the fused form,
// to agree with the traced loop, which executes the original instructions.
func TestSuperinstructions(t *testing.T) {
	big := "0xffffffffffffffffffffffffffffffff00000000000000000000000000000001"
	for _, tc := range []struct {
		name string
		code []byte
		op   uint8
		want string
	}{
		{"ADD immediate wraps", asm(p(minus1), p(2), ADD), iAddImm, "0x1"},
		{"SUB immediate is v - x", asm(p(big), p(1), SUB), iSubImm, "0x100000000000000000000000000000000"},
		{"AND immediate clears high words", asm(p(big), p(0xff), AND), iAndImm, "0x1"},
		{"OR immediate", asm(p(big), p(6), OR), iOrImm, "0xffffffffffffffffffffffffffffffff00000000000000000000000000000007"},
		{"XOR immediate", asm(p(big), p(1), XOR), iXorImm, "0xffffffffffffffffffffffffffffffff00000000000000000000000000000000"},
		{"EQ immediate with a big value", asm(p(big), p(1), EQ), iEqImm, "0x0"},
		{"EQ immediate", asm(p(7), p(7), EQ), iEqImm, "0x1"},
		{"LT immediate: v < big x", asm(p(big), p(5), LT), iLtImm, "0x1"},
		{"LT immediate: v < small x", asm(p(3), p(5), LT), iLtImm, "0x0"},
		{"GT immediate: v > big x", asm(p(big), p(5), GT), iGtImm, "0x0"},
		{"GT immediate", asm(p(3), p(5), GT), iGtImm, "0x1"},
		{"SHL immediate into the second word", asm(p(3), p(63), SHL), iShlImm, "0x18000000000000000"},
		{"SHL immediate of a big value", asm(p(big), p(4), SHL), iShlImm, "0xfffffffffffffffffffffffffffffff000000000000000000000000000000010"},
		{"SHL immediate by 256", asm(p(1), p(256), SHL), iShlImm, "0x0"},
		{"SHR immediate of a big value", asm(p(big), p(128), SHR), iShrImm, "0xffffffffffffffffffffffffffffffff"},
		{"SHR immediate by 64 of a word", asm(p(minus1), p(64), SHR), iShrImm, "0xffffffffffffffffffffffffffffffffffffffffffffffff"},
		{"SHR immediate by 2^40", asm(p(big), p(1<<40), SHR), iShrImm, "0x0"},
		{"AND with a long mask", asm(p(minus1), p("0xffffffffffffffffffffffffffffffffffffffff"), AND), iAndConst, "0xffffffffffffffffffffffffffffffffffffffff"},
		{"PUSH then DUP1", asm(p(9), DUP1, ADD), iPushDup, "0x12"},
		{"PUSH then DUP3", asm(p(4), p(5), p(6), DUP1+2, ADD, ADD, ADD), iPushDup, "0x13"},
		{"SWAP1 POP", asm(p(1), p(2), SWAP1, POP), iSwapPop, "0x2"},
		{"SWAP3 POP", asm(p(1), p(2), p(3), p(4), SWAP1+2, POP, POP, POP), iSwapPop, "0x4"},
		{"POP POP", asm(p(1), p(2), p(3), POP, POP), iPop2, "0x1"},
		{"DUP2 AND", asm(p(0xf0), p(0x3c), NOT, NOT, DUP1+1, AND, ADD), iDupAnd, "0x120"},
		{"DUP2 OR", asm(p(0xf0), p(0x0f), NOT, NOT, DUP1+1, OR, SWAP1, POP), iDupOr, "0xff"},
		{"DUP2 XOR", asm(p(0xff), p(0x0f), NOT, NOT, DUP1+1, XOR, SWAP1, POP), iDupXor, "0xf0"},
		{"DUP2 ADD", asm(p(minus1), p(2), NOT, NOT, DUP1+1, ADD, SWAP1, POP), iDupAdd, "0x1"},
		{"DUP2 SUB is the DUPed item minus top", asm(p(10), p(3), NOT, NOT, DUP1+1, SUB, SWAP1, POP), iDupSub, "0x7"},
		{"PUSH PUSH", asm(p(7), p(9), MUL), iPushPush, "0x3f"},
		{"MLOAD at a constant address, growing memory", asm(p(64), MLOAD, MSIZE, ADD), iMloadImm, "0x60"},
		{"MSTORE at a constant address, growing memory", asm(p(0xab), p(33), MSTORE, p(33), MLOAD), iMstoreImm, "0xab"},
		{"ISZERO PUSH JUMPI taken", asm(PUSH0, ISZERO, p(7), JUMPI, p(1), JUMPDEST, p(2)), iJumpiNot, "0x2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prog := analyse(tc.code, tables()[host.Osaka])
			found := false
			for _, in := range prog.ins {
				found = found || in.op == tc.op
			}
			if !found {
				t.Fatalf("the analysis did not fuse: %v", prog.ins)
			}
			res, _ := run(t, host.Osaka, append(tc.code, retTop()...), gasRich, nil)
			if res.Status != host.StatusSuccess {
				t.Fatalf("%v (%v)", res.Status, res.Err)
			}
			if got := word(res); !got.Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("got %s, want %s", got.Hex(), tc.want)
			}
		})
	}
}

// TestNoFusionAcrossJumpdest: a JUMPDEST between two instructions keeps them apart (a jump
// may land between them).
func TestNoFusionAcrossJumpdest(t *testing.T) {
	prog := analyse(asm(p(1), JUMPDEST, POP, p(2), JUMPDEST, ADD), tables()[host.Cancun])
	for _, in := range prog.ins {
		if in.op == iAddImm || in.op == iPop2 {
			t.Errorf("fused across a JUMPDEST: %v", prog.ins)
		}
	}
}
