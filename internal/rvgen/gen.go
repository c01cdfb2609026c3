package rvgen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Output layout of every generated program: the 32 registers x0..x31 as little-endian
// doublewords, then the scratch buffer as it is at the end.
const (
	RegDumpSize = 32 * 8
	ScratchSize = 2048
	OutputSize  = RegDumpSize + ScratchSize
)

// DefaultInstructions is the number of random units Generate emits when
// Options.Instructions is zero.
const DefaultInstructions = 200

// Options tune Generate. The zero value is a good default.
type Options struct {
	// Instructions is the number of random units: one instruction, or a short fixed
	// group such as "address set-up, then an atomic" or "LR, ALU ops, SC".
	// Zero means DefaultInstructions.
	Instructions int
	// NoExplicitCompressed turns off the explicit c.* forms. The assembler still
	// compresses eligible 32-bit instructions by itself unless a unit asks otherwise.
	NoExplicitCompressed bool
}

// Generate returns the assembly source (for riscv64-unknown-elf-gcc,
// -march=rv64imac) of a random exec-mode program. The same seed and options always
// give the same source.
//
// Register and memory conventions: sp (x2) points at the scratch buffer for the whole
// run and is never a random destination; every other register starts random. Loads
// and stores use sp or a register just set to sp + k as their base, with offsets that
// keep the access inside the buffer (misaligned ones included).
func Generate(seed int64, opts Options) string {
	n := opts.Instructions
	if n <= 0 {
		n = DefaultInstructions
	}
	g := &gen{
		r:      rand.New(rand.NewPCG(uint64(seed), 0x6876_6d5f_7276_6765)), // "hvm_rvge"
		n:      n,
		labels: map[int][]string{},
		opts:   opts,
	}
	return g.program(seed)
}

type gen struct {
	r      *rand.Rand
	n      int
	opts   Options
	units  [][]string
	labels map[int][]string // unit index -> labels to place before it (n = the end)
	nlabel int
}

// Register choices. x2 (sp) is never a destination.
func (g *gen) rd() string {
	if g.r.IntN(20) == 0 {
		return "x0"
	}
	return g.rdNZ()
}

// rdNZ: a destination other than x0 and sp.
func (g *gen) rdNZ() string {
	i := 1 + g.r.IntN(30) // 1..30 -> skip 2
	if i >= 2 {
		i++
	}
	return fmt.Sprintf("x%d", i)
}

// rdNZExcept: as rdNZ, but not the given register.
func (g *gen) rdNZExcept(not string) string {
	for {
		if r := g.rdNZ(); r != not {
			return r
		}
	}
}

func (g *gen) rs() string { return fmt.Sprintf("x%d", g.r.IntN(32)) }

// rc: one of the eight registers compressed forms can name (x8..x15).
func (g *gen) rc() string { return fmt.Sprintf("x%d", 8+g.r.IntN(8)) }

// imm12 is a random 12-bit signed immediate, often at or near an edge.
func (g *gen) imm12() int64 {
	switch g.r.IntN(6) {
	case 0:
		return []int64{-2048, -1, 0, 1, 2047, 2046, -2047}[g.r.IntN(7)]
	default:
		return g.r.Int64N(4096) - 2048
	}
}

// shamt is a shift amount below limit, often 0, 1, limit/2 or limit-1.
func (g *gen) shamt(limit int) int {
	if g.r.IntN(3) == 0 {
		return []int{0, 1, limit/2 - 1, limit / 2, limit - 1}[g.r.IntN(5)]
	}
	return g.r.IntN(limit)
}

var specialValues = []string{
	"0", "1", "-1", "0x8000000000000000", "0x7fffffffffffffff", "0x80000000",
	"0x7fffffff", "0xffffffff", "-0x80000000", "31", "32", "63", "64", "0xffffffff00000000",
}

// rand64 is a random register value, sometimes a special one.
func (g *gen) rand64() string {
	if g.r.IntN(5) == 0 {
		return specialValues[g.r.IntN(len(specialValues))]
	}
	return fmt.Sprintf("0x%016x", g.r.Uint64())
}

func (g *gen) pick(s []string) string { return s[g.r.IntN(len(s))] }

// forward returns a new label placed 1..4 units after the current one (or at the end).
func (g *gen) forward() string {
	at := len(g.units) + 1 + g.r.IntN(4)
	if at > g.n {
		at = g.n
	}
	g.nlabel++
	l := fmt.Sprintf(".L%d", g.nlabel)
	g.labels[at] = append(g.labels[at], l)
	return l
}

