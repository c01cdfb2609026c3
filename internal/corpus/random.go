package corpus

import (
	"encoding/binary"
	"fmt"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/rvasm"
)

// The memory map of random programs: text at RandTextBase (read-only), a 4 KiB data
// segment at RandDataBase, a 1 MiB arena from RandTextBase, so loads and stores near
// its end (RandArenaEnd) test the bounds checks, stores into text the write
// protection, and the stack pointer starts at the arena's very top.
const (
	RandTextBase  = 0x10000
	RandDataBase  = 0x20000
	RandDataSize  = 4096
	RandArenaSize = 1 << 20
	RandArenaEnd  = RandTextBase + RandArenaSize
	RandGas       = 200_000
)

// Registers with a fixed role in random programs: s0 points at the data, s1 near the
// arena's end, t6 counts loop iterations, t5 and t4 hold computed addresses. Random
// instructions write every other register, x0 included.
const (
	regData  = rvasm.S0
	regEdge  = rvasm.S1
	regLoop  = rvasm.T6
	regJump  = rvasm.T5
	regAtom  = rvasm.T4
	maxInsts = 400
)

// interesting are the values registers start with and immediates are drawn from:
// the edges of every width and signedness, and addresses near the arena's ends.
var interesting = []int64{
	0, 1, -1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 255, 256, 2047, -2048, 4095,
	0x7FFF, -0x8000, 0xFFFF, 0x7FFFFFFF, -0x80000000, 0xFFFFFFFF, 0x100000000,
	1<<63 - 1, -1 << 63, 0x5555555555555555, -0x5555555555555556,
	RandTextBase, RandDataBase, RandDataBase + RandDataSize - 4, RandArenaEnd - 8, RandArenaEnd, RandArenaEnd - 1,
}

// tape reads the fuzzer's bytes as a stream of choices (zeros once exhausted), so
// small mutations of the input make small changes to the program.
type tape struct {
	b []byte
	i int
}

func (t *tape) done() bool { return t.i >= len(t.b) }

func (t *tape) byte() byte {
	if t.i >= len(t.b) {
		return 0
	}
	t.i++
	return t.b[t.i-1]
}

func (t *tape) n(n int) int { return int(t.byte()) % n }

func (t *tape) u32() uint32 {
	var v [4]byte
	for i := range v {
		v[i] = t.byte()
	}
	return binary.LittleEndian.Uint32(v[:])
}

func (t *tape) value() int64 {
	if c := t.byte(); c < 200 {
		return interesting[int(c)%len(interesting)]
	}
	return int64(uint64(t.u32())<<32 | uint64(t.u32()))
}

func (t *tape) imm12() int64 {
	if c := t.byte(); c < 128 {
		return []int64{0, 1, -1, 2047, -2048, 8, -8, 31, 32, 63, 64}[int(c)%11]
	}
	return int64(t.u32()<<20) >> 20
}

// dest is a random destination register (never the fixed-role ones; x0 included).
func (t *tape) dest() int {
	for {
		r := t.n(32)
		switch r {
		case regData, regEdge, regLoop, regJump, regAtom, rvasm.SP:
			continue
		}
		return r
	}
}

func (t *tape) src() int { return t.n(32) }

// RandomProgram builds an RV64IMAC exec-mode program from the fuzzer's bytes:
// register-register and immediate ALU operations, W forms, multiplication and
// division (by zero and -1 included), shifts by every interesting amount, loads and
// stores around the data segment, the text (read-only) and the arena's end, atomics
// (sometimes misaligned), CSR accesses, compressed instructions, forward branches and
// jumps, bounded backward loops, indirect jumps, raw random words, and writes to x0.
// It ends with exit(a0). The program is deterministic in data.
func RandomProgram(data []byte) ExecProgram {
	t := &tape{b: data}
	p := rvasm.New(RandTextBase)
	for r := 1; r < 32; r++ {
		switch r {
		case regData:
			p.LI(r, RandDataBase)
		case regEdge:
			p.LI(r, RandArenaEnd-64)
		case rvasm.SP: // inside the data segment, for the compressed sp-relative forms
			p.LI(r, RandDataBase+2048)
		case regLoop:
		default:
			p.LI(r, t.value())
		}
	}
	g := &gen{t: t, p: p}
	for n := 0; n < maxInsts && !t.done(); n++ {
		g.step()
	}
	g.flush()
	p.LI(rvasm.A7, 93)
	p.ECALL()
	code, err := p.Finish()
	if err != nil {
		panic("BUG: corpus: random program: " + err.Error())
	}
	dataSeg := rvasm.Segment{Vaddr: RandDataBase, Data: make([]byte, RandDataSize), Flags: guest.PermR | guest.PermW}
	for i := range dataSeg.Data {
		dataSeg.Data[i] = byte(i*7 + 3)
	}
	return ExecProgram{
		Name:      fmt.Sprintf("random-%x", data[:min(len(data), 8)]),
		ELF:       rvasm.ExecELF(RandTextBase, code, dataSeg),
		Gas:       RandGas,
		ArenaSize: RandArenaSize,
	}
}

