package guest

import (
	"testing"
	"unsafe"
)

// TestStateOffsets pins the layout native code depends on: a reordered field fails here
// instead of corrupting memory.
func TestStateOffsets(t *testing.T) {
	var s State
	tests := []struct {
		name      string
		got, want uintptr
	}{
		{"X", unsafe.Offsetof(s.X), OffX},
		{"PC", unsafe.Offsetof(s.PC), OffPC},
		{"Gas", unsafe.Offsetof(s.Gas), OffGas},
		{"Instret", unsafe.Offsetof(s.Instret), OffInstret},
		{"Exit", unsafe.Offsetof(s.Exit), OffExit},
		{"Fault", unsafe.Offsetof(s.Fault), OffFault},
		{"FaultAddr", unsafe.Offsetof(s.FaultAddr), OffFaultAddr},
		{"MemBase", unsafe.Offsetof(s.MemBase), OffMemBase},
		{"ArenaBase", unsafe.Offsetof(s.ArenaBase), OffArenaBase},
		{"ArenaSize", unsafe.Offsetof(s.ArenaSize), OffArenaSize},
		{"ROStart", unsafe.Offsetof(s.ROStart), OffROStart},
		{"ROSize", unsafe.Offsetof(s.ROSize), OffROSize},
		{"Reservation", unsafe.Offsetof(s.Reservation), OffResAddr},
		{"ResValid", unsafe.Offsetof(s.ResValid), OffResValid},
		{"CSRs", unsafe.Offsetof(s.CSRs), OffCSRs},
		{"StoreWinLo", unsafe.Offsetof(s.StoreWinLo), OffWinLo},
		{"StoreWinHi8", unsafe.Offsetof(s.StoreWinHi8), OffWinHi8},
		{"WinPages", unsafe.Offsetof(s.WinPages), OffWinPages},
		{"PageGas", unsafe.Offsetof(s.PageGas), OffPageGas},
		{"Scratch", unsafe.Offsetof(s.Scratch), OffScratch},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("offset of %s = %d, native code expects %d", tt.name, tt.got, tt.want)
		}
	}
	if unsafe.Sizeof(s.Exit) != 4 || unsafe.Sizeof(s.Fault) != 4 {
		t.Errorf("Exit and Fault must be 32-bit")
	}
}
