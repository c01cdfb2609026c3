package riscv

import "testing"

func TestWeights(t *testing.T) {
	// docs/abi.md, "Gas": the weight depends on what the instruction does, not on
	// its encoding, so compressed forms cost what their expansions cost.
	tests := []struct {
		name string
		raw  uint32
		want int64
	}{
		{"div is 25", 0x02c5c533, 25},      // div a0,a1,a2
		{"remuw is 25", 0x02c5f53b, 25},    // remuw a0,a1,a2
		{"mul is 5", 0x02c58533, 5},        // mul a0,a1,a2
		{"mulw is 5", 0x02c5853b, 5},       // mulw a0,a1,a2
		{"ld is 3", 0x0085b503, 3},         // ld a0,8(a1)
		{"c.ld is 3", 0x6588, 3},           // c.ld a0,8(a1)
		{"sd is 3", 0x00a5b423, 3},         // sd a0,8(a1)
		{"amoadd.d is 3", 0x00c5b52f, 3},   // amoadd.d a0,a2,(a1)
		{"lr.w is 3", 0x1005a52f, 3},       // lr.w a0,(a1)
		{"beq is 3", 0x00b50463, 3},        // beq a0,a1,+8
		{"c.beqz is 3", 0xc111, 3},         // c.beqz a0,+4
		{"jal is 3", 0x008000ef, 3},        // jal ra,+8
		{"c.jr is 3", 0x8082, 3},           // c.jr ra
		{"addi is 1", 0x00150513, 1},       // addi a0,a0,1
		{"c.addi is 1", 0x0505, 1},         // c.addi a0,1
		{"ecall is 1", 0x00000073, 1},      // ecall
		{"lui is 1", 0x00001537, 1},        // lui a0,0x1
		{"csrr is 1", 0xf1402573, 1},       // csrr a0,mhartid
		{"illegal is 1", 0x00000000, 1},    // c.unimp
		{"fence.i is 1", 0x0000100f, 1},    // fence.i
		{"sraiw is 1", 0x4025d59b, 1},      // sraiw a1,a1,2
		{"c.addi16sp is 1", 0x7139, 1},     // c.addi16sp sp,-64
		{"c.sdsp is 3", 0xe406, 3},         // c.sdsp ra,8(sp)
		{"c.subw is 1", 0x9d09, 1},         // c.subw a0,a0,a0 (rd'=a0, rs2'=a0)
		{"amomaxu.w is 3", 0xe0c5a52f, 3},  // amomaxu.w a0,a2,(a1)
		{"sc.d.aqrl is 3", 0x1ec5b52f, 3},  // sc.d.aqrl a0,a2,(a1)
		{"divuw is 25", 0x02c5d53b, 25},    // divuw a0,a1,a2
		{"mulhsu is 5", 0x02c5a533, 5},     // mulhsu a0,a1,a2
		{"ebreak is 1", 0x00100073, 1},     // ebreak
		{"c.ebreak is 1", 0x9002, 1},       // c.ebreak
		{"auipc is 1", 0x00000517, 1},      // auipc a0,0
		{"c.lwsp is 3", 0x4502, 3},         // c.lwsp a0,0(sp)
		{"c.j is 3", 0xa001, 3},            // c.j .
		{"bgeu is 3", 0x00b57463, 3},       // bgeu a0,a1,+8
		{"jalr is 3", 0x000500e7, 3},       // jalr ra,0(a0)
		{"fence is 1", 0x0ff0000f, 1},      // fence
		{"c.addiw is 1", 0x2505, 1},        // c.addiw a0,1
		{"sltiu is 1", 0x0015b513, 1},      // sltiu a0,a1,1
		{"c.swsp is 3", 0xc02a, 3},         // c.swsp a0,0(sp)
		{"remw is 25", 0x02c5e53b, 25},     // remw a0,a1,a2
		{"c.li is 1", 0x4505, 1},           // c.li a0,1
		{"c.mv is 1", 0x852e, 1},           // c.mv a0,a1
		{"c.add is 1", 0x952e, 1},          // c.add a0,a1
		{"csrrwi is 1", 0x3007d073, 1},     // csrwi mstatus,15
		{"amoswap.w is 3", 0x08c5a52f, 3},  // amoswap.w a0,a2,(a1)
		{"lwu is 3", 0x0085e503, 3},        // lwu a0,8(a1)
		{"sraw is 1", 0x40c5d53b, 1},       // sraw a0,a1,a2
		{"mulhu is 5", 0x02c5b533, 5},      // mulhu a0,a1,a2
		{"sb is 3", 0x00a58023, 3},         // sb a0,0(a1)
		{"c.sw is 3", 0xc188, 3},           // c.sw a0,0(a1)
		{"remu is 25", 0x02c5f533, 25},     // remu a0,a1,a2
		{"c.bnez is 3", 0xe111, 3},         // c.bnez a0,+4
		{"c.jalr is 3", 0x9502, 3},         // c.jalr a0
		{"c.srai is 1", 0x8505, 1},         // c.srai a0,1
		{"c.andi is 1", 0x8905, 1},         // c.andi a0,1
		{"c.lui is 1", 0x6505, 1},          // c.lui a0,1
		{"c.slli is 1", 0x0506, 1},         // c.slli a0,1
		{"c.addi4spn is 1", 0x0028, 1},     // c.addi4spn a0,sp,8
		{"c.lw is 3", 0x4188, 3},           // c.lw a0,0(a1)
		{"c.sd is 3", 0xe188, 3},           // c.sd a0,0(a1)
		{"c.fld is illegal", 0x2188, 1},    // c.fld: no F/D extension
		{"mret is illegal", 0x30200073, 1}, // machine return is not implemented
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Decode(tt.raw)
			if got := in.Weight(); got != tt.want {
				t.Errorf("Decode(0x%x) = %v: weight %d, want %d", tt.raw, in, got, tt.want)
			}
		})
	}
}