type gen struct {
	t      *tape
	p      *rvasm.Program
	labels int
	// pending forward labels: define label name after count more instructions.
	pending []pendingLabel
	// an open loop: its label and how many instructions remain in its body.
	loop     string
	loopLeft int
}

type pendingLabel struct {
	name  string
	count int
}

func (g *gen) label() string {
	g.labels++
	return fmt.Sprintf("L%d", g.labels)
}

// tick advances pending labels and the open loop after one emitted instruction.
func (g *gen) tick() {
	kept := g.pending[:0]
	for _, l := range g.pending {
		if l.count--; l.count <= 0 {
			g.p.Label(l.name)
		} else {
			kept = append(kept, l)
		}
	}
	g.pending = kept
	if g.loop != "" {
		if g.loopLeft--; g.loopLeft <= 0 {
			g.p.ADDI(regLoop, regLoop, -1)
			g.p.BNE(regLoop, rvasm.Zero, g.loop)
			g.loop = ""
		}
	}
}

// flush defines every pending label and closes the open loop.
func (g *gen) flush() {
	for _, l := range g.pending {
		g.p.Label(l.name)
	}
	g.pending = nil
	if g.loop != "" {
		g.p.ADDI(regLoop, regLoop, -1)
		g.p.BNE(regLoop, rvasm.Zero, g.loop)
		g.loop = ""
	}
}

func (g *gen) forward(skip int) string {
	l := g.label()
	g.pending = append(g.pending, pendingLabel{l, skip})
	return l
}

var (
	// funct7<<3 | funct3 of OP (0x33): add sub sll slt sltu xor srl sra or and.
	rOps = []uint32{0x000, 0x100, 0x001, 0x002, 0x003, 0x004, 0x005, 0x105, 0x006, 0x007}
	mOps = []uint32{0, 1, 2, 3, 4, 5, 6, 7} // funct3 of OP with funct7 = 1
	// funct7<<3 | funct3 of OP-32 (0x3B): addw subw sllw srlw sraw mulw divw divuw remw remuw.
	wOps  = []uint32{0x000, 0x100, 0x001, 0x005, 0x105, 0x008, 0x00C, 0x00D, 0x00E, 0x00F}
	shImm = []int64{0, 1, 7, 31, 32, 33, 63}
	csrs  = []int64{0x300, 0x304, 0x305, 0x341, 0x342, 0x344, 0xF14, 0xC00, 0x340}
)

