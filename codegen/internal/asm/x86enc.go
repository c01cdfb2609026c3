package asm

import (
	"encoding/binary"
	"slices"
	"sync"

	"github.com/twitchyliquid64/golang-asm/obj"
)

// The direct amd64 encoder. golang-asm's span pass matches every instruction
// against its operand tables (allocating as it goes) and re-encodes the whole unit
// until its jumps stop growing; for a unit of JIT code that cost ~1.5 µs per host
// instruction. This encoder writes the bytes golang-asm would write, for the
// instructions and operand forms codegen/amd64 emits (x86ops), in one pass, then
// sizes the jumps by golang-asm's rule: a backward jump is short when its target is
// within a signed byte, a forward jump starts short and becomes long for good once
// its target is out of reach, repeated until nothing changes. Alignments (NOP
// padding for loop heads, x86align.go) are sized in the same passes (see finish).
// A record it does not
// support makes Assemble use golang-asm for the unit; CheckDirectEncoding makes
// every unit be encoded both ways and compared (the backend's tests run with it).

// x86form is an operand-table family (golang-asm's ytab), as far as it is used.
type x86form uint8

const (
	xNone  x86form = iota
	xALU           // ADD, OR, AND, SUB, XOR (yaddl)
	xCMP           // CMP (ycmpl: the immediate is the second operand)
	xTEST          // TEST (ytestl)
	xMOVQ          // ymovq
	xMOVL          // ymovl
	xMOVW          // ymovw
	xMOVB          // ymovb
	xRM            // op rm, reg from Yml (or Ym: memOnly) to a register (yml_rl, ym_rl, ymb_rl)
	xShift         // yshl
	xUnary         // F7 /ext on the destination (NEG, NOT)
	xDiv           // F7 /ext on the source (DIV, IDIV, MUL)
	xIMUL          // yimul
	xIMUL3         // yimul3
	xSet           // SETcc (byte destination)
	xBMI2          // SHLX, SHRX, SARX (VEX)
	xRORX          // RORX (VEX, an 8-bit immediate)
	xPush          // PUSHQ reg
	xPop           // POPQ reg
	xLit           // fixed bytes, no operands
	xJMP           // JMP to a label, or through a register or memory
	xJcc           // conditional jumps
	xByte          // BYTE $v
	xLong          // LONG $v
	xNop           // no bytes
)

// x86op describes one op for the direct encoder.
type x86op struct {
	form    x86form
	w       bool    // REX.W
	p66     bool    // operand-size prefix
	ext     byte    // the ModRM reg field of /ext forms; SETcc, Jcc: the condition opcode
	opc     [2]byte // xRM: the opcode (opcN bytes); xALU: the r→rm and rm→r opcodes
	opcN    uint8
	ax      byte // xALU: the AX, imm32 opcode
	byteSrc bool // xRM: the source register is a byte register (MOVBxx)
	memOnly bool // xRM: the source must be memory (LEA)
	pp      byte // xBMI2: VEX.pp
}

// opcode is an xRM or xLit op's opcode as writeOpc takes it.
func (d *x86op) opcode() int {
	switch d.opcN {
	case 1:
		return int(d.opc[0])
	case 2:
		return int(d.opc[0])<<8 | int(d.opc[1])
	}
	return -1
}

// x86table is the encoder's table: ops[op-base] describes op.
type x86table struct {
	base Op
	ops  []x86op
}

// x86ops returns the table, built when the first unit is encoded rather than at
// package initialisation: every hybridvm process links this package, and most
// (interp runs, EVM-only runs, short tiered runs) never encode anything.
var x86ops = sync.OnceValue(func() *x86table { t := newX86table(); return &t })

