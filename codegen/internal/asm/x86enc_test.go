package asm

import (
	"bytes"
	"math/rand"
	"slices"
	"testing"
)

// assembleBoth builds the same code with the direct encoder and with golang-asm and
// returns both results; the direct encoder's is also checked against itself without
// records (Builder.replayDirect).
func assembleBoth(build func(b *Builder)) (direct, ref []byte, derr, rerr error) {
	b := NewAMD64()
	b.keep, b.direct = true, false
	build(b)
	if len(b.errs) > 0 {
		derr = errString(b.errs[0])
	}
	b.errs = nil
	direct = b.x.finish(b) // first: golang-asm takes its padding
	start := append([]int32(nil), b.start...)
	ref, rerr = b.golangAsm()
	if derr == nil && rerr == nil {
		if !slices.Equal(start, b.start) {
			derr = errString("record offsets differ")
		}
		b.start = start
		if derr == nil {
			derr = b.replayDirect(direct) // and without records, as outside the tests
		}
	}
	return direct, ref, derr, rerr
}

type errString string

func (e errString) Error() string { return string(e) }

// TestDirectEncodingMatchesGolangAsm: every op the direct encoder knows, with every
// combination of register, immediate and memory operands from a grid (registers that
// need REX bits or a SIB byte, immediates at every class boundary golang-asm's tables
// distinguish, memory with and without index, with no, 8-bit and 32-bit
// displacements), encodes to golang-asm's bytes exactly, and is refused exactly where
// golang-asm refuses it.
func TestDirectEncodingMatchesGolangAsm(t *testing.T) {
	regs := []Reg{AX, CX, DX, BX, SP, BP, SI, DI, R8, R9, R12, R13, R14, R15}
	imms := []int64{0, 1, 2, 3, 4, 127, 128, 255, 256, -1, -128, -129, 0x7fff, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, -0x80000000, -0x80000001, -0x8000_0000_0000_0000}
	mems := []Operand{
		Mem(AX, 0), Mem(SP, 0), Mem(BP, 0), Mem(R12, 0), Mem(R13, 0), Mem(R15, 8), Mem(R15, -128), Mem(R15, 127),
		Mem(SI, 128), Mem(R14, 0x1000), Mem(SP, -300), Mem(R12, 5), Mem(BP, 0x7fffffff),
		MemIdx(BX, SI, 1, 0), MemIdx(R14, AX, 1, 0), MemIdx(R13, R9, 8, 0), MemIdx(BP, AX, 4, 100),
		MemIdx(AX, R12, 2, -300), MemIdx(R15, CX, 4, 0), MemIdx(CX, DX, 4, 0),
	}
	var ops []Operand
	ops = append(ops, None)
	for _, r := range regs {
		ops = append(ops, R(r))
	}
	for _, v := range imms {
		ops = append(ops, Imm(v))
	}
	ops = append(ops, mems...)
	checked, accepted := 0, 0
	tbl := x86ops()
	for i := range tbl.ops {
		d := &tbl.ops[i]
		if d.form == xNone || d.form == xNop { // NOP: no bytes; golang-asm's takes odd operands
			continue
		}
		op := tbl.base + Op(i)
		mids := []Operand{None}
		if d.form == xIMUL3 || d.form == xBMI2 || d.form == xRORX {
			mids = append([]Operand{}, ops...)
		}
		for _, from := range ops {
			for _, mid := range mids {
				for _, to := range ops {
					if d.form == xIMUL3 || d.form == xBMI2 || d.form == xRORX {
						// Keep the three-operand grid small: registers and memory for
						// the sources, a register for the destination.
						if !to.IsReg() || (mid.IsImm() || mid.typ == 0) || (from.IsMem() && mid.IsMem()) {
							continue
						}
					}
					direct, ref, derr, rerr := assembleBoth(func(b *Builder) { b.Inst3(op, from, mid, to) })
					checked++
					if derr != nil && from.typ == 0 && (op == rawByte || op == rawLong || op == PUSHQ) || derr != nil && to.typ == 0 && op == POPQ {
						continue // golang-asm also takes the operand in the other slot (PUSHQ and POPQ then encode garbage)
					}
					switch {
					case rerr != nil && derr == nil:
						t.Errorf("%v %+v, %+v, %+v: golang-asm refuses it (%v), the direct encoder gives %x", op, from, mid, to, rerr, direct)
					case rerr == nil && derr != nil:
						t.Errorf("%v %+v, %+v, %+v: golang-asm gives %x, the direct encoder refuses it (%v)", op, from, mid, to, ref, derr)
					case rerr == nil && !bytes.Equal(direct, ref):
						t.Errorf("%v %+v, %+v, %+v: direct %x, golang-asm %x", op, from, mid, to, direct, ref)
					case rerr == nil:
						accepted++
					}
				}
			}
		}
	}
	t.Logf("%d combinations, %d encodable", checked, accepted)
}

