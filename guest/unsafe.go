package guest

import "unsafe"

// uintptrOf returns the address of b's first byte. Arenas are mmap'd outside the Go heap,
// so the address is stable and the GC never moves or frees it.
func uintptrOf(b []byte) uintptr {
	if len(b) == 0 {
		return 0
	}
	return uintptr(unsafe.Pointer(&b[0]))
}