var (
	aluR = []string{"add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
		"addw", "subw", "sllw", "srlw", "sraw"}
	mulDiv = []string{"mul", "mulh", "mulhsu", "mulhu", "mulw", "div", "divu", "rem", "remu",
		"divw", "divuw", "remw", "remuw"}
	aluI     = []string{"addi", "slti", "sltiu", "xori", "ori", "andi", "addiw"}
	shiftI64 = []string{"slli", "srli", "srai"}
	shiftI32 = []string{"slliw", "srliw", "sraiw"}
	branches = []string{"beq", "bne", "blt", "bge", "bltu", "bgeu"}
	amoOps   = []string{"amoswap", "amoadd", "amoxor", "amoand", "amoor", "amomin", "amomax",
		"amominu", "amomaxu"}
	orderings = []string{"", ".aq", ".rl", ".aqrl"}
	loads     = []struct {
		op    string
		width int
	}{{"lb", 1}, {"lbu", 1}, {"lh", 2}, {"lhu", 2}, {"lw", 4}, {"lwu", 4}, {"ld", 8}}
	stores = []struct {
		op    string
		width int
	}{{"sb", 1}, {"sh", 2}, {"sw", 4}, {"sd", 8}}
)

// unit kinds with their weights.
type unitKind struct {
	weight int
	emit   func(g *gen) []string
	cflag  bool // an explicit compressed form: skipped with NoExplicitCompressed
}

var unitKinds = []unitKind{
	{18, (*gen).aluRUnit, false},
	{14, (*gen).aluIUnit, false},
	{10, (*gen).mulDivUnit, false},
	{4, (*gen).upperUnit, false},
	{4, (*gen).specialUnit, false},
	{9, (*gen).loadUnit, false},
	{9, (*gen).storeUnit, false},
	{5, (*gen).amoUnit, false},
	{3, (*gen).lrscUnit, false},
	{1, (*gen).loneSCUnit, false},
	{6, (*gen).branchUnit, false},
	{3, (*gen).jalUnit, false},
	{3, (*gen).jalrUnit, false},
	{1, (*gen).fenceUnit, false},
	{3, (*gen).norvcUnit, false},
	{16, (*gen).compressedUnit, true},
	{3, (*gen).compressedJumpUnit, true},
}

func (g *gen) program(seed int64) string {
	total := 0
	for _, k := range unitKinds {
		if !(k.cflag && g.opts.NoExplicitCompressed) {
			total += k.weight
		}
	}
	for len(g.units) < g.n {
		w := g.r.IntN(total)
		for _, k := range unitKinds {
			if k.cflag && g.opts.NoExplicitCompressed {
				continue
			}
			if w < k.weight {
				g.units = append(g.units, k.emit(g))
				break
			}
			w -= k.weight
		}
	}

	var b strings.Builder
	fmt.Fprintf(&b, "# rvgen: random RV64IMAC exec-mode program, seed %d, %d units.\n", seed, g.n)
	b.WriteString("# Output: x0..x31 (8 bytes each, little-endian), then the 2048-byte scratch buffer.\n")
	b.WriteString("\t.option norelax\n\t.text\n\t.globl _start\n_start:\n")
	b.WriteString("\tla x2, scratch\n")
	for i := 1; i < 32; i++ {
		if i != 2 {
			fmt.Fprintf(&b, "\tli x%d, %s\n", i, g.rand64())
		}
	}
	b.WriteString("# ---- random part ----\n")
	for i, u := range g.units {
		for _, l := range g.labels[i] {
			b.WriteString(l + ":\n")
		}
		for _, line := range u {
			b.WriteString("\t" + line + "\n")
		}
	}
	for _, l := range g.labels[g.n] {
		b.WriteString(l + ":\n")
	}
	b.WriteString("# ---- dump registers and scratch, exit 0 ----\n")
	for i := 0; i < 32; i++ {
		fmt.Fprintf(&b, "\tsd x%d, %d(x2)\n", i, -RegDumpSize+8*i)
	}
	fmt.Fprintf(&b, "\taddi x11, x2, %d\n\tli x10, 1\n\tli x12, %d\n\tli x17, 64\n\tecall\n", -RegDumpSize, OutputSize)
	b.WriteString("\tli x10, 0\n\tli x17, 93\n\tecall\n")
	b.WriteString("\t.data\n\t.balign 16\nregdump:\n")
	fmt.Fprintf(&b, "\t.space %d\nscratch:\n", RegDumpSize)
	for i := 0; i < ScratchSize/8; i++ {
		fmt.Fprintf(&b, "\t.dword 0x%016x\n", g.r.Uint64())
	}
	return b.String()
}

