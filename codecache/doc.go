// Package codecache keeps translated native code on disk, so a later process runs a
// program's code without translating it again: one file per program and memory
// layout, named by a key the caller derives from the code (machine uses the ELF's
// hash and the layout).
//
// A file is a header (format version, backend and its version, GOARCH, the CPU
// features the code uses, the executable's Go build ID, the key), the module
// configuration, the units in relocatable form (codegen.Unit) and a SHA-256 of
// everything before it. A file that is short, corrupt, or written for another format,
// backend version, architecture, CPU or build is a miss: it is never mapped, and the
// caller translates again and replaces it. Files are written to a temporary file in
// the same directory, synced, and renamed over the old one, so a reader sees a whole
// file of one writer or none even when processes share the directory. A directory
// keeps at most its limit in files (DefaultLimit, Dir.SetLimit), evicting the least
// recently used (evict.go).
//
// The checksum catches accidents (truncation, bit rot, torn writes), not an attacker:
// whoever may write to the directory may make the process run any code. The
// directory must be writable by trusted users only (docs/architecture.md).
//
// It imports codegen and translate from the project.
package codecache
