//go:build !arm64

package codegen

// flushICache does nothing: on this architecture instruction fetch sees data writes
// (amd64), and the mprotect that maps the code executable serialises.
func flushICache(start, end uintptr) {}