// TestDirectJumpsMatchGolangAsm: random code of jumps (conditional or not, forward
// and backward, near and far), labels and instructions of various lengths: the
// direct encoder sizes every jump as golang-asm does (short where golang-asm makes it
// short, also when growing one jump pushes another out of reach) and puts every label
// and mark at the same offset.
func TestDirectJumpsMatchGolangAsm(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for round := 0; round < 300; round++ {
		direct, ref, derr, rerr := assembleBoth(randomJumps(rng))
		if derr != nil || rerr != nil {
			t.Fatalf("round %d: direct %v, golang-asm %v", round, derr, rerr)
		}
		if !bytes.Equal(direct, ref) {
			t.Fatalf("round %d:\ndirect     %x\ngolang-asm %x", round, direct, ref)
		}
	}
}

// randomJumps returns a builder of random code: jumps (conditional or not, forward
// and backward, near and far), labels, instructions of various lengths and marks.
func randomJumps(rng *rand.Rand) func(b *Builder) {
	return randomCode(rng, false)
}

// randomAligned is randomJumps with alignments among the rest.
func randomAligned(rng *rand.Rand) func(b *Builder) {
	return randomCode(rng, true)
}

func randomCode(rng *rand.Rand, aligned bool) func(b *Builder) {
	jumps := []Op{JMP, JEQ, JNE, JLT, JGE, JGT, JLE, JCS, JCC, JHI, JLS, JMI, JPL}
	n := 1 + rng.Intn(400)
	nl := 1 + rng.Intn(20)
	kinds := 11
	if aligned {
		kinds++
	}
	return func(b *Builder) {
		labels := make([]*Label, nl)
		for i := range labels {
			labels[i] = b.NewLabel()
		}
		next := 0
		for i := 0; i < n; i++ {
			switch k := rng.Intn(kinds); {
			case k == 11:
				b.Align([]int{16, 32}[rng.Intn(2)], []int{3, 10, 15}[rng.Intn(3)])
			case k < 3:
				b.Jump(jumps[rng.Intn(len(jumps))], labels[rng.Intn(nl)])
			case k == 3 && next < nl:
				b.Bind(labels[next])
				next++
			case k < 6:
				b.Inst(MOVQ, Imm(int64(rng.Uint64())), R(AX)) // 10 bytes
			case k < 8:
				b.Inst(ADDQ, R(BX), R(CX)) // 3 bytes
			case k < 10:
				b.Raw(0x90)
			default:
				b.Raw32(rng.Uint32())
			}
		}
		for ; next < nl; next++ {
			b.Bind(labels[next])
		}
	}
}

// TestReleasedBuilderReuse: a builder released and reused (its buffers and label
// slabs recycled) assembles exactly what a new builder does, labels included.
func TestReleasedBuilderReuse(t *testing.T) {
	defer CheckDirectEncoding(CheckDirectEncoding(false))
	used := NewAMD64()
	for round := 0; round < 100; round++ {
		seed := int64(round)
		var offsets [2][]int
		var codes [2][]byte
		for k, b := range []*Builder{used, {arch: used.arch, word: rawLong, x: newX86enc(), direct: true}} {
			build := randomJumps(rand.New(rand.NewSource(seed)))
			var labels []*Label
			build(b)
			for i := 0; i < b.nextSlab; i++ {
				for j := range b.slabs[i] {
					if l := &b.slabs[i][j]; l.b == b && (i < b.nextSlab-1 || j < slab-len(b.labels)) {
						labels = append(labels, l)
					}
				}
			}
			code, err := b.Assemble()
			if err != nil {
				t.Fatal(err)
			}
			codes[k] = append([]byte(nil), code...)
			for _, l := range labels {
				offsets[k] = append(offsets[k], l.Offset())
			}
		}
		if !bytes.Equal(codes[0], codes[1]) || !slices.Equal(offsets[0], offsets[1]) {
			t.Fatalf("round %d: a reused builder gives\n%x %v\na new one\n%x %v", round, codes[0], offsets[0], codes[1], offsets[1])
		}
		used.reset() // as NewAMD64 does with a released builder
	}
}

// TestCheckDirectEncoding: with the check on, a builder keeps its records and
// Assemble compares the two encodings (and succeeds when they agree).
func TestCheckDirectEncoding(t *testing.T) {
	defer CheckDirectEncoding(CheckDirectEncoding(true))
	b := NewAMD64()
	l := b.NewLabel()
	b.Bind(l)
	b.Inst(ADDQ, Imm(1), R(AX))
	b.Jump(JNE, l)
	code, err := b.Assemble()
	if err != nil || !b.keep || !bytes.Equal(code, []byte{0x48, 0x83, 0xc0, 0x01, 0x75, 0xfa}) {
		t.Fatalf("code %x, err %v, records kept %v", code, err, b.keep)
	}
}

// TestUnsupportedIsAnError: an instruction the direct encoder cannot encode is an
// error from Assemble, not silently wrong code.
func TestUnsupportedIsAnError(t *testing.T) {
	b := NewAMD64()
	b.Inst(SHLQ, R(DX), R(AX)) // a variable shift takes its count in CL only
	if _, err := b.Assemble(); err == nil {
		t.Fatal("SHLQ DX, AX assembled")
	}
}
