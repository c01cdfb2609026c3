package codecache

import (
	"crypto/sha256"
	"reflect"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/translate"
)

var testHeader = Header{Format: FormatVersion, Target: codegen.Target{Backend: "amd64", Version: 1, Arch: "amd64", Features: "bmi2"}, BuildID: "b", Key: Key{1, 2, 3}}

func testSnapshot() *translate.Snapshot {
	return &translate.Snapshot{
		Config: codegen.ModuleConfig{CodeLo: 0x1000, CodeHi: 0x2000, Layout: codegen.Layout{ArenaBase: 0x8000_0000, ArenaSize: 1 << 30, PageGas: 512}, RegUse: [32]int{1: 5, 2: -3}},
		Target: testHeader.Target,
		All:    true,
		Units: []*codegen.Unit{{
			Code:   []byte{0x90, 0x90, 0, 0, 0, 0, 0xC3},
			Blocks: []codegen.UnitBlock{{Start: 0x1000, Direct: 0, Indirect: 1}},
			Slots:  []codegen.Slot{{Kind: codegen.SlotTable}, {Kind: codegen.SlotBlock, Target: 0x1010, Miss: 6}},
			Refs:   []codegen.Ref{{Off: 2, Slot: 1, Arg: 7}},
		}},
	}
}

// TestRoundTrip: a file decodes to the snapshot it was encoded from.
func TestRoundTrip(t *testing.T) {
	s := testSnapshot()
	got, err := Decode(Encode(testHeader, s), testHeader)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("got %+v, want %+v", got, s)
	}
}

// FuzzDecode: whatever the bytes, with a checksum that matches them (a file someone
// rewrote on purpose), Decode returns an error or a snapshot and never panics or
// allocates beyond the file's size.
func FuzzDecode(f *testing.F) {
	good := Encode(testHeader, testSnapshot())
	f.Add(good[:len(good)-sha256.Size])
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := sha256.Sum256(body)
		s, err := Decode(append(body, sum[:]...), testHeader)
		if err == nil && s == nil {
			t.Fatal("no snapshot and no error")
		}
	})
}
