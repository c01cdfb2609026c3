// Package asm is the one place in hybridvm that touches golang-asm (the Go toolchain's
// assembler, github.com/twitchyliquid64/golang-asm). It wraps it behind a small,
// architecture-neutral builder: instructions with register, immediate and memory
// operands, labels, raw bytes whose final offsets can be read back for patching, and
// an Assemble that turns golang-asm's diagnostics into errors instead of printing
// them. golang-asm keeps package-level encoding tables, so assembling with it is
// serialised by a mutex.
//
// On amd64 the builder does not call golang-asm: its own encoder (x86enc.go) writes
// the bytes golang-asm would write for every instruction form the backend uses, at a
// fraction of the cost, and is checked against golang-asm byte for byte by the tests
// (CheckDirectEncoding). It also pads code to a boundary with NOPs (Align, for loop
// heads), which golang-asm cannot express on amd64: the check hands it the padding as
// raw bytes. arm64 code is assembled by golang-asm.
//
// The backends (codegen/amd64, codegen/arm64) use the Op and Reg constants this
// package re-exports (amd64.go, arm64.go), so none of them imports golang-asm itself. asm imports nothing from the
// project.
package asm

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/twitchyliquid64/golang-asm/obj"
)

// mu serialises everything that reads or writes golang-asm's package-level state:
// table initialisation and the encoders.
var mu sync.Mutex

// Op is an instruction (golang-asm's obj.As).
type Op int16

// Reg is a register (golang-asm's register numbering).
type Reg int16

// NoReg is the absent register.
const NoReg Reg = 0

// Operand is an instruction operand: a register, an immediate, or memory
// [Base + Index*Scale + Off].
type Operand struct {
	typ   obj.AddrType
	reg   Reg // the register, or the base of a memory operand
	index Reg
	scale int16
	off   int64
}

// None is the absent operand.
var None = Operand{}

// R is a register operand.
func R(r Reg) Operand { return Operand{typ: obj.TYPE_REG, reg: r} }

// Imm is an immediate operand.
func Imm(v int64) Operand { return Operand{typ: obj.TYPE_CONST, off: v} }

// Mem is the memory operand [base + off].
func Mem(base Reg, off int64) Operand { return Operand{typ: obj.TYPE_MEM, reg: base, off: off} }

// MemIdx is the memory operand [base + index*scale + off].
func MemIdx(base, index Reg, scale int, off int64) Operand {
	return Operand{typ: obj.TYPE_MEM, reg: base, index: index, scale: int16(scale), off: off}
}

// IsReg, IsImm and IsMem classify an operand.
func (o Operand) IsReg() bool { return o.typ == obj.TYPE_REG }
func (o Operand) IsImm() bool { return o.typ == obj.TYPE_CONST }
func (o Operand) IsMem() bool { return o.typ == obj.TYPE_MEM }

// Reg is a register operand's register (NoReg otherwise).
func (o Operand) Reg() Reg {
	if o.typ == obj.TYPE_REG {
		return o.reg
	}
	return NoReg
}

// Value is an immediate operand's value.
func (o Operand) Value() int64 { return o.off }

// WideImm reports whether o is an immediate outside the int32 range (through a
// pointer: a check made for every instruction should not copy the operand).
func WideImm(o *Operand) bool { return o.typ == obj.TYPE_CONST && o.off != int64(int32(o.off)) }

func (o Operand) addr() obj.Addr {
	a := obj.Addr{Type: o.typ, Offset: o.off}
	switch o.typ {
	case obj.TYPE_REG:
		a.Reg = int16(o.reg)
		a.Offset = 0
	case obj.TYPE_MEM:
		a.Reg = int16(o.reg)
		a.Index = int16(o.index)
		a.Scale = o.scale
	}
	return a
}

