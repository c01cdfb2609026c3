package interp

// DecodedBlocks appends to dst the start address of every block the program has
// decoded, in address order, and returns it. Blocks are decoded when control first
// reaches them, so these are the blocks that ran (or were about to) on the interpreter,
// over every frame that shares the program: machine's tiered engine asks for their
// translation (machine/tier.go). It reads the block table without locking; a block
// decoded meanwhile may be left out.
func (p *Program) DecodedBlocks(dst []uint64) []uint64 {
	for pi := range p.pages {
		pg := p.pages[pi].Load()
		if pg == nil {
			continue
		}
		base := p.lo + uint64(pi)<<pageShift
		for i := range pg {
			if pg[i].Load() != nil {
				dst = append(dst, base+uint64(i)<<1)
			}
		}
	}
	return dst
}
