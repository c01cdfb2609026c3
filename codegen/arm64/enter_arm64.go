package arm64

import "unsafe"

// enter runs native code: see enter_arm64.s.
//
//go:noescape
func enter(st unsafe.Pointer, code uintptr)