func newX86table() x86table {
	m := map[Op]x86op{}
	alu := func(op Op, w bool, ext, ax, rm, r byte) {
		m[op] = x86op{form: xALU, w: w, ext: ext, ax: ax, opc: [2]byte{rm, r}}
	}
	alu(ADDQ, true, 0, 0x05, 0x01, 0x03)
	alu(ADDL, false, 0, 0x05, 0x01, 0x03)
	alu(ORQ, true, 1, 0x0d, 0x09, 0x0b)
	alu(ANDQ, true, 4, 0x25, 0x21, 0x23)
	alu(ANDL, false, 4, 0x25, 0x21, 0x23)
	alu(SUBQ, true, 5, 0x2d, 0x29, 0x2b)
	alu(SUBL, false, 5, 0x2d, 0x29, 0x2b)
	alu(XORQ, true, 6, 0x35, 0x31, 0x33)
	alu(XORL, false, 6, 0x35, 0x31, 0x33)
	m[CMPQ] = x86op{form: xCMP, w: true}
	m[CMPL] = x86op{form: xCMP}
	m[TESTQ] = x86op{form: xTEST, w: true}
	m[TESTL] = x86op{form: xTEST}
	m[MOVQ] = x86op{form: xMOVQ, w: true}
	m[MOVL] = x86op{form: xMOVL}
	m[MOVW] = x86op{form: xMOVW, p66: true}
	m[MOVB] = x86op{form: xMOVB}
	rm := func(op Op, w bool, opc ...byte) {
		d := x86op{form: xRM, w: w, opcN: uint8(len(opc))}
		copy(d.opc[:], opc)
		m[op] = d
	}
	rm(MOVLQSX, true, 0x63)
	rm(MOVLQZX, false, 0x8b)
	rm(MOVWQSX, true, 0x0f, 0xbf)
	rm(MOVWQZX, true, 0x0f, 0xb7)
	rm(MOVWLZX, false, 0x0f, 0xb7)
	rm(MOVBQSX, true, 0x0f, 0xbe)
	rm(MOVBQZX, true, 0x0f, 0xb6)
	rm(MOVBLZX, false, 0x0f, 0xb6)
	for _, op := range []Op{MOVBQSX, MOVBQZX, MOVBLZX} {
		d := m[op]
		d.byteSrc = true
		m[op] = d
	}
	rm(LEAQ, true, 0x8d)
	rm(LEAL, false, 0x8d)
	for _, op := range []Op{LEAQ, LEAL} {
		d := m[op]
		d.memOnly = true
		m[op] = d
	}
	for _, c := range []struct {
		q, l Op
		cc   byte
	}{{CMOVQLT, CMOVLLT, 0x4c}, {CMOVQGT, CMOVLGT, 0x4f}, {CMOVQCS, CMOVLCS, 0x42}, {CMOVQHI, CMOVLHI, 0x47}, {CMOVQEQ, NOP, 0x44}, {CMOVQNE, NOP, 0x45},
		{CMOVQGE, NOP, 0x4d}, {CMOVQLE, NOP, 0x4e}, {CMOVQCC, NOP, 0x43}, {CMOVQLS, NOP, 0x46}} {
		rm(c.q, true, 0x0f, c.cc)
		if c.l != NOP {
			rm(c.l, false, 0x0f, c.cc)
		}
	}
	shift := func(q, l Op, ext byte) {
		m[q] = x86op{form: xShift, w: true, ext: ext}
		if l != NOP {
			m[l] = x86op{form: xShift, ext: ext}
		}
	}
	shift(RORQ, RORL, 1)
	shift(SHLQ, SHLL, 4)
	shift(SHRQ, SHRL, 5)
	shift(SARQ, SARL, 7)
	m[NEGQ] = x86op{form: xUnary, w: true, ext: 3}
	m[NEGL] = x86op{form: xUnary, ext: 3}
	m[NOTQ] = x86op{form: xUnary, w: true, ext: 2}
	m[DIVQ] = x86op{form: xDiv, w: true, ext: 6}
	m[DIVL] = x86op{form: xDiv, ext: 6}
	m[IDIVQ] = x86op{form: xDiv, w: true, ext: 7}
	m[IDIVL] = x86op{form: xDiv, ext: 7}
	m[MULQ] = x86op{form: xDiv, w: true, ext: 4}
	m[IMULQ] = x86op{form: xIMUL, w: true}
	m[IMULL] = x86op{form: xIMUL}
	m[IMUL3Q] = x86op{form: xIMUL3, w: true}
	m[SETEQ] = x86op{form: xSet, ext: 0x94}
	m[SETNE] = x86op{form: xSet, ext: 0x95}
	m[SETLT] = x86op{form: xSet, ext: 0x9c}
	m[SETCS] = x86op{form: xSet, ext: 0x92}
	// VEX.pp: 66 = 1 (SHLX), F3 = 2 (SARX), F2 = 3 (SHRX).
	m[SHLXQ] = x86op{form: xBMI2, w: true, pp: 1}
	m[SHLXL] = x86op{form: xBMI2, pp: 1}
	m[SARXQ] = x86op{form: xBMI2, w: true, pp: 2}
	m[SARXL] = x86op{form: xBMI2, pp: 2}
	m[SHRXQ] = x86op{form: xBMI2, w: true, pp: 3}
	m[SHRXL] = x86op{form: xBMI2, pp: 3}
	m[RORXL] = x86op{form: xRORX}
	m[RORXQ] = x86op{form: xRORX, w: true}
	m[PUSHQ] = x86op{form: xPush}
	m[POPQ] = x86op{form: xPop}
	lit := func(op Op, w bool, opc ...byte) {
		d := x86op{form: xLit, w: w, opcN: uint8(len(opc))}
		copy(d.opc[:], opc)
		m[op] = d
	}
	lit(CQO, true, 0x99)
	lit(CDQ, false, 0x99)
	lit(RET, false, 0xc3)
	lit(UD2, false, 0x0f, 0x0b)
	m[JMP] = x86op{form: xJMP}
	for _, j := range []struct {
		op Op
		cc byte
	}{{JEQ, 0x74}, {JNE, 0x75}, {JLT, 0x7c}, {JGE, 0x7d}, {JGT, 0x7f}, {JLE, 0x7e}, {JCS, 0x72}, {JCC, 0x73}, {JHI, 0x77}, {JLS, 0x76}, {JMI, 0x78}, {JPL, 0x79}} {
		m[j.op] = x86op{form: xJcc, ext: j.cc}
	}
	m[rawByte] = x86op{form: xByte}
	m[rawLong] = x86op{form: xLong}
	m[NOP] = x86op{form: xNop}

	lo, hi := Op(1<<15-1), Op(0)
	for op := range m {
		lo, hi = min(lo, op), max(hi, op)
	}
	t := x86table{base: lo, ops: make([]x86op, hi-lo+1)}
	for op, d := range m {
		t.ops[op-lo] = d
	}
	return t
}