func (g *gen) step() {
	t, p := g.t, g.p
	if t.byte() == 0xA7 { // about once per program
		g.hazard()
		g.tick()
		return
	}
	switch c := t.n(22); c {
	case 0, 1, 2: // R-type ALU
		op := rOps[t.n(len(rOps))]
		p.Emit(rvasm.R(0x33, op&7, op>>3, t.dest(), t.src(), t.src()))
	case 3, 4: // I-type ALU
		f3 := []uint32{0, 2, 3, 4, 6, 7}[t.n(6)]
		p.Emit(rvasm.I(0x13, f3, t.dest(), t.src(), t.imm12()))
	case 5: // shifts by an immediate (64-bit and W), and the rotate idiom
		sh := shImm[t.n(len(shImm))]
		if t.n(3) == 0 {
			g.rotate()
			break
		}
		switch t.n(6) {
		case 0:
			p.Emit(rvasm.I(0x13, 1, t.dest(), t.src(), sh&63))
		case 1:
			p.Emit(rvasm.I(0x13, 5, t.dest(), t.src(), sh&63))
		case 2:
			p.Emit(rvasm.I(0x13, 5, t.dest(), t.src(), 0x400|sh&63))
		case 3:
			p.Emit(rvasm.I(0x1B, 1, t.dest(), t.src(), sh&31))
		case 4:
			p.Emit(rvasm.I(0x1B, 5, t.dest(), t.src(), sh&31))
		default:
			p.Emit(rvasm.I(0x1B, 5, t.dest(), t.src(), 0x400|sh&31))
		}
	case 6, 7: // W forms and ADDIW
		if t.n(3) == 0 {
			p.ADDIW(t.dest(), t.src(), t.imm12())
			break
		}
		op := wOps[t.n(len(wOps))]
		p.Emit(rvasm.R(0x3B, op&7, op>>3, t.dest(), t.src(), t.src()))
	case 8, 9: // M extension
		p.Emit(rvasm.R(0x33, mOps[t.n(8)], 1, t.dest(), t.src(), t.src()))
	case 10: // upper immediates
		if t.n(2) == 0 {
			p.LUI(t.dest(), int64(int32(t.u32()&0xFFFFF000)))
		} else {
			p.AUIPC(t.dest(), int64(int32(t.u32()&0xFFFFF000)))
		}
	case 11, 12: // loads
		base, off := g.address()
		p.Emit(rvasm.I(0x03, uint32(t.n(7)), t.dest(), base, off))
	case 13, 14: // stores
		base, off := g.address()
		p.Emit(rvasm.S(0x23, uint32(t.n(4)), base, t.src(), off))
	case 15, 16: // compressed
		g.compressed()
	case 17: // forward branch over 1..4 instructions
		l := g.forward(1 + t.n(4))
		rs1, rs2 := t.src(), t.src()
		[]func(int, int, string){p.BEQ, p.BNE, p.BLT, p.BGE, p.BLTU, p.BGEU}[t.n(6)](rs1, rs2, l)
	case 18: // a bounded loop over the next 1..6 instructions
		if g.loop != "" {
			break
		}
		g.flush() // no jump from before the loop may land inside it, past the counter's set-up
		p.LI(regLoop, int64(1+t.n(4)))
		g.loop, g.loopLeft = g.label(), 1+t.n(6)
		p.Label(g.loop)
		return // the label must precede the next instruction
	case 19: // jumps: JAL forward, JALR to a forward label
		if t.n(2) == 0 {
			p.JAL(t.dest(), g.forward(1+t.n(3)))
		} else {
			p.LA(regJump, g.forward(1+t.n(3)))
			p.JALR(t.dest(), regJump, 0)
		}
	case 20: // atomics on the data segment
		g.atomic(int64(8 * t.n(RandDataSize/8)))
	default: // CSRs, fences, write(1, data, 8)
		switch t.n(4) {
		case 0:
			f3 := uint32(1 + t.n(3))
			if t.n(2) == 0 {
				f3 += 4 // immediate forms
			}
			p.Emit(rvasm.I(0x73, f3, t.dest(), t.n(32), csrs[t.n(6)]))
		case 1:
			p.Emit(rvasm.I(0x73, 2, t.dest(), 0, 0xF14)) // read mhartid
		case 2:
			if t.n(2) == 0 {
				p.FENCEI()
			} else {
				p.Emit(0x0FF0000F) // fence
			}
		default:
			p.LI(rvasm.A0, 1)
			p.ADDI(rvasm.A1, regData, int64(t.n(256)))
			p.LI(rvasm.A2, int64(t.n(16)))
			p.LI(rvasm.A7, 64)
			p.ECALL()
		}
	}
	g.tick()
}

