package corpus

import (
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/rvasm"
)

// PagedPrograms are programs for the memory-growth rule (guest.State.GrowWindow): runs
// of stores to new pages inside one block, on both sides of the write-protected
// range, of every width, including store-conditionals and AMOs, stores that straddle
// a page, stores that grow a window downwards and upwards, and a loop touching a
// page per iteration. Run with CheckPaged, their gas limits end them out of gas at
// stores inside blocks.
func PagedPrograms() []ExecProgram {
	const (
		below = 0x10000 // a writable segment below the text: window 0
		text  = 0x40000
		above = 0x80000 // and the data above it: window 1
	)
	var progs []ExecProgram
	build := func(name string, body func(p *rvasm.Program)) {
		p := rvasm.New(text)
		body(p)
		p.LI(rvasm.A0, 0)
		p.LI(rvasm.A7, 93)
		p.ECALL()
		elf := rvasm.ELF(text,
			rvasm.Segment{Vaddr: below, Data: []byte{1}, Memsz: 0x20000, Flags: guest.PermR | guest.PermW},
			rvasm.Segment{Vaddr: text, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX},
			rvasm.Segment{Vaddr: above, Data: []byte{2}, Flags: guest.PermR | guest.PermW})
		progs = append(progs, ExecProgram{Name: "paged-" + name, ELF: elf})
	}
	build("straight", func(p *rvasm.Program) {
		p.LI(rvasm.S1, above)
		p.LI(rvasm.S2, below+0x8000)
		p.LI(rvasm.T1, 0x77)
		// One block: stores to new pages going up, then down, then back inside.
		for i := int64(0); i < 12; i++ {
			p.SD(rvasm.T1, rvasm.S1, i*2048)
		}
		for i := int64(0); i < 6; i++ {
			p.SW(rvasm.T1, rvasm.S2, -i*4096-4)
		}
		p.SB(rvasm.T1, rvasm.S1, 4095)                     // inside the window: free
		p.Emit(rvasm.S(0x23, 1, rvasm.S1, rvasm.T1, 2047)) // sh
	})
	build("straddle", func(p *rvasm.Program) {
		p.LI(rvasm.S1, above+0x10000-4)
		p.LI(rvasm.T1, -1)
		for i := int64(0); i < 8; i++ {
			p.SD(rvasm.T1, rvasm.S1, i*4096) // 4 bytes in one page, 4 in the next
		}
	})
	build("atomics", func(p *rvasm.Program) {
		p.LI(rvasm.S1, above+0x40000)
		p.LI(rvasm.T1, 5)
		for i := 0; i < 6; i++ {
			// amoadd.d t2, t1, (s1); sc.w t2, t1, (s1+...) via a moving base.
			p.Emit(rvasm.R(0x2F, 3, 0, rvasm.T2, rvasm.S1, rvasm.T1))
			p.ADDI(rvasm.S1, rvasm.S1, 2040)
			p.Emit(rvasm.R(0x2F, 2, 0x0C, rvasm.T2, rvasm.S1, rvasm.T1)) // sc.w: fails, still reaches memory
			p.ADDI(rvasm.S1, rvasm.S1, 2048)
			p.Emit(rvasm.R(0x2F, 2, 0x01<<2, rvasm.T2, rvasm.S1, rvasm.T1)) // amoswap.w
			p.ADDI(rvasm.S1, rvasm.S1, 8)
		}
	})
	build("loop", func(p *rvasm.Program) {
		p.LI(rvasm.S1, above+0x100000)
		p.LI(rvasm.S2, 300)
		p.Label("touch")
		p.SD(rvasm.S2, rvasm.S1, 0)
		p.SD(rvasm.S2, rvasm.S1, 8)
		p.ADDI(rvasm.S1, rvasm.S1, 2047)
		p.ADDI(rvasm.S1, rvasm.S1, 2049)
		p.ADDI(rvasm.S2, rvasm.S2, -1)
		p.BNE(rvasm.S2, rvasm.Zero, "touch")
	})
	build("far", func(p *rvasm.Program) {
		// Two stores far apart: the window between them is paid for whole.
		p.LI(rvasm.S1, above)
		p.LI(rvasm.T1, 9)
		p.SD(rvasm.T1, rvasm.S1, 0)
		p.LI(rvasm.S1, above+0x400000)
		p.SD(rvasm.T1, rvasm.S1, 0)
		p.LI(rvasm.S1, below)
		p.SD(rvasm.T1, rvasm.S1, 0)
	})
	return progs
}
