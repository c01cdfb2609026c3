//go:build !amd64

package amd64

import "unsafe"

// enter cannot run amd64 code on another architecture; machine never selects this
// backend there (see machine/engine_other.go).
func enter(st unsafe.Pointer, code uintptr) {
	panic("BUG: amd64: native code entered on a non-amd64 host")
}