// rotate emits a rotate the way compilers do (two shifts and an OR, XOR or ADD),
// sometimes with an unrelated instruction between, sometimes reusing a temporary
// afterwards or as the destination.
func (g *gen) rotate() {
	t, p := g.t, g.p
	x, a, b := t.src(), t.dest(), t.dest()
	word := t.n(2) == 0
	n := int64(1 + t.n(31))
	if word {
		p.Emit(rvasm.I(0x1B, 5, a, x, n))
		if t.n(4) == 0 {
			p.Emit(rvasm.R(0x33, 0, 0, t.dest(), t.src(), t.src()))
		}
		p.Emit(rvasm.I(0x1B, 1, b, x, 32-n))
	} else {
		n += int64(t.n(2)) * 32
		p.Emit(rvasm.I(0x13, 1, a, x, 64-n))
		p.Emit(rvasm.I(0x13, 5, b, x, n))
	}
	d := []int{t.dest(), a, b}[t.n(3)]
	f3 := []uint32{6, 4, 0}[t.n(3)] // or, xor, add
	p.Emit(rvasm.R(0x33, f3, 0, d, a, b))
	if t.n(3) == 0 {
		p.Emit(rvasm.R(0x33, 0, 0, t.dest(), a, t.src())) // a temporary read again
	}
}

// atomic emits an LR, SC or AMO (word or doubleword) at data+off.
func (g *gen) atomic(off int64) {
	t, p := g.t, g.p
	p.ADDI(regAtom, regData, off&2047)
	if off > 2047 {
		p.ADDI(regAtom, regAtom, off-off&2047)
	}
	width := uint32(2 + t.n(2)) // 2: .w, 3: .d
	f5 := []uint32{0x02, 0x03, 0x01, 0x00, 0x04, 0x0C, 0x08, 0x10, 0x14, 0x18, 0x1C}[t.n(11)]
	rs2 := t.src()
	if f5 == 0x02 {
		rs2 = 0
	}
	p.Emit(rvasm.R(0x2F, width, f5<<2|uint32(t.n(4)), t.dest(), regAtom, rs2))
}

// hazard emits something that (usually) ends the program: a fault of every kind.
func (g *gen) hazard() {
	t, p := g.t, g.p
	switch t.n(10) {
	case 0: // raw random words: any encoding
		if t.n(4) == 0 {
			p.Emit16(uint16(t.u32()))
		} else {
			p.Emit(t.u32())
		}
	case 1:
		p.EBREAK()
	case 2: // unknown CSR or a write to mhartid
		if t.n(2) == 0 {
			p.Emit(rvasm.I(0x73, 1, t.dest(), t.src(), 0xF14))
		} else {
			p.Emit(rvasm.I(0x73, uint32(1+t.n(3)), t.dest(), t.src(), csrs[6+t.n(3)]))
		}
	case 3: // misaligned atomic
		g.atomic(int64(8*t.n(RandDataSize/8) + 1 + t.n(7)))
	case 4, 5: // a load or store across the arena's end
		off := int64(56 + t.n(16))
		if t.n(2) == 0 {
			p.Emit(rvasm.I(0x03, uint32(t.n(7)), t.dest(), regEdge, off))
		} else {
			p.Emit(rvasm.S(0x23, uint32(t.n(4)), regEdge, t.src(), off))
		}
	case 6: // a store into the read-only text, or an absolute address below the arena
		if t.n(2) == 0 {
			p.AUIPC(regJump, 0)
			p.Emit(rvasm.S(0x23, uint32(t.n(4)), regJump, t.src(), -int64(t.n(64))))
		} else {
			p.Emit(rvasm.I(0x03, uint32(t.n(7)), t.dest(), rvasm.Zero, int64(t.n(2048))))
		}
	case 7: // a wild base register
		if t.n(2) == 0 {
			p.Emit(rvasm.I(0x03, uint32(t.n(7)), t.dest(), t.src(), t.imm12()))
		} else {
			p.Emit(rvasm.S(0x23, uint32(t.n(4)), t.src(), t.src(), t.imm12()))
		}
	case 8: // a jump to a random register's value
		p.JALR(t.dest(), t.src(), t.imm12())
	default: // a write the exec-mode syscalls reject
		p.LI(rvasm.A0, int64(t.n(4)))
		p.LI(rvasm.A1, t.value())
		p.LI(rvasm.A2, 8)
		p.LI(rvasm.A7, 64)
		p.ECALL()
	}
}

// address picks a base register and offset for a load or store that stays inside
// the arena and (for stores) writable memory: the data segment and the zero memory
// around it, or the last 64 bytes of the arena.
func (g *gen) address() (int, int64) {
	t := g.t
	if t.n(4) == 0 {
		return regEdge, int64(t.n(57)) - 8
	}
	return regData, int64(t.n(256)*8-16) + int64(t.n(8))
}