// Builder accumulates one unit of code. On amd64 it encodes every instruction as it
// is emitted (x86enc.go) and Assemble only sizes the jumps; elsewhere it keeps a
// list of instruction records that Assemble hands to golang-asm. It is not safe for
// concurrent use; different builders may be used concurrently (golang-asm is
// serialised by a mutex).
//
// Records: golang-asm needs one per instruction. The direct encoder needs them only
// for what Assemble must place (labels, jumps, marks), so without the check
// (CheckDirectEncoding) an ordinary instruction is encoded straight into the code and
// leaves no record.
type Builder struct {
	arch      *obj.LinkArch
	errs      []string
	pending   []*Label // labels used but not yet bound
	rel32     []rel32Fix
	assembled bool
	word      Op  // the op that emits a raw 32-bit word on this architecture
	zero      Reg // arm64: the zero register, which replaces an immediate 0 operand
	// x is the direct encoder (nil: golang-asm encodes the records).
	x *x86enc
	// insts are the records golang-asm encodes: kept when there is no direct
	// encoder, or to check it (CheckDirectEncoding).
	insts []inst
	keep  bool
	// direct: x encodes ordinary instructions without records (x != nil, !keep).
	direct bool
	n      int32 // records so far (a Mark or Label names its record by index)
	// start is each record's offset in the code after Assemble (golang-asm, and the
	// check; a direct builder asks its encoder: x86enc.offset).
	start []int32
	// labels are allocated in slabs (one allocation per label showed in profiles):
	// labels is what is left of the current one, slabs[:nextSlab] those in use (a
	// recycled builder reuses them).
	labels   []Label
	slabs    [][]Label
	nextSlab int
}

// inst is one record: an instruction (op with up to four operands), a jump to a
// label, a label's position, an alignment (amd64), or arm64's TEXT header.
type inst struct {
	kind  instKind
	mark  bool // Raw32's word, whose offset is read back (the check replays it as such)
	op    Op
	from  Operand
	mid   Operand // the third operand (golang-asm's RestArgs[0]; instReg: its Reg)
	rest  Operand // instReg4's fourth operand (RestArgs[0])
	to    Operand
	label *Label // instJump: the target; instBind: the label bound here
}

type instKind uint8

const (
	instOp    instKind = iota // op from, to (mid: RestArgs when set)
	instReg                   // op from, mid (golang-asm's Reg), to
	instReg4                  // op from, mid (Reg), rest (RestArgs), to
	instJump                  // op (from), label
	instBind                  // the position of label
	instAlign                 // amd64: NOP padding to the boundary from (Imm) of at most to (Imm) bytes
	instText                  // arm64's TEXT header (encodes to nothing)
)

// rel32Fix is a 32-bit displacement to a label, patched after assembly.
type rel32Fix struct {
	disp   Mark
	target *Label
}

// Label is a position in the code that jumps may target before it is bound.
type Label struct {
	b     *Builder
	at    int32 // the instBind record (-1: not bound)
	bound bool
}

// Mark is an emitted word (Raw32) whose offset can be read after Assemble.
type Mark struct {
	b *Builder
	i int32
}

// Offset is the word's offset from the start of the code (after Assemble).
func (m Mark) Offset() int { return m.b.offset(m.i) }

// End is the offset just after the word (after Assemble).
func (m Mark) End() int { return m.Offset() + 4 }

func (b *Builder) offset(i int32) int {
	if b.direct {
		return int(b.x.offset(i))
	}
	if i < 0 || int(i) >= len(b.start) {
		return 0
	}
	return int(b.start[i])
}

// slab is how many labels the builder allocates at once.
const slab = 256

// record adds a record and returns its index.
func (b *Builder) record(in *inst) int32 {
	if b.x != nil {
		b.x.add(b, in)
	}
	if b.keep {
		b.insts = append(b.insts, *in)
	}
	b.n++
	return b.n - 1
}

// Inst emits op from, to (golang-asm operand order: source first). Either operand
// may be None.
func (b *Builder) Inst(op Op, from, to Operand) {
	if b.direct { // the encoder reads the operands where they are
		b.x.op(b, op, &from, &None, &to)
		return
	}
	b.record(&inst{kind: instOp, op: op, from: b.fixZero(from), to: to})
}

// Inst3 emits a three-operand instruction op from, mid, to (for example a
// three-operand multiply or a BMI2 shift: from is the first source, mid the second).
func (b *Builder) Inst3(op Op, from, mid, to Operand) {
	if b.direct {
		b.x.op(b, op, &from, &mid, &to)
		return
	}
	b.record(&inst{kind: instOp, op: op, from: from, mid: mid, to: to})
}

// NewLabel returns an unbound label.
func (b *Builder) NewLabel() *Label {
	if len(b.labels) == 0 {
		if b.nextSlab == len(b.slabs) {
			b.slabs = append(b.slabs, make([]Label, slab))
		}
		b.labels = b.slabs[b.nextSlab]
		b.nextSlab++
	}
	l := &b.labels[0]
	b.labels = b.labels[1:]
	*l = Label{b: b, at: -1}
	return l
}

// Bind places l at the current position.
func (b *Builder) Bind(l *Label) {
	if l.bound {
		b.errs = append(b.errs, "label bound twice")
		return
	}
	l.bound = true
	l.at = b.record(&inst{kind: instBind, label: l})
}

