package corpus

import (
	"testing"

	"github.com/hybridvm/hybridvm/riscv"
)

// TestCompressedEncoders checks the random generator's RV64C encoders against the
// project's decoder (itself checked against GNU objdump): each row encodes one
// instruction and states what it must decode to.
func TestCompressedEncoders(t *testing.T) {
	tests := []struct {
		name string
		raw  uint16
		want riscv.Inst
	}{
		{"c.addi a0,-32", cADDI(10, -32), riscv.Inst{Op: riscv.OpADDI, Rd: 10, Rs1: 10, Imm: -32}},
		{"c.addiw a1,31", cADDIW(11, 31), riscv.Inst{Op: riscv.OpADDIW, Rd: 11, Rs1: 11, Imm: 31}},
		{"c.li t0,-1", cLI(5, -1), riscv.Inst{Op: riscv.OpADDI, Rd: 5, Imm: -1}},
		{"c.lui a2,0x1f000 (sign-extended)", cLUI(12, -1), riscv.Inst{Op: riscv.OpLUI, Rd: 12, Imm: -1 << 12}},
		{"c.slli a3,63", cSLLI(13, 63), riscv.Inst{Op: riscv.OpSLLI, Rd: 13, Rs1: 13, Imm: 63}},
		{"c.srli a4,32", cShiftAnd(0, 14, 32), riscv.Inst{Op: riscv.OpSRLI, Rd: 14, Rs1: 14, Imm: 32}},
		{"c.srai a5,1", cShiftAnd(1, 15, 1), riscv.Inst{Op: riscv.OpSRAI, Rd: 15, Rs1: 15, Imm: 1}},
		{"c.andi s0,-5", cShiftAnd(2, 8, -5), riscv.Inst{Op: riscv.OpANDI, Rd: 8, Rs1: 8, Imm: -5}},
		{"c.sub a0,a1", cArith(0, 0, 10, 11), riscv.Inst{Op: riscv.OpSUB, Rd: 10, Rs1: 10, Rs2: 11}},
		{"c.and s1,a5", cArith(0, 3, 9, 15), riscv.Inst{Op: riscv.OpAND, Rd: 9, Rs1: 9, Rs2: 15}},
		{"c.addw a0,s0", cArith(1, 1, 10, 8), riscv.Inst{Op: riscv.OpADDW, Rd: 10, Rs1: 10, Rs2: 8}},
		{"c.mv t1,ra", cMV(6, 1), riscv.Inst{Op: riscv.OpADD, Rd: 6, Rs2: 1}},
		{"c.add t1,ra", cADD(6, 1), riscv.Inst{Op: riscv.OpADD, Rd: 6, Rs1: 6, Rs2: 1}},
		{"c.lw a0,124(s0)", cLoadStore(false, true, 10, 8, 124), riscv.Inst{Op: riscv.OpLW, Rd: 10, Rs1: 8, Imm: 124}},
		{"c.ld a1,248(s1)", cLoadStore(false, false, 11, 9, 248), riscv.Inst{Op: riscv.OpLD, Rd: 11, Rs1: 9, Imm: 248}},
		{"c.sw a2,4(s0)", cLoadStore(true, true, 12, 8, 4), riscv.Inst{Op: riscv.OpSW, Rs1: 8, Rs2: 12, Imm: 4}},
		{"c.sd a3,64(s1)", cLoadStore(true, false, 13, 9, 64), riscv.Inst{Op: riscv.OpSD, Rs1: 9, Rs2: 13, Imm: 64}},
		{"c.lwsp ra,252(sp)", cLoadSP(true, 1, 252), riscv.Inst{Op: riscv.OpLW, Rd: 1, Rs1: 2, Imm: 252}},
		{"c.ldsp t2,504(sp)", cLoadSP(false, 7, 504), riscv.Inst{Op: riscv.OpLD, Rd: 7, Rs1: 2, Imm: 504}},
		{"c.swsp a6,252(sp)", cStoreSP(true, 16, 252), riscv.Inst{Op: riscv.OpSW, Rs1: 2, Rs2: 16, Imm: 252}},
		{"c.sdsp a7,504(sp)", cStoreSP(false, 17, 504), riscv.Inst{Op: riscv.OpSD, Rs1: 2, Rs2: 17, Imm: 504}},
		{"c.beqz a0,+254", cBranchZ(false, 10, 254), riscv.Inst{Op: riscv.OpBEQ, Rs1: 10, Imm: 254}},
		{"c.bnez s1,-256", cBranchZ(true, 9, -256), riscv.Inst{Op: riscv.OpBNE, Rs1: 9, Imm: -256}},
		{"c.j +2046", cJ(2046), riscv.Inst{Op: riscv.OpJAL, Imm: 2046}},
		{"c.j -2048", cJ(-2048), riscv.Inst{Op: riscv.OpJAL, Imm: -2048}},
		{"c.addi4spn a0,sp,1020", cADDI4SPN(10, 1020), riscv.Inst{Op: riscv.OpADDI, Rd: 10, Rs1: 2, Imm: 1020}},
	}
	for _, tt := range tests {
		got := riscv.Decode(uint32(tt.raw))
		want := tt.want
		want.Len, want.Raw = 2, uint32(tt.raw)
		if got != want {
			t.Errorf("%s: %#04x decodes to %+v, want %+v", tt.name, tt.raw, got, want)
		}
	}
}
