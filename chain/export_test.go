package chain

// SpeculateAll makes p run every transaction of a parallel block against the
// block's start before committing any (for the tests of package chain_test).
func SpeculateAll(p *Processor) { p.speculateAll = true }