// Jump emits a jump (conditional or not) to l.
func (b *Builder) Jump(op Op, l *Label) {
	if !l.bound {
		b.pending = append(b.pending, l)
	}
	b.record(&inst{kind: instJump, op: op, label: l})
}

// Raw emits bytes verbatim (for instructions whose operands are patched after
// assembly, such as RIP-relative addresses).
func (b *Builder) Raw(bytes ...byte) {
	if b.direct {
		b.x.code = append(b.x.code, bytes...)
		return
	}
	for _, v := range bytes {
		b.Inst(rawByte, Imm(int64(v)), None)
	}
}

// Raw32 emits a 32-bit little-endian word verbatim and returns its mark.
func (b *Builder) Raw32(v uint32) Mark {
	in := inst{kind: instOp, mark: true, op: b.word, to: Imm(int64(v))} // arm64's WORD takes its value as the destination
	if b.word == rawLong {
		in.from, in.to = Imm(int64(v)), None
	}
	return Mark{b, b.record(&in)}
}

// Assemble encodes the code. A builder assembles once.
func (b *Builder) Assemble() ([]byte, error) {
	if b.assembled {
		return nil, errors.New("asm: builder already assembled")
	}
	b.assembled = true
	for _, l := range b.pending {
		if !l.bound {
			b.errs = append(b.errs, "jump to a label that was never bound")
			break
		}
	}
	if len(b.errs) > 0 {
		return nil, fmt.Errorf("asm: %s", strings.Join(b.errs, "; "))
	}
	if b.n == 0 && (b.x == nil || len(b.x.code) == 0) {
		return nil, nil
	}
	var code []byte
	if b.x != nil {
		code = b.x.finish(b)
		if b.keep {
			if err := b.checkDirect(code); err != nil {
				return nil, err
			}
		}
	} else {
		var err error
		if code, err = b.golangAsm(); err != nil {
			return nil, err
		}
	}
	for _, f := range b.rel32 {
		binary.LittleEndian.PutUint32(code[f.disp.Offset():], uint32(int32(f.target.Offset()-f.disp.End())))
	}
	return code, nil
}

// checkDirect fails unless golang-asm encodes b's records (with the padding the
// direct encoder chose as raw bytes) to code with every record at the offset the
// direct encoder put it, and the direct encoder without records (replayDirect)
// agrees too. b.start stays the direct encoder's.
func (b *Builder) checkDirect(code []byte) error {
	start := slices.Clone(b.start)
	ref, err := b.golangAsm()
	if err != nil {
		return err
	}
	refStart := b.start
	b.start = start
	if !bytes.Equal(ref, code) || !slices.Equal(refStart, start) {
		return fmt.Errorf("asm: the direct encoding differs from golang-asm's:\n%x\n%x", code, ref)
	}
	return b.replayDirect(code)
}

// replayDirect encodes b's records again as a builder without the check does (no
// records for ordinary instructions, the bytes straight into the code) and fails
// unless that gives code and puts every label and mark exactly where b did.
func (b *Builder) replayDirect(code []byte) error {
	r := &Builder{arch: b.arch, word: b.word, x: newX86enc(), direct: true}
	labels := map[*Label]*Label{}
	label := func(l *Label) *Label {
		if m, ok := labels[l]; ok {
			return m
		}
		m := r.NewLabel()
		labels[l] = m
		return m
	}
	var marks [][2]Mark // b's mark, r's
	for i, in := range b.insts {
		switch {
		case in.kind == instBind:
			r.Bind(label(in.label))
		case in.kind == instJump:
			r.Jump(in.op, label(in.label))
		case in.kind == instAlign:
			r.Align(int(in.from.off), int(in.to.off))
		case in.mark:
			marks = append(marks, [2]Mark{{b, int32(i)}, r.Raw32(uint32(in.from.off))})
		case in.kind == instOp && in.op == rawByte:
			r.Raw(byte(in.from.off))
		case in.kind == instOp:
			r.Inst3(in.op, in.from, in.mid, in.to)
		default:
			return fmt.Errorf("asm: record kind %d in amd64 code", in.kind)
		}
	}
	got, err := r.Assemble()
	if err != nil {
		return fmt.Errorf("asm: the direct encoding without records fails: %w", err)
	}
	if !bytes.Equal(got, code) {
		return fmt.Errorf("asm: the direct encoding without records differs:\n%x\n%x", got, code)
	}
	for l, m := range labels {
		if l.Offset() != m.Offset() {
			return fmt.Errorf("asm: a label at %d without records, %d with", m.Offset(), l.Offset())
		}
	}
	for _, m := range marks {
		if m[0].Offset() != m[1].Offset() {
			return fmt.Errorf("asm: a mark at %d without records, %d with", m[1].Offset(), m[0].Offset())
		}
	}
	return nil
}

