package rvasm

import "encoding/binary"

// Segment is a loadable segment for ELF.
type Segment struct {
	Vaddr uint64
	Data  []byte
	Memsz uint64 // 0: len(Data)
	Flags uint32 // PF_X=1, PF_W=2, PF_R=4
}

// ELF builds a static little-endian RV64 executable (ET_EXEC, EM_RISCV, soft-float)
// with the given segments and entry point.
func ELF(entry uint64, segs ...Segment) []byte {
	const ehsize, phsize = 64, 56
	le := binary.LittleEndian
	off := uint64(ehsize + phsize*len(segs))
	h := make([]byte, off)
	copy(h, "\x7fELF")
	h[4], h[5], h[6] = 2, 1, 1 // ELFCLASS64, little-endian, version
	le.PutUint16(h[16:], 2)    // ET_EXEC
	le.PutUint16(h[18:], 243)  // EM_RISCV
	le.PutUint32(h[20:], 1)
	le.PutUint64(h[24:], entry)
	le.PutUint64(h[32:], ehsize) // e_phoff
	le.PutUint32(h[48:], 1)      // e_flags: RVC, soft-float
	le.PutUint16(h[52:], ehsize)
	le.PutUint16(h[54:], phsize)
	le.PutUint16(h[56:], uint16(len(segs)))
	var body []byte
	for i, s := range segs {
		ph := h[ehsize+phsize*i:]
		memsz := s.Memsz
		if memsz == 0 {
			memsz = uint64(len(s.Data))
		}
		le.PutUint32(ph[0:], 1) // PT_LOAD
		le.PutUint32(ph[4:], s.Flags)
		le.PutUint64(ph[8:], off+uint64(len(body)))
		le.PutUint64(ph[16:], s.Vaddr)
		le.PutUint64(ph[24:], s.Vaddr)
		le.PutUint64(ph[32:], uint64(len(s.Data)))
		le.PutUint64(ph[40:], memsz)
		le.PutUint64(ph[48:], 8)
		body = append(body, s.Data...)
	}
	return append(h, body...)
}

// ExecELF wraps code at base as a single RX segment, with an optional RW data segment.
func ExecELF(base uint64, code []byte, data ...Segment) []byte {
	segs := append([]Segment{{Vaddr: base, Data: code, Flags: 5}}, data...)
	return ELF(base, segs...)
}
