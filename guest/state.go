package guest

import "fmt"

// State is the guest machine state shared by every engine. Native code addresses it
// through one pinned host register, so its layout is part of the native boundary: the
// offsets below are pinned by TestStateOffsets, and a reordered field fails that test
// instead of corrupting memory.
type State struct {
	X  [32]uint64 // integer registers; X[0] is always zero
	PC uint64     // the next instruction to run (see ExitCode for its meaning at exits)
	// Gas left. A block is entered only if its whole weight fits; otherwise the engine
	// exits with ExitOutOfGas before running it.
	Gas int64
	// Instret counts retired instructions.
	Instret uint64
	Exit    ExitCode
	Fault   FaultKind
	// FaultAddr is the address that caused a fault: the memory address of a bad load or
	// store, the target of a bad fetch.
	FaultAddr uint64

	// The arena, filled in by Memory.Bind: host address of guest address ArenaBase, its
	// guest address and size, and the write-protected range [ROStart, ROStart+ROSize)
	// as offsets from ArenaBase (ROSize 0: nothing protected).
	MemBase   uintptr
	ArenaBase uint64
	ArenaSize uint64
	ROStart   uint64
	ROSize    uint64

	// Reservation is the address of the LR reservation; ResValid says whether it is held.
	Reservation uint64
	ResValid    uint64

	// CSRs holds the implemented machine CSRs (see CSRIndex).
	CSRs [NumCSRs]uint64

	// StoreWinLo/StoreWinHi8 are the store windows: per side of the write-protected
	// range (window 0 below it, window 1 above it or, with nothing protected, the
	// whole arena), the span of arena offsets [StoreWinLo, StoreWinHi8+8) covering the
	// pages the guest's stores have written, clamped to the side (empty while
	// StoreWinLo > StoreWinHi8; an empty window's StoreWinLo is EmptyWinLo). They are
	// the frame's written memory: gas pays for their pages (GrowWindow; docs/abi.md,
	// "Memory growth"), the arena resets them when the frame ends, and native code lets
	// a store inside one through with two compares.
	StoreWinLo  [2]uint64
	StoreWinHi8 [2]uint64
	// WinPages[i] is the number of 4 KiB pages window i touches: what has been paid.
	WinPages [2]uint64
	// PageGas is the gas a store pays per page its window grows by (0: memory is
	// not metered, as in exec mode; ContractPageGas for contract frames).
	PageGas int64
	// Scratch is native code's own words, never part of the guest's state: the amd64
	// backend keeps in the first the second result of a division whose partner (the
	// REM of a DIV, or the DIV of a REM, of the same operands) comes a few
	// instructions later in the block (codegen/amd64/divpair.go), and in all of them
	// the old values of the registers an if-converted branch arm writes
	// (codegen/amd64/ifconv.go), and a fast loop's bound, gas and move temporary
	// while it runs (codegen/amd64/fastloop.go). No value in them lives across a
	// block boundary.
	Scratch [ScratchWords]uint64
}

// ScratchWords is the number of words in State.Scratch.
const ScratchWords = 4

// ContractPageGas is what a contract frame pays per 4 KiB page of memory its stores
// reach (docs/abi.md, "Memory growth").
const ContractPageGas = 512

// EmptyWinLo is an empty store window's StoreWinLo: above every arena offset both as
// an unsigned and as a signed number, so that native code may compare a start with it
// either way (codegen/amd64/group.go compares signed, which makes a wrap test
// unnecessary).
const EmptyWinLo = 1<<63 - 1

// EmptyStoreWindows empties the store windows (see StoreWinLo).
func (s *State) EmptyStoreWindows() {
	s.StoreWinLo = [2]uint64{EmptyWinLo, EmptyWinLo}
	s.StoreWinHi8 = [2]uint64{}
	s.WinPages = [2]uint64{}
}

// storeSide returns the window a w-byte store at arena offset off (inside the arena
// and outside the write-protected range) belongs to, and that side's span [lo, hi).
func (s *State) storeSide(off, w uint64) (i int, lo, hi uint64) {
	if s.ROSize == 0 {
		return 1, 0, s.ArenaSize
	}
	if off+w <= s.ROStart {
		return 0, 0, s.ROStart
	}
	return 1, s.ROStart + s.ROSize, s.ArenaSize
}

// GrowWindow records a w-byte store at arena offset off (inside the arena and outside
// the write-protected range) in its store window — the window becomes the hull of
// itself and the pages the store touches, clamped to its side — and returns the gas
// the new pages cost (PageGas each). A side too small to hold a doubleword keeps no
// window and costs nothing. Every engine calls it (or, in native code, does exactly
// what it does) for every store outside the windows, so windows and charges are the
// same on every engine.
func (s *State) GrowWindow(off, w uint64) int64 {
	i, lo, hi := s.storeSide(off, w)
	if hi < lo+8 {
		return 0
	}
	nlo, nhi := max(off&^4095, lo), min((off+w+4095)&^4095, hi)
	if s.StoreWinLo[i] <= s.StoreWinHi8[i] {
		nlo, nhi = min(nlo, s.StoreWinLo[i]), max(nhi, s.StoreWinHi8[i]+8)
	}
	s.StoreWinLo[i], s.StoreWinHi8[i] = nlo, nhi-8
	pages := ((nhi+4095)&^4095 - nlo&^4095) >> 12
	d := pages - s.WinPages[i]
	s.WinPages[i] = pages
	return int64(d) * s.PageGas
}