// newX86enc returns an encoder with its table.
func newX86enc() *x86enc { return &x86enc{tbl: x86ops()} }

// lookup returns op's description, nil for an op the encoder does not know.
func (e *x86enc) lookup(op Op) *x86op {
	i := int(op) - int(e.tbl.base)
	if uint(i) >= uint(len(e.tbl.ops)) {
		return nil
	}
	if d := &e.tbl.ops[i]; d.form != xNone {
		return d
	}
	return nil
}

// hw is a general register's hardware number (0-15), or -1.
func hw(r Reg) int {
	if r < AX || r > R15 {
		return -1
	}
	return int(r - AX)
}

// REX bits.
const (
	rexW   = 8
	rexR   = 4
	rexX   = 2
	rexB   = 1
	rexAny = 0x40 // a REX prefix without bits (SPL, BPL, SIL, DIL)
)

func isByteReg(n int) bool { return n >= 4 && n <= 7 }

// regField returns the ModRM.reg number of a register operand and its REX bits.
func regField(o *Operand, byteReg bool) (int, byte, bool) {
	if o.typ != obj.TYPE_REG {
		return 0, 0, false
	}
	n := hw(o.reg)
	if n < 0 {
		return 0, 0, false
	}
	var rex byte
	if n >= 8 {
		rex = rexR
	}
	if byteReg && isByteReg(n) {
		rex |= rexAny
	}
	return n, rex, true
}

