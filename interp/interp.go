package interp

import (
	"unsafe"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// Run executes guest code from st.PC until an exit: an ECALL, a fault, out of gas,
// FENCE.I, the .bss zeroing loop (guest.ExitZeroLoop: the caller runs it with
// guest.ZeroLoop.Run, see ZeroLoopAt), or — once budget instructions have retired — a budget exit at the next
// block boundary (so a caller can check for cancellation and re-enter). mem is the
// frame's arena (st's arena fields must describe it, see guest.Arena.Bind). On return
// st holds the exact registers, pc, gas and retired-instruction count.
//
// tr, when not nil, is told about every executed instruction.
func Run(p *Program, st *guest.State, mem []byte, budget uint64, tr Tracer) guest.ExitCode {
	var x [33]uint64
	copy(x[:32], st.X[:])

	base := st.ArenaBase
	size := st.ArenaSize
	if size < 8 || uint64(len(mem)) != size {
		panic("BUG: interp: arena does not match the state")
	}
	memp := unsafe.Pointer(unsafe.SliceData(mem))
	// A w-byte access at arena offset off is in bounds iff off <= size-w.
	lim1, lim2, lim4, lim8 := size-1, size-2, size-4, size-8
	// A w-byte store at off touches the write-protected range [ro, ro+n) iff
	// off+(w-1-ro) < n+w-1 (unsigned; see guest.State.ROStart). With n = 0 the range is
	// empty and ro is 0, which the test never matches.
	ro, rn := st.ROStart, st.ROSize
	if rn == 0 {
		ro = 0
	}
	roA1, roA2, roA4, roA8 := 0-ro, 1-ro, 3-ro, 7-ro
	roL1, roL2, roL4, roL8 := rn, rn+1, rn+3, rn+7

	gas := st.Gas
	instret := st.Instret
	limit := instret + budget
	resValid, resAddr := st.ResValid != 0, st.Reservation
	// The store windows (guest.State.StoreWinLo): a store inside one needs nothing
	// more; one outside grows its window (guest.State.GrowWindow), paying for the pages.
	w0lo, w0hi, w1lo, w1hi := st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]

	var (
		exit      guest.ExitCode
		fault     guest.FaultKind
		faultAddr uint64
		faultAt   *dinst
		pc        uint64
	)

	b := p.lookup(st.PC)
	if b == nil {
		st.SetFault(guest.FaultFetch, st.PC, st.PC)
		return guest.ExitFault
	}
loop:
	for {
		// (Traced runs execute it instruction by instruction, so the trace shows them.)
		if zl := b.zeroLoop; zl != nil && tr == nil && zl.Worth(x[zl.Ptr], x[zl.Limit]) {
			exit, pc = guest.ExitZeroLoop, b.start // the caller runs it in one step
			break
		}
		if gas < b.gas {
			exit, pc = guest.ExitOutOfGas, b.start
			break
		}
		if instret >= limit {
			exit, pc = guest.ExitBudget, b.start
			break
		}
		gas -= b.gas
		instret += b.n

		// Walk the body with one pointer (no index to keep live across the loop).
		ip := unsafe.Pointer(unsafe.SliceData(b.body))
		for n := len(b.body); n > 0; n-- {
			in := (*dinst)(ip)
			ip = unsafe.Add(ip, unsafe.Sizeof(dinst{}))
			switch in.op {
			case opLI:
				x[in.rd] = uint64(in.imm)
			case opMV:
				x[in.rd] = x[in.rs1]
			case uint8(riscv.OpADDI):
				x[in.rd] = x[in.rs1] + uint64(in.imm)
			case uint8(riscv.OpSLTI):
				x[in.rd] = b2u(int64(x[in.rs1]) < in.imm)
			case uint8(riscv.OpSLTIU):
				x[in.rd] = b2u(x[in.rs1] < uint64(in.imm))
			case uint8(riscv.OpXORI):
				x[in.rd] = x[in.rs1] ^ uint64(in.imm)
			case uint8(riscv.OpORI):
				x[in.rd] = x[in.rs1] | uint64(in.imm)
			case uint8(riscv.OpANDI):
				x[in.rd] = x[in.rs1] & uint64(in.imm)
			case uint8(riscv.OpSLLI):
				x[in.rd] = x[in.rs1] << (in.imm & 63)
			case uint8(riscv.OpSRLI):
				x[in.rd] = x[in.rs1] >> (in.imm & 63)
			case uint8(riscv.OpSRAI):
				x[in.rd] = uint64(int64(x[in.rs1]) >> (in.imm & 63))
			case uint8(riscv.OpADD):
				x[in.rd] = x[in.rs1] + x[in.rs2]
			case uint8(riscv.OpSUB):
				x[in.rd] = x[in.rs1] - x[in.rs2]
			case uint8(riscv.OpSLL):
				x[in.rd] = x[in.rs1] << (x[in.rs2] & 63)
			case uint8(riscv.OpSLT):
				x[in.rd] = b2u(int64(x[in.rs1]) < int64(x[in.rs2]))
			case uint8(riscv.OpSLTU):
				x[in.rd] = b2u(x[in.rs1] < x[in.rs2])
			case uint8(riscv.OpXOR):
				x[in.rd] = x[in.rs1] ^ x[in.rs2]
			case uint8(riscv.OpSRL):
				x[in.rd] = x[in.rs1] >> (x[in.rs2] & 63)
			case uint8(riscv.OpSRA):
				x[in.rd] = uint64(int64(x[in.rs1]) >> (x[in.rs2] & 63))
			case uint8(riscv.OpOR):
				x[in.rd] = x[in.rs1] | x[in.rs2]
			case uint8(riscv.OpAND):
				x[in.rd] = x[in.rs1] & x[in.rs2]
			case uint8(riscv.OpADDIW):
				x[in.rd] = sext32(uint32(x[in.rs1]) + uint32(in.imm))
			case uint8(riscv.OpSLLIW):
				x[in.rd] = sext32(uint32(x[in.rs1]) << (in.imm & 31))
			case uint8(riscv.OpSRLIW):
				x[in.rd] = sext32(uint32(x[in.rs1]) >> (in.imm & 31))
			case uint8(riscv.OpSRAIW):
				x[in.rd] = uint64(int64(int32(x[in.rs1]) >> (in.imm & 31)))
			case uint8(riscv.OpADDW):
				x[in.rd] = sext32(uint32(x[in.rs1]) + uint32(x[in.rs2]))
			case uint8(riscv.OpSUBW):
				x[in.rd] = sext32(uint32(x[in.rs1]) - uint32(x[in.rs2]))
			case uint8(riscv.OpSLLW):
				x[in.rd] = sext32(uint32(x[in.rs1]) << (x[in.rs2] & 31))
			case uint8(riscv.OpSRLW):
				x[in.rd] = sext32(uint32(x[in.rs1]) >> (x[in.rs2] & 31))
			case uint8(riscv.OpSRAW):
				x[in.rd] = uint64(int64(int32(x[in.rs1]) >> (x[in.rs2] & 31)))

			case uint8(riscv.OpMUL):
				x[in.rd] = x[in.rs1] * x[in.rs2]
			case uint8(riscv.OpMULH):
				x[in.rd] = mulh(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpMULHSU):
				x[in.rd] = mulhsu(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpMULHU):
				x[in.rd] = mulhu(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpMULW):
				x[in.rd] = sext32(uint32(x[in.rs1]) * uint32(x[in.rs2]))
			case uint8(riscv.OpDIV):
				x[in.rd] = div(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpDIVU):
				x[in.rd] = divu(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpREM):
				x[in.rd] = rem(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpREMU):
				x[in.rd] = remu(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpDIVW):
				x[in.rd] = divw(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpDIVUW):
				x[in.rd] = divuw(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpREMW):
				x[in.rd] = remw(x[in.rs1], x[in.rs2])
			case uint8(riscv.OpREMUW):
				x[in.rd] = remuw(x[in.rs1], x[in.rs2])

			case uint8(riscv.OpLB):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim1 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(int64(*(*int8)(unsafe.Add(memp, off))))
			case uint8(riscv.OpLBU):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim1 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(*(*uint8)(unsafe.Add(memp, off)))
			case uint8(riscv.OpLH):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim2 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(int64(*(*int16)(unsafe.Add(memp, off))))
			case uint8(riscv.OpLHU):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim2 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(*(*uint16)(unsafe.Add(memp, off)))
			case uint8(riscv.OpLW):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim4 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(int64(*(*int32)(unsafe.Add(memp, off))))
			case uint8(riscv.OpLWU):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim4 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = uint64(*(*uint32)(unsafe.Add(memp, off)))
			case uint8(riscv.OpLD):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim8 {
					fault, faultAddr, faultAt = guest.FaultLoad, off+base, in
					break loop
				}
				x[in.rd] = *(*uint64)(unsafe.Add(memp, off))

			case uint8(riscv.OpSB):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim1 || off+roA1 < roL1 {
					fault, faultAddr, faultAt = guest.FaultStore, off+base, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 1)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				*(*uint8)(unsafe.Add(memp, off)) = uint8(x[in.rs2])
			case uint8(riscv.OpSH):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim2 || off+roA2 < roL2 {
					fault, faultAddr, faultAt = guest.FaultStore, off+base, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 2)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				*(*uint16)(unsafe.Add(memp, off)) = uint16(x[in.rs2])
			case uint8(riscv.OpSW):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim4 || off+roA4 < roL4 {
					fault, faultAddr, faultAt = guest.FaultStore, off+base, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 4)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				*(*uint32)(unsafe.Add(memp, off)) = uint32(x[in.rs2])
			case uint8(riscv.OpSD):
				off := x[in.rs1] + uint64(in.imm) - base
				if off > lim8 || off+roA8 < roL8 {
					fault, faultAddr, faultAt = guest.FaultStore, off+base, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 8)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				*(*uint64)(unsafe.Add(memp, off)) = x[in.rs2]

			case uint8(riscv.OpLRW), uint8(riscv.OpLRD):
				addr := x[in.rs1]
				off := addr - base
				if in.op == uint8(riscv.OpLRW) {
					if addr&3 != 0 {
						fault, faultAddr, faultAt = guest.FaultMisaligned, addr, in
						break loop
					}
					if off > lim4 {
						fault, faultAddr, faultAt = guest.FaultLoad, addr, in
						break loop
					}
					x[in.rd] = uint64(int64(*(*int32)(unsafe.Add(memp, off))))
				} else {
					if addr&7 != 0 {
						fault, faultAddr, faultAt = guest.FaultMisaligned, addr, in
						break loop
					}
					if off > lim8 {
						fault, faultAddr, faultAt = guest.FaultLoad, addr, in
						break loop
					}
					x[in.rd] = *(*uint64)(unsafe.Add(memp, off))
				}
				resValid, resAddr = true, addr
			case uint8(riscv.OpSCW), uint8(riscv.OpSCD):
				addr := x[in.rs1]
				off := addr - base
				word := in.op == uint8(riscv.OpSCW)
				if (word && addr&3 != 0) || (!word && addr&7 != 0) {
					fault, faultAddr, faultAt = guest.FaultMisaligned, addr, in
					break loop
				}
				if (word && (off > lim4 || off+roA4 < roL4)) || (!word && (off > lim8 || off+roA8 < roL8)) {
					fault, faultAddr, faultAt = guest.FaultStore, addr, in
					break loop
				}
				// A store-conditional reaches its memory whether or not it stores (as in
				// native code, which checks the store before the reservation).
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 8-4*b2u(word))
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				if resValid && resAddr == addr {
					if word {
						*(*uint32)(unsafe.Add(memp, off)) = uint32(x[in.rs2])
					} else {
						*(*uint64)(unsafe.Add(memp, off)) = x[in.rs2]
					}
					x[in.rd] = 0
				} else {
					x[in.rd] = 1
				}
				resValid = false
			case uint8(riscv.OpAMOSWAPW), uint8(riscv.OpAMOADDW), uint8(riscv.OpAMOXORW),
				uint8(riscv.OpAMOANDW), uint8(riscv.OpAMOORW), uint8(riscv.OpAMOMINW),
				uint8(riscv.OpAMOMAXW), uint8(riscv.OpAMOMINUW), uint8(riscv.OpAMOMAXUW):
				addr := x[in.rs1]
				off := addr - base
				if addr&3 != 0 {
					fault, faultAddr, faultAt = guest.FaultMisaligned, addr, in
					break loop
				}
				if off > lim4 || off+roA4 < roL4 {
					fault, faultAddr, faultAt = guest.FaultStore, addr, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 4)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				ptr := (*uint32)(unsafe.Add(memp, off))
				old := sext32(*ptr)
				*ptr = uint32(amoResult(in.op-uint8(riscv.OpAMOSWAPW), old, x[in.rs2], true))
				x[in.rd] = old
			case uint8(riscv.OpAMOSWAPD), uint8(riscv.OpAMOADDD), uint8(riscv.OpAMOXORD),
				uint8(riscv.OpAMOANDD), uint8(riscv.OpAMOORD), uint8(riscv.OpAMOMIND),
				uint8(riscv.OpAMOMAXD), uint8(riscv.OpAMOMINUD), uint8(riscv.OpAMOMAXUD):
				addr := x[in.rs1]
				off := addr - base
				if addr&7 != 0 {
					fault, faultAddr, faultAt = guest.FaultMisaligned, addr, in
					break loop
				}
				if off > lim8 || off+roA8 < roL8 {
					fault, faultAddr, faultAt = guest.FaultStore, addr, in
					break loop
				}
				if (off < w0lo || off > w0hi) && (off < w1lo || off > w1hi) {
					gas -= st.GrowWindow(off, 8)
					w0lo, w0hi, w1lo, w1hi = st.StoreWinLo[0], st.StoreWinHi8[0], st.StoreWinLo[1], st.StoreWinHi8[1]
				}
				ptr := (*uint64)(unsafe.Add(memp, off))
				old := *ptr
				*ptr = amoResult(in.op-uint8(riscv.OpAMOSWAPD), old, x[in.rs2], false)
				x[in.rd] = old

			case uint8(riscv.OpCSRRW), uint8(riscv.OpCSRRS), uint8(riscv.OpCSRRC):
				src := x[in.rs1]
				old, ok := st.ExecCSR(riscv.Op(in.op), uint16(in.imm), src, in.op == uint8(riscv.OpCSRRW) || in.rs1 != 0)
				if !ok {
					fault, faultAt = guest.FaultIllegal, in
					break loop
				}
				x[in.rd] = old
			case uint8(riscv.OpCSRRWI), uint8(riscv.OpCSRRSI), uint8(riscv.OpCSRRCI):
				old, ok := st.ExecCSR(riscv.Op(in.op), uint16(in.imm), uint64(in.rs1), in.op == uint8(riscv.OpCSRRWI) || in.rs1 != 0)
				if !ok {
					fault, faultAt = guest.FaultIllegal, in
					break loop
				}
				x[in.rd] = old
			default:
				panic("BUG: interp: unhandled op " + riscv.Op(in.op).String())
			}
		}

		if tr != nil {
			tr.Block(p.code, b.start, int(b.n), gas)
		}

		// The terminator picks the next block: slot 0 falls through to b.end, slot 1
		// goes to b.target; JALR looks its target up.
		t := &b.term
		slot := 0
		switch t.op {
		case opFall:
		case uint8(riscv.OpBEQ):
			if x[t.rs1] == x[t.rs2] {
				slot = 1
			}
		case uint8(riscv.OpBNE):
			if x[t.rs1] != x[t.rs2] {
				slot = 1
			}
		case uint8(riscv.OpBLT):
			if int64(x[t.rs1]) < int64(x[t.rs2]) {
				slot = 1
			}
		case uint8(riscv.OpBGE):
			if int64(x[t.rs1]) >= int64(x[t.rs2]) {
				slot = 1
			}
		case uint8(riscv.OpBLTU):
			if x[t.rs1] < x[t.rs2] {
				slot = 1
			}
		case uint8(riscv.OpBGEU):
			if x[t.rs1] >= x[t.rs2] {
				slot = 1
			}
		case uint8(riscv.OpJAL):
			x[t.rd] = b.end
			slot = 1
		case uint8(riscv.OpJALR):
			target := (x[t.rs1] + uint64(t.imm)) &^ 1
			x[t.rd] = b.end
			nb := p.lookup(target)
			if nb == nil {
				exit, fault, faultAddr, pc = guest.ExitFault, guest.FaultFetch, target, target
				break loop
			}
			b = nb
			continue
		case uint8(riscv.OpECALL):
			exit, pc = guest.ExitEcall, b.end
			break loop
		case uint8(riscv.OpFENCEI):
			exit, pc = guest.ExitFenceI, b.end
			break loop
		case uint8(riscv.OpEBREAK):
			fault, faultAt = guest.FaultBreakpoint, t
			break loop
		default: // riscv.OpIllegal
			fault, faultAt = guest.FaultIllegal, t
			break loop
		}
		nb := b.next[slot].Load()
		if nb == nil {
			target := b.end
			if slot == 1 {
				target = b.target
			}
			nb = p.lookup(target)
			if nb == nil {
				exit, fault, faultAddr, pc = guest.ExitFault, guest.FaultFetch, target, target
				break
			}
			b.next[slot].Store(nb)
		}
		b = nb
	}

	if faultAt != nil {
		if tr != nil && faultAt != &b.term {
			tr.Block(p.code, b.start, int(faultAt.idx)+1, gas)
		}
		// The faulting instruction and the rest of its block did not retire.
		instret -= b.n - uint64(faultAt.idx)
		exit, pc = guest.ExitFault, b.start+uint64(faultAt.pcOff)
		if fault == guest.FaultIllegal || fault == guest.FaultBreakpoint {
			faultAddr = pc
		}
	}
	copy(st.X[:], x[:32])
	st.PC, st.Gas, st.Instret, st.Exit = pc, gas, instret, exit
	st.Fault, st.FaultAddr = fault, faultAddr
	st.Reservation, st.ResValid = resAddr, 0
	if resValid {
		st.ResValid = 1
	}
	return exit
}

// ZeroLoopAt returns the zeroing loop Run stopped at with guest.ExitZeroLoop.
func (p *Program) ZeroLoopAt(pc uint64) *guest.ZeroLoop {
	if b := p.lookup(pc); b != nil {
		return b.zeroLoop
	}
	return nil
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
