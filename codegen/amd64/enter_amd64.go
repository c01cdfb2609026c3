package amd64

import "unsafe"

// enter runs native code: see enter_amd64.s.
//
//go:noescape
func enter(st unsafe.Pointer, code uintptr)
