// Package asm is the one place in hybridvm that touches golang-asm (the Go toolchain's
// assembler, github.com/twitchyliquid64/golang-asm). It wraps it behind a small,
// architecture-neutral builder: instructions with register, immediate and memory
// operands, labels, raw bytes whose final offsets can be read back for patching, and
// an Assemble that turns golang-asm's diagnostics into errors instead of printing
// them. golang-asm keeps package-level encoding tables, so assembling is serialised by
// a mutex.
//
// The backends (codegen/amd64, codegen/arm64) use the Op and Reg constants this
// package re-exports (amd64.go, arm64.go), so none of them imports golang-asm itself. asm imports nothing from the
// project.
package asm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/twitchyliquid64/golang-asm/obj"
)

// mu serialises everything that reads or writes golang-asm's package-level state:
// table initialisation and span (the encoder).
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

// Builder accumulates one unit of code. It is not safe for concurrent use; different
// builders may be used concurrently (Assemble serialises the encoder).
type Builder struct {
	ctxt        *obj.Link
	first, last *obj.Prog
	errs        []string
	pending     []*Label // labels used but not yet bound
	rel32       []rel32Fix
	slab        []obj.Prog
	assembled   bool
	word        Op  // the op that emits a raw 32-bit word on this architecture
	zero        Reg // arm64: the zero register, which replaces an immediate 0 operand
}

// rel32Fix is a 32-bit displacement to a label, patched after assembly.
type rel32Fix struct {
	disp   *Mark
	target *Label
}

// Label is a position in the code that jumps may target before it is bound.
type Label struct {
	p     *obj.Prog // the zero-size placeholder the label stands for
	bound bool
}

// Mark is an emitted instruction whose offset can be read after Assemble.
type Mark struct{ p *obj.Prog }

// Offset is the instruction's offset from the start of the code (after Assemble).
func (m *Mark) Offset() int { return int(m.p.Pc) }

// End is the offset just after the instruction (after Assemble).
func (m *Mark) End() int { return int(m.p.Pc) + int(m.p.Isize) }

func (b *Builder) add(p *obj.Prog) {
	if b.first == nil {
		b.first = p
	} else {
		b.last.Link = p
	}
	b.last = p
}

// progSlab is how many instructions the builder allocates at once (one allocation
// per instruction dominated assembling time).
const progSlab = 512

func (b *Builder) newProg(op Op) *obj.Prog {
	if len(b.slab) == 0 {
		b.slab = make([]obj.Prog, progSlab)
	}
	p := &b.slab[0]
	b.slab = b.slab[1:]
	p.Ctxt = b.ctxt
	p.As = obj.As(op)
	return p
}

// Inst emits op from, to (golang-asm operand order: source first). Either operand
// may be None.
func (b *Builder) Inst(op Op, from, to Operand) *Mark {
	p := b.newProg(op)
	p.From = b.fixZero(from).addr()
	p.To = to.addr()
	b.add(p)
	return &Mark{p}
}

// Inst3 emits a three-operand instruction op from, mid, to (for example a
// three-operand multiply or a BMI2 shift: from is the first source, mid the second).
func (b *Builder) Inst3(op Op, from, mid, to Operand) *Mark {
	p := b.newProg(op)
	p.From = from.addr()
	p.RestArgs = []obj.Addr{mid.addr()}
	p.To = to.addr()
	b.add(p)
	return &Mark{p}
}

// NewLabel returns an unbound label.
func (b *Builder) NewLabel() *Label {
	return &Label{p: b.newProg(Op(obj.ANOP))}
}

// Bind places l at the current position.
func (b *Builder) Bind(l *Label) {
	if l.bound {
		b.errs = append(b.errs, "label bound twice")
		return
	}
	l.bound = true
	b.add(l.p)
}

// Jump emits a jump (conditional or not) to l.
func (b *Builder) Jump(op Op, l *Label) *Mark {
	p := b.newProg(op)
	p.To.Type = obj.TYPE_BRANCH
	p.To.SetTarget(l.p)
	if !l.bound {
		b.pending = append(b.pending, l)
	}
	b.add(p)
	return &Mark{p}
}

// Raw emits bytes verbatim (for instructions whose operands are patched after
// assembly, such as RIP-relative addresses). The returned marks are per byte.
func (b *Builder) Raw(bytes ...byte) []*Mark {
	marks := make([]*Mark, len(bytes))
	for i, v := range bytes {
		marks[i] = b.Inst(rawByte, Imm(int64(v)), None)
	}
	return marks
}

// Raw32 emits a 32-bit little-endian word verbatim.
func (b *Builder) Raw32(v uint32) *Mark {
	if b.word == rawLong {
		return b.Inst(rawLong, Imm(int64(v)), None)
	}
	return b.Inst(b.word, None, Imm(int64(v))) // arm64's WORD takes its value as the destination
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
	if b.first == nil {
		return nil, nil
	}
	s := &obj.LSym{Func: &obj.FuncInfo{Text: b.first}}
	mu.Lock()
	b.ctxt.Arch.Assemble(b.ctxt, s, b.ctxt.NewProg)
	mu.Unlock()
	if len(b.errs) > 0 {
		return nil, fmt.Errorf("asm: %s", strings.Join(b.errs, "; "))
	}
	for _, r := range s.R {
		// Zero-size relocations only mark indirect calls and jumps (arm64's BR, BLR).
		if r.Siz != 0 {
			return nil, fmt.Errorf("asm: relocations left in position-independent code")
		}
	}
	for _, f := range b.rel32 {
		binary.LittleEndian.PutUint32(s.P[f.disp.Offset():], uint32(int32(f.target.Offset()-f.disp.End())))
	}
	return s.P, nil
}

func (b *Builder) diag(format string, args ...any) {
	b.errs = append(b.errs, fmt.Sprintf(format, args...))
}

func newBuilder(arch *obj.LinkArch) *Builder {
	b := &Builder{word: rawLong}
	mu.Lock()
	defer mu.Unlock()
	b.ctxt = obj.Linknew(arch)
	b.ctxt.IsAsm = true // no jump padding: the code is ours, byte for byte
	b.ctxt.DiagFunc = b.diag
	b.ctxt.DiagFlush = func() {}
	b.ctxt.Arch.Init(b.ctxt)
	return b
}

// Offset is the label's offset from the start of the code (after Assemble).
func (l *Label) Offset() int { return int(l.p.Pc) }

// fixZero replaces an immediate 0 source by the zero register on arm64: golang-asm's
// arm64 encoder puts register 0 (X0, not XZR) in the register field of an
// instruction whose constant operand is 0.
func (b *Builder) fixZero(o Operand) Operand {
	if b.zero != NoReg && o.IsImm() && o.off == 0 {
		return R(b.zero)
	}
	return o
}