func (g *gen) aluRUnit() []string {
	return []string{fmt.Sprintf("%s %s, %s, %s", g.pick(aluR), g.rd(), g.rs(), g.rs())}
}

func (g *gen) aluIUnit() []string {
	switch g.r.IntN(4) {
	case 0:
		return []string{fmt.Sprintf("%s %s, %s, %d", g.pick(shiftI64), g.rd(), g.rs(), g.shamt(64))}
	case 1:
		return []string{fmt.Sprintf("%s %s, %s, %d", g.pick(shiftI32), g.rd(), g.rs(), g.shamt(32))}
	default:
		return []string{fmt.Sprintf("%s %s, %s, %d", g.pick(aluI), g.rd(), g.rs(), g.imm12())}
	}
}

// mulDivUnit sometimes loads the operands with the spec's special cases first:
// division by zero and the signed overflow MIN / -1 (64- and 32-bit).
func (g *gen) mulDivUnit() []string {
	op := g.pick(mulDiv)
	a, b := g.rdNZ(), g.rdNZ()
	var u []string
	switch g.r.IntN(5) {
	case 0:
		u = append(u, "li "+b+", 0")
	case 1:
		u = append(u, "li "+a+", 0x8000000000000000", "li "+b+", -1")
	case 2:
		u = append(u, "li "+a+", -0x80000000", "li "+b+", -1")
	}
	if a == b && len(u) == 2 {
		u = u[:1] // same register: keep it simple, one special value
	}
	return append(u, fmt.Sprintf("%s %s, %s, %s", op, g.rd(), a, b))
}

func (g *gen) upperUnit() []string {
	op := "lui"
	if g.r.IntN(2) == 0 {
		op = "auipc"
	}
	return []string{fmt.Sprintf("%s %s, 0x%x", op, g.rd(), g.r.IntN(1<<20))}
}

func (g *gen) specialUnit() []string {
	return []string{fmt.Sprintf("li %s, %s", g.rdNZ(), specialValues[g.r.IntN(len(specialValues))])}
}

// memBase returns the base register and the offset range [lo, hi] that keeps an access
// of the given width inside the scratch buffer, after any set-up instruction.
func (g *gen) memBase(width int) (setup []string, base string, lo, hi int) {
	if g.r.IntN(3) > 0 {
		return nil, "x2", 0, ScratchSize - width
	}
	k := g.r.IntN(ScratchSize) // base = sp + k, anywhere in the buffer
	base = g.rdNZ()
	lo, hi = -k, ScratchSize-width-k
	if lo < -2048 {
		lo = -2048
	}
	if hi > 2047 {
		hi = 2047
	}
	return []string{fmt.Sprintf("addi %s, x2, %d", base, k)}, base, lo, hi
}

func (g *gen) loadUnit() []string {
	l := loads[g.r.IntN(len(loads))]
	setup, base, lo, hi := g.memBase(l.width)
	off := lo + g.r.IntN(hi-lo+1)
	return append(setup, fmt.Sprintf("%s %s, %d(%s)", l.op, g.rd(), off, base))
}

func (g *gen) storeUnit() []string {
	s := stores[g.r.IntN(len(stores))]
	setup, base, lo, hi := g.memBase(s.width)
	off := lo + g.r.IntN(hi-lo+1)
	return append(setup, fmt.Sprintf("%s %s, %d(%s)", s.op, g.rs(), off, base))
}

// alignedAddr sets a fresh register to a naturally aligned scratch address.
func (g *gen) alignedAddr(width int) (string, string) {
	base := g.rdNZ()
	off := width * g.r.IntN(ScratchSize/width)
	return base, fmt.Sprintf("addi %s, x2, %d", base, off)
}

func widthSuffix(w int) string {
	if w == 4 {
		return ".w"
	}
	return ".d"
}

func (g *gen) amoUnit() []string {
	w := 4 << g.r.IntN(2)
	base, setup := g.alignedAddr(w)
	op := g.pick(amoOps) + widthSuffix(w) + g.pick(orderings)
	return []string{setup, fmt.Sprintf("%s %s, %s, (%s)", op, g.rd(), g.rs(), base)}
}

