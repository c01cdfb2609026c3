package codegen

// Instruction-cache maintenance: on architectures whose instruction cache is not
// coherent with data writes (arm64), code written through the data side must be
// cleaned to the point of unification and the instruction cache invalidated over the
// written range before it runs (flushICache, per architecture: icache_arm64.s; a no-op
// on amd64, whose caches are coherent). NewExecMem calls it on every unit's code after
// writing it and before mapping it executable, so also stale lines of a freed unit
// whose pages are reused are dropped.