// checkDirect makes builders created from now on keep their records and Assemble
// encode them with golang-asm as well, failing when the bytes differ.
var checkDirect atomic.Bool

// CheckDirectEncoding makes every builder created from now on that encodes directly
// also encode with golang-asm, and its Assemble fail unless the bytes and offsets are
// the same (on: tests). It returns the previous setting.
func CheckDirectEncoding(on bool) bool { return checkDirect.Swap(on) }

// golangAsm encodes the records with golang-asm and sets the records' offsets.
func (b *Builder) golangAsm() ([]byte, error) {
	mu.Lock()
	defer mu.Unlock()
	ctxt := obj.Linknew(b.arch)
	ctxt.IsAsm = true // no jump padding: the code is ours, byte for byte
	ctxt.DiagFunc = b.diag
	ctxt.DiagFlush = func() {}
	ctxt.Arch.Init(ctxt)
	// An alignment becomes the padding the direct encoder chose, as raw bytes (golang-asm
	// has no alignment directive on amd64; no padding: a NOP, which takes none): at[i]
	// is record i's first prog, pad[i] its padding.
	var pads []int32
	if b.x != nil {
		for _, j := range b.x.items {
			if j.label == nil {
				pads = append(pads, j.pad)
			}
		}
	}
	at := make([]int, len(b.insts))
	var pad map[int][]byte
	count := 0
	for i := range b.insts {
		at[i] = count
		count++
		if b.insts[i].kind == instAlign && len(pads) > 0 {
			if pad == nil {
				pad = map[int][]byte{}
			}
			pad[i] = make([]byte, pads[0])
			fillNops(pad[i])
			count += max(len(pad[i])-1, 0)
			pads = pads[1:]
		}
	}
	progs := make([]obj.Prog, count)
	for i := range progs {
		progs[i].Ctxt = ctxt
		if i > 0 {
			progs[i-1].Link = &progs[i]
		}
	}
	for i := range b.insts {
		in, p := &b.insts[i], &progs[at[i]]
		p.As = obj.As(in.op)
		switch in.kind {
		case instOp:
			p.From = in.from.addr()
			if in.mid.typ != obj.TYPE_NONE {
				p.RestArgs = []obj.Addr{in.mid.addr()}
			}
			p.To = in.to.addr()
		case instReg, instReg4:
			p.From = in.from.addr()
			p.Reg = int16(in.mid.reg)
			if in.kind == instReg4 {
				p.RestArgs = []obj.Addr{in.rest.addr()}
			}
			p.To = in.to.addr()
		case instJump:
			p.From = in.from.addr()
			p.To.Type = obj.TYPE_BRANCH
			p.To.SetTarget(&progs[at[in.label.at]])
		case instBind:
			p.As = obj.ANOP
		case instAlign:
			p.As = obj.ANOP
			for k, v := range pad[i] {
				q := &progs[at[i]+k]
				q.As, q.From = obj.As(rawByte), Imm(int64(v)).addr()
			}
		case instText:
			p.As = obj.ATEXT
		}
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: &progs[0]}}
	errs := len(b.errs)
	ctxt.Arch.Assemble(ctxt, s, ctxt.NewProg)
	if len(b.errs) > errs {
		return nil, fmt.Errorf("asm: %s", strings.Join(b.errs[errs:], "; "))
	}
	for _, r := range s.R {
		// Zero-size relocations only mark indirect calls and jumps (arm64's BR, BLR).
		if r.Siz != 0 {
			return nil, fmt.Errorf("asm: relocations left in position-independent code")
		}
	}
	b.start = make([]int32, len(b.insts))
	for i := range b.insts {
		b.start[i] = int32(progs[at[i]].Pc)
	}
	return s.P, nil
}

func (b *Builder) diag(format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
}

func newBuilder(arch *obj.LinkArch) *Builder {
	return &Builder{arch: arch, word: rawLong, keep: true}
}

// Offset is the label's offset from the start of the code (after Assemble).
func (l *Label) Offset() int { return l.b.offset(l.at) }

// fixZero replaces an immediate 0 source by the zero register on arm64: golang-asm's
// arm64 encoder puts register 0 (X0, not XZR) in the register field of an
// instruction whose constant operand is 0.
func (b *Builder) fixZero(o Operand) Operand {
	if b.zero != NoReg && o.IsImm() && o.off == 0 {
		return R(b.zero)
	}
	return o
}