// lrscUnit: LR, up to two ALU instructions that leave the address register alone,
// then an SC of the same width to the same address. Nothing in between touches memory,
// so the SC succeeds on every implementation (unprivileged spec 8.3).
func (g *gen) lrscUnit() []string {
	w := 4 << g.r.IntN(2)
	base, setup := g.alignedAddr(w)
	u := []string{setup, fmt.Sprintf("lr%s%s %s, (%s)", widthSuffix(w), g.pick(orderings), g.rdNZExcept(base), base)}
	for k := g.r.IntN(3); k > 0; k-- {
		u = append(u, fmt.Sprintf("%s %s, %s, %s", g.pick(aluR), g.rdNZExcept(base), g.rs(), g.rs()))
	}
	return append(u, fmt.Sprintf("sc%s%s %s, %s, (%s)", widthSuffix(w), g.pick(orderings), g.rd(), g.rs(), base))
}

// loneSCUnit: an SC with no reservation (every earlier LR was consumed by its SC):
// it fails, writes 1 to rd and leaves memory alone.
func (g *gen) loneSCUnit() []string {
	w := 4 << g.r.IntN(2)
	base, setup := g.alignedAddr(w)
	return []string{setup, fmt.Sprintf("sc%s %s, %s, (%s)", widthSuffix(w), g.rd(), g.rs(), base)}
}

func (g *gen) branchUnit() []string {
	a, b := g.rs(), g.rs()
	if g.r.IntN(6) == 0 {
		b = a // always equal: beq/bge/bgeu taken, the others not
	}
	return []string{fmt.Sprintf("%s %s, %s, %s", g.pick(branches), a, b, g.forward())}
}

func (g *gen) jalUnit() []string {
	if g.r.IntN(3) == 0 {
		return []string{"j " + g.forward()}
	}
	return []string{fmt.Sprintf("jal %s, %s", g.rd(), g.forward())}
}

// jalrUnit jumps forward through a register: plain, with an odd target (JALR clears
// bit 0), with a nonzero offset, and with rd == rs1.
func (g *gen) jalrUnit() []string {
	base, target := g.rdNZ(), g.forward()
	u := []string{fmt.Sprintf("la %s, %s", base, target)}
	switch g.r.IntN(4) {
	case 0:
		return append(u, fmt.Sprintf("jalr %s, 0(%s)", g.rd(), base))
	case 1:
		return append(u, fmt.Sprintf("addi %s, %s, 1", base, base), fmt.Sprintf("jalr %s, 0(%s)", g.rd(), base))
	case 2:
		return append(u, fmt.Sprintf("addi %s, %s, -12", base, base), fmt.Sprintf("jalr %s, 12(%s)", g.rd(), base))
	default:
		return append(u, fmt.Sprintf("jalr %s, 0(%s)", base, base))
	}
}

func (g *gen) fenceUnit() []string {
	return []string{g.pick([]string{"fence", "fence rw, rw", "fence.tso", "fence iorw, iorw"})}
}

// norvcUnit: a few ALU instructions the assembler must keep 32 bits long, even where a
// compressed form exists (add x8, x8, x9 would otherwise become c.add).
func (g *gen) norvcUnit() []string {
	u := []string{".option push", ".option norvc"}
	for k := 1 + g.r.IntN(3); k > 0; k-- {
		r := g.rc()
		switch g.r.IntN(3) {
		case 0:
			u = append(u, fmt.Sprintf("add %s, %s, %s", r, r, g.rc()))
		case 1:
			u = append(u, fmt.Sprintf("addi %s, %s, %d", r, r, g.r.IntN(63)-31))
		default:
			u = append(u, fmt.Sprintf("%s %s, %s, %s", g.pick(aluR), g.rd(), g.rs(), g.rs()))
		}
	}
	return append(u, ".option pop")
}

// cimm6: a 6-bit signed immediate; nonzero if nz.
func (g *gen) cimm6(nz bool) int {
	for {
		v := g.r.IntN(64) - 32
		if v != 0 || !nz {
			return v
		}
	}
}

func (g *gen) rdNZc() string { // nonzero, not sp, for the c.* forms that allow any rd
	return g.rdNZ()
}