func isRM(o *Operand) bool   { return o.typ == obj.TYPE_REG || o.typ == obj.TYPE_MEM }
func isNone(o *Operand) bool { return o.typ == obj.TYPE_NONE }
func isAX(o *Operand) bool   { return o.typ == obj.TYPE_REG && o.reg == AX }
func fitsI8(v int64) bool    { return v >= -128 && v <= 127 }

// fitsI32 is golang-asm's Yi32 class: a sign-extendable or an unsigned 32-bit value.
func fitsI32(v int64) bool { return v == int64(int32(v)) || (v >= 0 && v>>32 == 0) }

// x86enc encodes one unit: every instruction but the jumps and alignments as it is
// emitted.
type x86enc struct {
	code  []byte
	at    []int32   // per record: its first byte in code (jumps, alignments and labels take none there)
	items []x86item // the jumps and alignments, in record order
	// before, extra and out are finish's (kept for a recycled builder).
	before, extra []int32
	out           []byte
	// classify's and sizeItems' (x86size.go): before each item, the fixed jumps'
	// bytes, the alignments and the listed jumps; the first i alignments' padding and
	// listed jumps' bytes.
	fixed, nAlign, nDyn, pads, pre []int32
	dyn                            []x86dyn  // the jumps whose size depends on the layout (classify)
	aligns                         []int32   // the alignments' indices in items
	laid                           bool      // finish has laid out the code: offset may be asked
	tbl                            *x86table // x86ops(), set by newX86enc: asking for it costs an atomic load and a call
}

// x86item is a record whose size finish decides: a jump to a label, sized by
// golang-asm's rule, or an alignment (Builder.Align).
type x86item struct {
	rec    int32  // the item's record
	label  *Label // a jump's target (nil: an alignment)
	target int32  // the label's record (set by finish)
	cc     byte   // Jcc: the short opcode (0: JMP)
	long   bool
	long0  bool  // long without padding (set by finish)
	n      int32 // the bytes it takes: 2, 5 or 6 for a jump, pad for an alignment
	// before is how many items precede the target (set by finish).
	before int32
	// dist is the target's record offset in the code less the jump's and 2, and dir
	// the jump's direction (-1 backward, 1 forward, 0 neither; set by finish): the
	// records do not move in the code, so sizing reads only the items' extra bytes.
	dist int32
	dir  int8
	// An alignment: to boundary, with at most maxPad bytes; pad is its size.
	boundary, maxPad, pad int32
	// changes counts finish's changes of its padding; frozen: it keeps its padding.
	changes uint8
	frozen  bool
	dyn     bool // a jump whose size depends on the layout (classify)
}

// put writes [66] [REX] opcode [imm] (an instruction without ModRM; opc as
// writeOpc takes it). It writes into the room room made and stores e.code's length
// only (a slice header stored back whole would cost a write barrier per instruction
// while the collector runs).
func (e *x86enc) put(d *x86op, rex byte, opc int, imm int64, immSize int) {
	buf := e.room()
	i := writeOpc(buf, writePrefix(buf, d, rex), opc)
	i = writeImm(buf, i, imm, immSize)
	e.code = e.code[:len(e.code)+i]
}

// writePrefix writes [66] [REX] at the start of buf (REX.W added for d) and returns
// the index after them (small enough to inline, without the opcode).
func writePrefix(buf []byte, d *x86op, rex byte) int {
	if d.w {
		rex |= rexW
	}
	i := 0
	if d.p66 {
		buf[i] = 0x66
		i++
	}
	if rex != 0 {
		buf[i] = rexAny | rex
		i++
	}
	return i
}

// writeOpc writes an opcode at buf[i:] and returns the index after it: opc holds its
// bytes, one (0 to 0xff) or two (0x0f00 and up: the 0F escape, then the byte), or
// none (-1). Opcodes go as ints, not slices: the encoder's calls pass their operands
// in registers, and a slice takes three.
func writeOpc(buf []byte, i int, opc int) int {
	switch {
	case opc > 0xff:
		buf[i], buf[i+1] = byte(opc>>8), byte(opc)
		return i + 2
	case opc >= 0:
		buf[i] = byte(opc)
		return i + 1
	}
	return i
}