// Offsets of State's fields, for native code. TestStateOffsets checks them.
const (
	OffX         = 0
	OffPC        = 256
	OffGas       = 264
	OffInstret   = 272
	OffExit      = 280
	OffFault     = 284
	OffFaultAddr = 288
	OffMemBase   = 296
	OffArenaBase = 304
	OffArenaSize = 312
	OffROStart   = 320
	OffROSize    = 328
	OffResAddr   = 336
	OffResValid  = 344
	OffCSRs      = 352
	OffWinLo     = OffCSRs + 8*NumCSRs
	OffWinHi8    = OffWinLo + 16
	OffWinPages  = OffWinHi8 + 16
	OffPageGas   = OffWinPages + 16
	OffScratch   = OffPageGas + 8
)

// ExitCode says why an engine stopped running guest code and returned to Go.
type ExitCode uint32

// The exit codes. At every exit X, Gas and Instret are exact.
const (
	// ExitNone: not stopped (never returned by an engine).
	ExitNone ExitCode = iota
	// ExitEcall: the guest executed ECALL; PC is the instruction after it. The ECALL is
	// counted as retired and its weight charged.
	ExitEcall
	// ExitFault: a guest fault (Fault says which); PC is the faulting instruction, which
	// is not counted as retired.
	ExitFault
	// ExitOutOfGas: the block at PC needs more gas than is left; nothing of it ran.
	ExitOutOfGas
	// ExitFenceI: the guest executed FENCE.I; PC is the instruction after it. The frame
	// must re-read its code from memory before continuing.
	ExitFenceI
	// ExitBudget: native code used up its instruction budget and returned so the Go
	// scheduler can run; PC is where to continue.
	ExitBudget
	// ExitMissingBlock: native code reached a block that is not translated yet; PC is
	// its address.
	ExitMissingBlock
	// ExitZeroLoop: control reached a recognised memory-zeroing loop (the riscv-rt
	// .bss clearing idiom) with many iterations to go; PC is the loop's block and
	// nothing of it ran. The exit loop performs the whole loop in one step with the
	// exact gas, instruction count, memory and fault of running it.
	ExitZeroLoop
)

var exitNames = [...]string{"none", "ecall", "fault", "out of gas", "fence.i", "budget", "missing block", "zero loop"}

func (e ExitCode) String() string {
	if int(e) < len(exitNames) {
		return exitNames[e]
	}
	return fmt.Sprintf("ExitCode(%d)", uint32(e))
}

// FaultKind says what guest fault ended a frame.
type FaultKind uint32

// The guest faults.
const (
	FaultNone FaultKind = iota
	// FaultLoad: a load outside the arena.
	FaultLoad
	// FaultStore: a store outside the arena or into a read-only segment.
	FaultStore
	// FaultFetch: control reached an address outside the executable segments (or an
	// instruction that straddles their end).
	FaultFetch
	// FaultIllegal: an instruction the machine does not implement, or a bad CSR access.
	FaultIllegal
	// FaultMisaligned: a misaligned LR, SC or AMO.
	FaultMisaligned
	// FaultBreakpoint: EBREAK.
	FaultBreakpoint
	// FaultSyscall: an unknown syscall or a syscall argument the machine rejects (a
	// pointer outside the arena, a static-frame violation, ...).
	FaultSyscall
)

var faultNames = [...]string{"none", "load access fault", "store access fault",
	"instruction fetch fault", "illegal instruction", "misaligned atomic", "breakpoint",
	"bad system call"}

func (f FaultKind) String() string {
	if int(f) < len(faultNames) {
		return faultNames[f]
	}
	return fmt.Sprintf("FaultKind(%d)", uint32(f))
}

// Fault is the error describing a guest fault.
type Fault struct {
	Kind FaultKind
	PC   uint64 // the faulting instruction
	Addr uint64 // the offending address, where there is one
	// Detail adds context (for syscall faults: which syscall and why).
	Detail string
}

func (f *Fault) Error() string {
	s := fmt.Sprintf("guest fault: %v at pc 0x%x", f.Kind, f.PC)
	switch f.Kind {
	case FaultLoad, FaultStore, FaultFetch, FaultMisaligned:
		s += fmt.Sprintf(" (address 0x%x)", f.Addr)
	}
	if f.Detail != "" {
		s += ": " + f.Detail
	}
	return s
}

// FaultError returns the fault recorded in the state as an error.
func (s *State) FaultError() *Fault {
	return &Fault{Kind: s.Fault, PC: s.PC, Addr: s.FaultAddr}
}

// SetFault records a fault at pc.
func (s *State) SetFault(kind FaultKind, pc, addr uint64) {
	s.Exit, s.Fault, s.PC, s.FaultAddr = ExitFault, kind, pc, addr
}