func TestEndsBlock(t *testing.T) {
	ends := map[Op]bool{OpJAL: true, OpJALR: true, OpBEQ: true, OpBNE: true, OpBLT: true,
		OpBGE: true, OpBLTU: true, OpBGEU: true, OpECALL: true, OpEBREAK: true, OpFENCEI: true,
		OpIllegal: true}
	for op := Op(0); op < NumOps; op++ {
		if op.EndsBlock() != ends[op] {
			t.Errorf("%v: EndsBlock = %v, want %v", op, op.EndsBlock(), ends[op])
		}
	}
}

func TestDecodeFields(t *testing.T) {
	tests := []struct {
		name string
		raw  uint32
		want Inst
	}{
		{"lui sign-extends bit 31", 0x80000537, Inst{Op: OpLUI, Rd: 10, Imm: -0x80000000}},
		{"jal negative offset", 0xffdff0ef, Inst{Op: OpJAL, Rd: 1, Imm: -4}},
		{"beq max negative offset", 0x80000063, Inst{Op: OpBEQ, Imm: -4096}},
		{"srai shamt 63", 0x43f55513, Inst{Op: OpSRAI, Rd: 10, Rs1: 10, Imm: 63}},
		{"sd negative offset", 0xfea5bc23, Inst{Op: OpSD, Rs1: 11, Rs2: 10, Imm: -8}},
		{"addi max negative", 0x80050513, Inst{Op: OpADDI, Rd: 10, Rs1: 10, Imm: -2048}},
		{"c.addi16sp -512", 0x7101, Inst{Op: OpADDI, Rd: 2, Rs1: 2, Imm: -512}},
		{"c.lui negative", 0x7579, Inst{Op: OpLUI, Rd: 10, Imm: -2 << 12}},
		{"c.j -2048", 0xb001, Inst{Op: OpJAL, Imm: -2048}},
		{"slli with bit 25 set is legal in RV64", 0x02051513, Inst{Op: OpSLLI, Rd: 10, Rs1: 10, Imm: 32}},
		{"slliw with bit 25 set is illegal", 0x0205151b, Inst{Op: OpIllegal}},
		{"lr.w with rs2 set is illegal", 0x1015a52f, Inst{Op: OpIllegal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decode(tt.raw)
			got.Raw, got.Len = 0, 0
			if got != tt.want {
				t.Errorf("Decode(0x%08x) = %+v, want %+v", tt.raw, got, tt.want)
			}
		})
	}
}

// FuzzDecode: no input makes the decoder or the disassembler panic, and the decoded
// length always agrees with Len.
func FuzzDecode(f *testing.F) {
	for _, s := range []uint32{0, 0xffffffff, 0x00000073, 0x0505, 0x8082, 0x1005b52f, 0x30002573} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw uint32) {
		in := Decode(raw)
		if int(in.Len) != Len(uint16(raw)) {
			t.Fatalf("0x%08x: Len %d, want %d", raw, in.Len, Len(uint16(raw)))
		}
		if in.Rd > 31 || in.Rs1 > 31 || in.Rs2 > 31 {
			t.Fatalf("0x%08x: register out of range: %+v", raw, in)
		}
		_ = in.Disasm(0x80300000)
		_ = in.Weight()
	})
}