// writeImm writes an immediate of immSize bytes (0, 1, 2, 4 or 8) at buf[i:] and
// returns the index after it.
func writeImm(buf []byte, i int, imm int64, immSize int) int {
	switch immSize {
	case 1:
		buf[i] = byte(imm)
	case 2:
		binary.LittleEndian.PutUint16(buf[i:], uint16(imm))
	case 4:
		binary.LittleEndian.PutUint32(buf[i:], uint32(imm))
	case 8:
		binary.LittleEndian.PutUint64(buf[i:], uint64(imm))
	}
	return i + immSize
}

// maxInst bounds an instruction's length (x86 allows 15 bytes).
const maxInst = 16

// room returns the maxInst bytes after the code, growing its buffer when needed.
func (e *x86enc) room() []byte {
	n := len(e.code)
	if cap(e.code)-n < maxInst {
		e.code = slices.Grow(e.code, max(maxInst, cap(e.code)))
	}
	return e.code[n : n+maxInst]
}

// ext encodes op /ext rm [imm].
func (e *x86enc) ext(d *x86op, opc int, ext int, rm *Operand, byteRM bool, imm int64, immSize int) bool {
	return e.encRM(d, opc, ext, 0, rm, byteRM, imm, immSize)
}

// regRM encodes op with reg in ModRM.reg and rm in ModRM.rm.
func (e *x86enc) regRM(d *x86op, opc int, reg, rm *Operand, byteReg, byteRM bool, imm int64, immSize int) bool {
	n, rex, ok := regField(reg, byteReg)
	if !ok {
		return false
	}
	return e.encRM(d, opc, n, rex, rm, byteRM, imm, immSize)
}

// vexOpc marks an opcode given to encRM as a three-byte VEX instruction's: the
// opcode byte, the opcode map at bits 8-12 (2: 0F38, 3: 0F3A) and the VEX's third
// byte but W (vvvv and pp) at bits 16-23.
const vexOpc = 1 << 24

// encRM writes [66] [REX] opcode ModRM [SIB] [disp] [imm], or VEX opcode ModRM [SIB]
// [disp] [imm] for a vexOpc opcode: field in ModRM.reg (with the REX bits fieldRex
// it needs), rm (a register or memory) in ModRM.rm, byteRM whether a register rm is
// a byte register. One function for the forms nearly every instruction takes: it
// computes the ModRM bytes in registers and writes them in place.
func (e *x86enc) encRM(d *x86op, opc int, field int, rex byte, rm *Operand, byteRM bool, imm int64, immSize int) bool {
	f := byte(field&7) << 3
	var modrm, sib byte
	hasSIB := false
	var disp int32
	dispSize := 0
	switch rm.typ {
	case obj.TYPE_REG:
		n := hw(rm.reg)
		if n < 0 {
			return false
		}
		if n >= 8 {
			rex |= rexB
		}
		if byteRM && isByteReg(n) {
			rex |= rexAny
		}
		modrm = 0xc0 | f | byte(n&7)
	case obj.TYPE_MEM:
		if rm.off != int64(int32(rm.off)) {
			return false
		}
		base := hw(rm.reg)
		if base < 0 {
			return false
		}
		if base >= 8 {
			rex |= rexB
		}
		v := int32(rm.off)
		noDisp := v == 0 && base&7 != 5 // RBP and R13 need a displacement
		rmBits := byte(base & 7)
		if rm.index != NoReg {
			idx := hw(rm.index)
			if idx < 0 || idx == 4 {
				return false
			}
			if idx >= 8 {
				rex |= rexX
			}
			var sc byte
			switch rm.scale {
			case 1:
			case 2:
				sc = 1
			case 4:
				sc = 2
			case 8:
				sc = 3
			default:
				return false
			}
			sib, hasSIB, rmBits = sc<<6|byte(idx&7)<<3|byte(base&7), true, 4
		} else if base&7 == 4 { // RSP, R12
			sib, hasSIB, rmBits = 0x24, true, 4
			noDisp = v == 0
		}
		switch {
		case noDisp:
			modrm = f | rmBits
		case v >= -128 && v <= 127:
			modrm, disp, dispSize = 0x40|f|rmBits, v, 1
		default:
			modrm, disp, dispSize = 0x80|f|rmBits, v, 4
		}
	default:
		return false
	}
	buf := e.room()
	i := 0
	if opc >= vexOpc {
		b2 := byte(opc >> 16)
		if d.w {
			b2 |= 0x80
		}
		rxb := rex & (rexR | rexX | rexB)
		buf[0], buf[1], buf[2], buf[3] = 0xc4, (rxb<<5)^0xe0|byte(opc>>8)&0x1f, b2, byte(opc)
		i = 4
	} else {
		i = writeOpc(buf, writePrefix(buf, d, rex), opc)
	}
	buf[i] = modrm
	i++
	if hasSIB {
		buf[i] = sib
		i++
	}
	switch dispSize {
	case 1:
		buf[i] = byte(disp)
		i++
	case 4:
		binary.LittleEndian.PutUint32(buf[i:], uint32(disp))
		i += 4
	}
	i = writeImm(buf, i, imm, immSize)
	e.code = e.code[:len(e.code)+i]
	return true
}

