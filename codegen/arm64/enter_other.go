//go:build !arm64

package arm64

import "unsafe"

// enter cannot run arm64 code on another architecture; machine never selects this
// backend there (see machine/engine_arm64.go).
func enter(st unsafe.Pointer, code uintptr) {
	panic("BUG: arm64: native code entered on a non-arm64 host")
}