// compressedUnit: one explicit RV64C form (or a short group for the ones that need a
// base register or move sp), respecting each form's operand constraints (unprivileged
// spec chapter 16).
func (g *gen) compressedUnit() []string {
	switch g.r.IntN(27) {
	case 0:
		return []string{fmt.Sprintf("c.addi %s, %d", g.rdNZc(), g.cimm6(true))}
	case 1:
		return []string{fmt.Sprintf("c.addiw %s, %d", g.rdNZc(), g.cimm6(false))}
	case 2:
		return []string{fmt.Sprintf("c.li %s, %d", g.rdNZc(), g.cimm6(false))}
	case 3:
		imm := 1 + g.r.IntN(31)
		if g.r.IntN(2) == 0 {
			imm = 0xfffe0 + g.r.IntN(32)
		}
		return []string{fmt.Sprintf("c.lui %s, 0x%x", g.rdNZc(), imm)}
	case 4:
		return []string{fmt.Sprintf("c.slli %s, %d", g.rdNZc(), 1+g.r.IntN(63))}
	case 5:
		return []string{fmt.Sprintf("c.srli %s, %d", g.rc(), 1+g.r.IntN(63))}
	case 6:
		return []string{fmt.Sprintf("c.srai %s, %d", g.rc(), 1+g.r.IntN(63))}
	case 7:
		return []string{fmt.Sprintf("c.andi %s, %d", g.rc(), g.cimm6(false))}
	case 8:
		return []string{fmt.Sprintf("c.mv %s, %s", g.rdNZc(), fmt.Sprintf("x%d", 1+g.r.IntN(31)))}
	case 9:
		return []string{fmt.Sprintf("c.add %s, %s", g.rdNZc(), fmt.Sprintf("x%d", 1+g.r.IntN(31)))}
	case 10, 11, 12:
		op := g.pick([]string{"c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw"})
		return []string{fmt.Sprintf("%s %s, %s", op, g.rc(), g.rc())}
	case 13:
		return []string{fmt.Sprintf("c.lwsp %s, %d(x2)", g.rdNZc(), 4*g.r.IntN(64))}
	case 14:
		return []string{fmt.Sprintf("c.ldsp %s, %d(x2)", g.rdNZc(), 8*g.r.IntN(64))}
	case 15:
		return []string{fmt.Sprintf("c.swsp %s, %d(x2)", g.rs(), 4*g.r.IntN(64))}
	case 16:
		return []string{fmt.Sprintf("c.sdsp %s, %d(x2)", g.rs(), 8*g.r.IntN(64))}
	case 17, 18, 19, 20:
		// c.lw / c.ld / c.sw / c.sd through a compressible base set to sp + k (any k,
		// so the access may be misaligned); offsets up to 124 / 248.
		base := g.rc()
		k := g.r.IntN(ScratchSize - 256)
		setup := fmt.Sprintf("addi %s, x2, %d", base, k)
		switch g.r.IntN(4) {
		case 0:
			return []string{setup, fmt.Sprintf("c.lw %s, %d(%s)", g.rc(), 4*g.r.IntN(32), base)}
		case 1:
			return []string{setup, fmt.Sprintf("c.ld %s, %d(%s)", g.rc(), 8*g.r.IntN(32), base)}
		case 2:
			return []string{setup, fmt.Sprintf("c.sw %s, %d(%s)", g.rc(), 4*g.r.IntN(32), base)}
		default:
			return []string{setup, fmt.Sprintf("c.sd %s, %d(%s)", g.rc(), 8*g.r.IntN(32), base)}
		}
	case 21:
		return []string{fmt.Sprintf("c.addi4spn %s, x2, %d", g.rc(), 4*(1+g.r.IntN(255)))}
	case 22:
		// Move sp up by 16k, store through it, move it back: sp + 16k + off + 8 stays
		// inside the buffer.
		k := 1 + g.r.IntN(31)
		off := 8 * g.r.IntN((ScratchSize-16*k-8)/8+1)
		if off > 504 {
			off = 504
		}
		return []string{
			fmt.Sprintf("c.addi16sp x2, %d", 16*k),
			fmt.Sprintf("c.sdsp %s, %d(x2)", g.rs(), off),
			fmt.Sprintf("c.addi16sp x2, %d", -16*k),
		}
	case 23:
		return []string{"c.nop"}
	default:
		// plain instructions the assembler compresses by itself when it can
		r := g.rc()
		return []string{fmt.Sprintf("%s %s, %s, %s", g.pick([]string{"add", "and", "or", "xor", "sub", "addw", "subw"}), r, r, g.rc())}
	}
}

// compressedJumpUnit: c.j, c.beqz, c.bnez forward; c.jr and c.jalr through a register.
func (g *gen) compressedJumpUnit() []string {
	switch g.r.IntN(5) {
	case 0:
		return []string{"c.j " + g.forward()}
	case 1:
		return []string{fmt.Sprintf("c.beqz %s, %s", g.rc(), g.forward())}
	case 2:
		return []string{fmt.Sprintf("c.bnez %s, %s", g.rc(), g.forward())}
	case 3:
		base := g.rdNZ()
		return []string{fmt.Sprintf("la %s, %s", base, g.forward()), "c.jr " + base}
	default:
		base := g.rdNZ()
		return []string{fmt.Sprintf("la %s, %s", base, g.forward()), "c.jalr " + base} // links ra = pc + 2
	}
}
