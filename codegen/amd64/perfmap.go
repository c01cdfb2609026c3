package amd64

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/hybridvm/hybridvm/codegen"
)

// Profiling support: with HYBRIDVM_PERF_MAP=1 in the environment, every compiled block
// is listed in /tmp/perf-<pid>.map (the format Linux perf reads for JIT code), named
// after its guest address; with HYBRIDVM_JIT_DUMP=dir, each unit's code is also written
// to dir/unit-<address>.bin for disassembly. Both are off by default and cost nothing
// then.
var perfMap = struct {
	once sync.Once
	mu   sync.Mutex
	f    *os.File
	dump string
}{}

func perfMapEnabled() bool {
	perfMap.once.Do(func() {
		if os.Getenv("HYBRIDVM_PERF_MAP") == "1" {
			f, err := os.OpenFile(fmt.Sprintf("/tmp/perf-%d.map", os.Getpid()), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err == nil {
				perfMap.f = f
			}
		}
		perfMap.dump = os.Getenv("HYBRIDVM_JIT_DUMP")
	})
	return perfMap.f != nil || perfMap.dump != ""
}

// recordUnit lists a unit's blocks for profilers.
func recordUnit(u *unit, mem *codegen.ExecMem, code []byte) {
	if !perfMapEnabled() {
		return
	}
	perfMap.mu.Lock()
	defer perfMap.mu.Unlock()
	base := mem.Code()
	if perfMap.f != nil {
		for i, b := range u.blocks {
			start := u.direct[i].Offset()
			end := u.exit.Offset()
			if i+1 < len(u.blocks) {
				end = u.direct[i+1].Offset()
			}
			fmt.Fprintf(perfMap.f, "%x %x rv_%x\n", uint64(base)+uint64(start), end-start, b.Start)
		}
		fmt.Fprintf(perfMap.f, "%x %x rv_unit_tail\n", uint64(base)+uint64(u.exit.Offset()), len(code)-u.exit.Offset())
	}
	if perfMap.dump != "" {
		_ = os.WriteFile(filepath.Join(perfMap.dump, fmt.Sprintf("unit-%x.bin", uint64(base))), code, 0o644)
	}
}
