package amd64

import (
	"os"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestStubsInFirstUnit: a module maps nothing until its first unit, which holds the
// entry and dispatch miss stubs after its blocks (one unit's pages, not a unit of
// stubs besides); Run before it exits with ExitMissingBlock, as the entry stub would
// over an empty dispatch table. A module that loads units maps the stubs alone first.
func TestStubsInFirstUnit(t *testing.T) {
	cfg := codegen.ModuleConfig{CodeLo: 0x8030_0000, CodeHi: 0x8031_0000, Layout: testLayout}
	mod, err := Backend{}.NewModule(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer mod.Free()
	if n := mod.MemSize(); n != 0 {
		t.Errorf("a new module maps %d bytes", n)
	}
	st := &guest.State{PC: cfg.CodeLo, ArenaBase: testLayout.ArenaBase, ArenaSize: testLayout.ArenaSize, ROStart: testLayout.ROStart, ROSize: testLayout.ROSize, MemBase: 1}
	if exit := mod.Run(st); exit != guest.ExitMissingBlock || st.PC != cfg.CodeLo {
		t.Errorf("Run on an empty module: exit %v at %#x, want a missing block at %#x", exit, st.PC, cfg.CodeLo)
	}
	ecall := riscv.Inst{Op: riscv.OpECALL, Len: 4}
	blk := &codegen.Block{Block: guest.Block{Start: cfg.CodeLo, End: cfg.CodeLo + 4, Insts: []riscv.Inst{ecall}, Gas: ecall.Weight()}, Term: codegen.TermEcall}
	if err := mod.Compile([]*codegen.Block{blk}); err != nil {
		t.Fatal(err)
	}
	page := os.Getpagesize()
	if want := (mod.CodeSize()+page-1)/page*page + page; mod.MemSize() != want {
		t.Errorf("one unit of %d code bytes takes %d bytes of memory, want %d (its code and data pages)", mod.CodeSize(), mod.MemSize(), want)
	}
	units := mod.Units()
	if len(units) != 1 {
		t.Fatalf("%d units exported", len(units))
	}
	loaded, err := Backend{}.NewModule(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Free()
	if err := loaded.Load(units[0]); err != nil {
		t.Fatal(err)
	}
	if !loaded.Has(cfg.CodeLo) || loaded.(*module).entry.Load() == 0 || loaded.MemSize() <= mod.MemSize() {
		t.Errorf("loaded module: block %v, entry %#x, %d bytes (the stubs' unit and the loaded one)", loaded.Has(cfg.CodeLo), loaded.(*module).entry.Load(), loaded.MemSize())
	}
}
