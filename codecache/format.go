package codecache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/translate"
)

// FormatVersion is the version of the file layout below; raise it with every change.
const FormatVersion = 1

// magic starts every file.
const magic = "HVMCODE\x00"

// Key names a program's code and memory layout (the file name is its hex form).
type Key [32]byte

// Header is what a file's code assumes: a file is used only when its header equals
// the reader's.
type Header struct {
	Format  uint32
	Target  codegen.Target
	BuildID string
	Key     Key
}

// Limits on a file's contents, checked before anything is allocated from a count.
const (
	maxString = 256
	maxUnits  = 1 << 20
)

// errShort is a file that ends before its contents do.
var errShort = errors.New("truncated")

// Encode returns the file for snapshot s under header h.
func Encode(h Header, s *translate.Snapshot) []byte {
	var w writer
	w.buf = append(w.buf, magic...)
	w.u32(h.Format)
	w.str(h.Target.Backend)
	w.u32(uint32(h.Target.Version))
	w.str(h.Target.Arch)
	w.str(h.Target.Features)
	w.str(h.BuildID)
	w.buf = append(w.buf, h.Key[:]...)

	c := s.Config
	for _, v := range []uint64{c.CodeLo, c.CodeHi, c.Layout.ArenaBase, c.Layout.ArenaSize, c.Layout.ROStart, c.Layout.ROSize, uint64(c.Layout.PageGas)} {
		w.u64(v)
	}
	for _, n := range c.RegUse {
		w.u64(uint64(int64(n)))
	}
	all := uint32(0)
	if s.All {
		all = 1
	}
	w.u32(all)
	w.u32(uint32(len(s.Units)))
	for _, u := range s.Units {
		w.u32(uint32(len(u.Code)))
		w.buf = append(w.buf, u.Code...)
		w.u32(uint32(len(u.Blocks)))
		for _, b := range u.Blocks {
			w.u64(b.Start)
			w.u32(b.Direct)
			w.u32(b.Indirect)
		}
		w.u32(uint32(len(u.Slots)))
		for _, sl := range u.Slots {
			w.u32(uint32(sl.Kind))
			w.u64(sl.Target)
			w.u32(sl.Miss)
		}
		w.u32(uint32(len(u.Refs)))
		for _, r := range u.Refs {
			w.u32(r.Off)
			w.u32(r.Slot)
			w.u32(uint32(r.Arg))
		}
	}
	sum := sha256.Sum256(w.buf)
	return append(w.buf, sum[:]...)
}

// Decode checks a file against the header the reader expects and returns its
// snapshot. Any difference — length, checksum, magic, any header field, a count or
// offset out of range — is an error, and nothing of the file is used.
func Decode(data []byte, want Header) (*translate.Snapshot, error) {
	if len(data) < len(magic)+sha256.Size {
		return nil, errShort
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch (truncated, corrupt or torn file)")
	}
	r := reader{buf: body}
	if string(r.bytes(len(magic))) != magic {
		return nil, errors.New("not a code cache file")
	}
	var h Header
	h.Format = r.u32()
	h.Target.Backend = r.str()
	h.Target.Version = int(r.u32())
	h.Target.Arch = r.str()
	h.Target.Features = r.str()
	h.BuildID = r.str()
	copy(h.Key[:], r.bytes(len(h.Key)))
	if r.err != nil {
		return nil, r.err
	}
	if h != want {
		return nil, fmt.Errorf("written for format %d, %v, build %q; this process needs format %d, %v, build %q (or another key)",
			h.Format, h.Target, h.BuildID, want.Format, want.Target, want.BuildID)
	}

	s := &translate.Snapshot{Target: h.Target}
	c := &s.Config
	c.CodeLo, c.CodeHi = r.u64(), r.u64()
	c.Layout.ArenaBase, c.Layout.ArenaSize, c.Layout.ROStart, c.Layout.ROSize = r.u64(), r.u64(), r.u64(), r.u64()
	c.Layout.PageGas = int64(r.u64())
	for i := range c.RegUse {
		v := int64(r.u64())
		if v < math.MinInt32 || v > math.MaxInt32 {
			r.fail(errors.New("register weight out of range"))
		}
		c.RegUse[i] = int(v)
	}
	s.All = r.u32() == 1
	n := r.count(maxUnits, 4)
	for range n {
		u := &codegen.Unit{}
		u.Code = r.bytes(r.count(math.MaxInt32, 1))
		for range r.count(maxUnits, 16) {
			u.Blocks = append(u.Blocks, codegen.UnitBlock{Start: r.u64(), Direct: r.u32(), Indirect: r.u32()})
		}
		for range r.count(maxUnits, 16) {
			u.Slots = append(u.Slots, codegen.Slot{Kind: codegen.SlotKind(r.u32()), Target: r.u64(), Miss: r.u32()})
		}
		for range r.count(maxUnits, 12) {
			ref := codegen.Ref{Off: r.u32(), Slot: r.u32()}
			arg := r.u32()
			if arg > math.MaxUint8 {
				r.fail(errors.New("reference argument out of range"))
			}
			ref.Arg = uint8(arg)
			u.Refs = append(u.Refs, ref)
		}
		if r.err != nil {
			return nil, r.err
		}
		s.Units = append(s.Units, u)
	}
	if r.err == nil && len(r.buf) != 0 {
		r.fail(fmt.Errorf("%d bytes after the last unit", len(r.buf)))
	}
	if r.err != nil {
		return nil, r.err
	}
	return s, nil
}

type writer struct{ buf []byte }

func (w *writer) u32(v uint32) { w.buf = binary.LittleEndian.AppendUint32(w.buf, v) }
func (w *writer) u64(v uint64) { w.buf = binary.LittleEndian.AppendUint64(w.buf, v) }
func (w *writer) str(s string) {
	w.u32(uint32(len(s)))
	w.buf = append(w.buf, s...)
}

// reader reads a file's fields; the first error sticks and later reads return zeros.
type reader struct {
	buf []byte
	err error
}

func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.buf) {
		r.fail(errShort)
		return nil
	}
	b := r.buf[:n:n]
	r.buf = r.buf[n:]
	return b
}

func (r *reader) u32() uint32 {
	b := r.bytes(4)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (r *reader) u64() uint64 {
	b := r.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

func (r *reader) str() string {
	n := r.u32()
	if n > maxString {
		r.fail(errors.New("string too long"))
		return ""
	}
	return string(r.bytes(int(n)))
}

// count reads a count of items of at least size bytes each: at most limit, and no
// more than the rest of the file can hold.
func (r *reader) count(limit, size int) int {
	n := r.u32()
	if r.err != nil {
		return 0
	}
	if uint64(n) > uint64(limit) || uint64(n)*uint64(size) > uint64(len(r.buf)) {
		r.fail(errShort)
		return 0
	}
	return int(n)
}