// plusReg encodes op+reg [imm] (MOV imm to register, PUSH, POP).
func (e *x86enc) plusReg(d *x86op, op byte, r *Operand, byteReg bool, imm int64, immSize int) bool {
	n, _, ok := regField(r, false)
	if !ok {
		return false
	}
	var rex byte
	if n >= 8 {
		rex = rexB
	}
	if byteReg && isByteReg(n) {
		rex |= rexAny
	}
	e.put(d, rex, int(op+byte(n&7)), imm, immSize)
	return true
}

// inst encodes one instruction, reporting false for one it does not support.
func (e *x86enc) inst(op Op, from, mid, to *Operand) bool {
	d := e.lookup(op)
	if d == nil {
		return false
	}
	if !isNone(mid) && d.form != xIMUL3 && d.form != xBMI2 && d.form != xRORX {
		return false
	}
	switch d.form {
	case xALU:
		switch {
		case from.IsImm() && isRM(to):
			v := from.off
			switch {
			case fitsI8(v):
				return e.ext(d, 0x83, int(d.ext), to, false, v, 1)
			case !fitsI32(v):
				return false
			case isAX(to):
				e.put(d, 0, int(d.ax), v, 4)
				return true
			}
			return e.ext(d, 0x81, int(d.ext), to, false, v, 4)
		case from.IsReg() && isRM(to):
			return e.regRM(d, int(d.opc[0]), from, to, false, false, 0, 0)
		case from.IsMem() && to.IsReg():
			return e.regRM(d, int(d.opc[1]), to, from, false, false, 0, 0)
		}
	case xCMP:
		switch {
		case isRM(from) && to.IsImm():
			v := to.off
			switch {
			case fitsI8(v):
				return e.ext(d, 0x83, 7, from, false, v, 1)
			case !fitsI32(v):
				return false
			case isAX(from):
				e.put(d, 0, 0x3d, v, 4)
				return true
			}
			return e.ext(d, 0x81, 7, from, false, v, 4)
		case isRM(from) && to.IsReg():
			return e.regRM(d, 0x39, to, from, false, false, 0, 0)
		case from.IsReg() && to.IsMem():
			return e.regRM(d, 0x3b, from, to, false, false, 0, 0)
		}
	case xTEST:
		switch {
		case from.IsImm() && isRM(to):
			v := from.off
			switch {
			case !fitsI32(v):
				return false
			case isAX(to):
				e.put(d, 0, 0xa9, v, 4)
				return true
			}
			return e.ext(d, 0xf7, 0, to, false, v, 4)
		case from.IsReg() && isRM(to):
			return e.regRM(d, 0x85, from, to, false, false, 0, 0)
		case from.IsMem() && to.IsReg():
			return e.regRM(d, 0x85, to, from, false, false, 0, 0)
		}
	case xMOVQ, xMOVL, xMOVW, xMOVB:
		b := d.form == xMOVB
		st, ld, imm, immSize := byte(0x89), byte(0x8b), byte(0xc7), 4
		switch d.form {
		case xMOVB:
			st, ld, imm, immSize = 0x88, 0x8a, 0xc6, 1
		case xMOVW:
			immSize = 2
		}
		switch {
		case from.IsReg() && isRM(to):
			return e.regRM(d, int(st), from, to, b, b, 0, 0)
		case from.IsMem() && to.IsReg():
			return e.regRM(d, int(ld), to, from, b, b, 0, 0)
		case from.IsImm() && to.IsReg():
			v := from.off
			if d.form == xMOVQ {
				switch {
				case v == int64(int32(v)):
					return e.ext(d, 0xc7, 0, to, false, v, 4)
				case v>>32 == 0: // MOVL: the upper half is zeroed
					return e.plusReg(&x86op{}, 0xb8, to, false, v, 4)
				}
				return e.plusReg(d, 0xb8, to, false, v, 8)
			}
			if !fitsI32(v) {
				return false
			}
			if b {
				return e.plusReg(d, 0xb0, to, true, v, 1)
			}
			return e.plusReg(d, 0xb8, to, false, v, immSize)
		case from.IsImm() && to.IsMem():
			if !fitsI32(from.off) {
				return false
			}
			return e.ext(d, int(imm), 0, to, false, from.off, immSize)
		}
	case xRM:
		if to.IsReg() && (from.IsMem() || (from.IsReg() && !d.memOnly)) {
			return e.regRM(d, d.opcode(), to, from, false, d.byteSrc, 0, 0)
		}
	case xShift:
		if !isRM(to) {
			return false
		}
		switch {
		case from.IsImm() && from.off == 1:
			return e.ext(d, 0xd1, int(d.ext), to, false, 0, 0)
		case from.IsImm() && from.off >= 0 && from.off <= 255:
			return e.ext(d, 0xc1, int(d.ext), to, false, from.off, 1)
		case from.IsReg() && from.reg == CX:
			return e.ext(d, 0xd3, int(d.ext), to, false, 0, 0)
		}
	case xUnary:
		if isNone(from) && isRM(to) {
			return e.ext(d, 0xf7, int(d.ext), to, false, 0, 0)
		}
	case xDiv:
		if isRM(from) && isNone(to) {
			return e.ext(d, 0xf7, int(d.ext), from, false, 0, 0)
		}
	case xIMUL:
		switch {
		case isRM(from) && isNone(to):
			return e.ext(d, 0xf7, 5, from, false, 0, 0)
		case from.IsImm() && to.IsReg() && fitsI8(from.off):
			return e.regRM(d, 0x6b, to, to, false, false, from.off, 1)
		case from.IsImm() && to.IsReg() && fitsI32(from.off):
			return e.regRM(d, 0x69, to, to, false, false, from.off, 4)
		case isRM(from) && to.IsReg():
			return e.regRM(d, 0x0faf, to, from, false, false, 0, 0)
		}
	case xIMUL3:
		if from.IsImm() && isRM(mid) && to.IsReg() {
			if fitsI8(from.off) {
				return e.regRM(d, 0x6b, to, mid, false, false, from.off, 1)
			}
			if fitsI32(from.off) {
				return e.regRM(d, 0x69, to, mid, false, false, from.off, 4)
			}
		}
	case xSet:
		if isNone(from) && isRM(to) {
			return e.ext(d, 0x0f00|int(d.ext), 0, to, true, 0, 0)
		}
	case xBMI2:
		return e.bmi2(d, from, mid, to)
	case xRORX:
		return e.rorx(d, from, mid, to)
	case xPush:
		switch {
		case !isNone(to):
		case from.IsReg():
			return e.plusReg(d, 0x50, from, false, 0, 0)
		case from.IsMem():
			return e.ext(d, 0xff, 6, from, false, 0, 0)
		case from.IsImm() && fitsI8(from.off):
			e.put(d, 0, 0x6a, from.off, 1)
			return true
		case from.IsImm() && fitsI32(from.off):
			e.put(d, 0, 0x68, from.off, 4)
			return true
		}
	case xPop:
		switch {
		case !isNone(from):
		case to.IsReg():
			return e.plusReg(d, 0x58, to, false, 0, 0)
		case to.IsMem():
			return e.ext(d, 0x8f, 0, to, false, 0, 0)
		}
	case xLit:
		if isNone(from) && isNone(to) {
			e.put(d, 0, d.opcode(), 0, 0)
			return true
		}
	case xJMP:
		if isNone(from) && isRM(to) {
			return e.ext(&x86op{}, 0xff, 4, to, false, 0, 0)
		}
	case xByte:
		if from.IsImm() && isNone(to) {
			e.code = append(e.code, byte(from.off))
			return true
		}
	case xLong:
		if from.IsImm() && isNone(to) {
			e.code = binary.LittleEndian.AppendUint32(e.code, uint32(from.off))
			return true
		}
	case xNop: // no bytes (golang-asm's NOP pseudo-instruction takes operands too; these are not supported)
		return isNone(from) && isNone(to)
	}
	return false
}

