package codegen

// flushICache makes the code in [start, end) visible to instruction fetch: DC CVAU
// over its data-cache lines, DSB ISH, IC IVAU over its instruction-cache lines, DSB
// ISH, ISB (the line sizes come from CTR_EL0). See icache_arm64.s.
//
//go:noescape
func flushICache(start, end uintptr)