// bmi2 encodes SHLX/SHRX/SARX count, src, dst: VEX.LZ.pp.0F38.W F7 /r with dst in
// ModRM.reg, src in ModRM.rm and count in VEX.vvvv (always the three-byte VEX,
// as the 0F38 map needs).
func (e *x86enc) bmi2(d *x86op, count, src, dst *Operand) bool {
	c, _, ok := regField(count, false)
	if !ok || !isRM(src) {
		return false
	}
	b2 := byte(^c&0xf)<<3 | d.pp
	return e.regRM(d, vexOpc|int(b2)<<16|2<<8|0xf7, dst, src, false, false, 0, 0)
}

// rorx encodes RORX $n, src, dst: VEX.LZ.F2.0F3A.W F0 /r ib with dst in ModRM.reg,
// src in ModRM.rm and VEX.vvvv unused (1111).
func (e *x86enc) rorx(d *x86op, n, src, dst *Operand) bool {
	if !n.IsImm() || n.off < -128 || n.off > 255 || !isRM(src) {
		return false
	}
	b2 := byte(0xf)<<3 | 3 // vvvv = 1111, pp = F2
	return e.regRM(d, vexOpc|int(b2)<<16|3<<8|0xf0, dst, src, false, false, n.off, 1)
}

// op encodes an instruction that needs no record (Builder.Inst without the check).
// The operands are pointers: a call passes an Operand's fields in registers, and
// three of them with the rest do not fit.
func (e *x86enc) op(b *Builder, op Op, from, mid, to *Operand) {
	if e.code == nil {
		e.alloc()
	}
	if !e.inst(op, from, mid, to) {
		b.diag("amd64: cannot encode %v %v, %v, %v", obj.As(op), *from, *mid, *to)
	}
}

func (e *x86enc) alloc() {
	e.code = make([]byte, 0, 4096)
	e.at = make([]int32, 0, 256)
}

// add encodes one record (Builder.record).
func (e *x86enc) add(b *Builder, in *inst) {
	if e.code == nil {
		e.alloc()
	}
	e.at = append(e.at, int32(len(e.code)))
	switch in.kind {
	case instJump:
		d := b.x.lookup(in.op)
		if d == nil || (d.form != xJMP && d.form != xJcc) || !isNone(&in.from) {
			b.diag("amd64: cannot encode jump %v", obj.As(in.op))
			return
		}
		j := x86item{rec: b.n, label: in.label, target: -1, n: 2}
		if d.form == xJcc {
			j.cc = d.ext
		}
		e.items = append(e.items, j)
	case instAlign:
		e.aligns = append(e.aligns, int32(len(e.items)))
		e.items = append(e.items, x86item{rec: b.n, target: -1, boundary: int32(in.from.off), maxPad: int32(in.to.off)})
	case instBind:
	default:
		if in.kind != instOp || !e.inst(in.op, &in.from, &in.mid, &in.to) {
			b.diag("amd64: cannot encode %v %v, %v, %v", obj.As(in.op), in.from, in.mid, in.to)
		}
	}
}
