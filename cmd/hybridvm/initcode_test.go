package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
)

// tinyELF builds a minimal ELF64 little-endian executable for the given machine: a
// header and one PT_LOAD program header, no sections. Enough for debug/elf to parse.
func tinyELF(machine uint16) []byte {
	const ehsize, phsize = 64, 56
	b := make([]byte, ehsize+phsize+4)
	copy(b, []byte{0x7f, 'E', 'L', 'F', 2 /* ELFCLASS64 */, 1 /* LSB */, 1 /* EV_CURRENT */})
	le := binary.LittleEndian
	le.PutUint16(b[16:], 2) // ET_EXEC
	le.PutUint16(b[18:], machine)
	le.PutUint32(b[20:], 1)          // e_version
	le.PutUint64(b[24:], 0x80300000) // e_entry
	le.PutUint64(b[32:], ehsize)     // e_phoff
	le.PutUint16(b[52:], ehsize)
	le.PutUint16(b[54:], phsize)
	le.PutUint16(b[56:], 1) // e_phnum
	ph := b[ehsize:]
	le.PutUint32(ph[0:], 1)                        // PT_LOAD
	le.PutUint32(ph[4:], 5)                        // R|X
	le.PutUint64(ph[8:], ehsize+phsize)            // p_offset
	le.PutUint64(ph[16:], 0x80300000)              // p_vaddr
	le.PutUint64(ph[24:], 0x80300000)              // p_paddr
	le.PutUint64(ph[32:], 4)                       // p_filesz
	le.PutUint64(ph[40:], 4)                       // p_memsz
	le.PutUint64(ph[48:], 4)                       // p_align
	copy(b[ehsize+phsize:], []byte{0x73, 0, 0, 0}) // ecall
	return b
}

// tinyDeployELF is a RISC-V ELF that carries a runtime ELF after a 0xFF byte, as the
// C SDK's deploy ELFs do.
func tinyDeployELF() []byte {
	return append(tinyELF(243), append([]byte{guest.CodePrefix}, tinyELF(243)...)...)
}

// tinyELF32 is a 32-bit RISC-V ELF header, enough for the class check.
func tinyELF32() []byte {
	b := make([]byte, 52)
	copy(b, []byte{0x7f, 'E', 'L', 'F', 1 /* ELFCLASS32 */, 1, 1})
	binary.LittleEndian.PutUint16(b[16:], 2)
	binary.LittleEndian.PutUint16(b[18:], 243)
	binary.LittleEndian.PutUint32(b[20:], 1)
	binary.LittleEndian.PutUint16(b[40:], 52)
	return b
}

func TestInitcodeCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	riscv := tinyDeployELF()
	deploy := write("deploy.elf", riscv)
	runtimeELF := write("runtime.elf", tinyELF(243)) // EM_RISCV, embeds nothing
	elf32 := write("elf32.elf", tinyELF32())
	x86 := write("x86.elf", tinyELF(62)) // EM_X86_64
	text := write("notes.txt", []byte("hello, not an ELF"))
	prefixed := write("prefixed.bin", append([]byte{0xFF}, riscv...))
	outFile := filepath.Join(dir, "out.initcode")
	args := []byte{0xde, 0xad, 0xbe, 0xef}

	tests := []struct {
		name       string
		argv       []string
		wantStatus int
		wantStdout []byte // nil: not checked
		wantFile   []byte // nil: outFile must not be written
		wantErr    string // substring of stderr
	}{
		{name: "binary to stdout is EncodeInitcode of the ELF",
			argv: []string{deploy}, wantStdout: guest.EncodeInitcode(riscv, nil)},
		{name: "hex with constructor args appends the args",
			argv:       []string{"--hex", "--args", "0xDEADbeef", deploy},
			wantStdout: []byte("0x" + hex.EncodeToString(guest.EncodeInitcode(riscv, args)) + "\n")},
		{name: "args without 0x prefix are accepted",
			argv: []string{"--args", "deadbeef", deploy}, wantStdout: guest.EncodeInitcode(riscv, args)},
		{name: "flags after the file name are parsed and -o writes the file",
			argv: []string{deploy, "-o", outFile}, wantStdout: []byte{}, wantFile: guest.EncodeInitcode(riscv, nil)},
		{name: "missing file names the file",
			argv: []string{filepath.Join(dir, "nope.elf")}, wantStatus: 2, wantErr: "nope.elf"},
		{name: "bad hex names the character and position",
			argv: []string{"--args", "0x12zz", deploy}, wantStatus: 2, wantErr: `invalid hex character 'z' at position 2`},
		{name: "odd hex length is rejected",
			argv: []string{"--args", "abc", deploy}, wantStatus: 2, wantErr: "odd number of hex digits"},
		{name: "a text file is not an ELF",
			argv: []string{text}, wantStatus: 2, wantErr: "not an ELF file"},
		{name: "an x86-64 ELF is not RISC-V",
			argv: []string{x86}, wantStatus: 2, wantErr: "not a little-endian ELF64 RISC-V"},
		{name: "a 32-bit ELF is not RISC-V ELF64",
			argv: []string{elf32}, wantStatus: 2, wantErr: "not a little-endian ELF64 RISC-V"},
		{name: "already prefixed code is refused",
			argv: []string{prefixed}, wantStatus: 2, wantErr: "starts with 0xFF"},
		{name: "a runtime ELF (no embedded ELF) is refused",
			argv: []string{runtimeELF}, wantStatus: 2, wantErr: "embeds no runtime ELF"},
		{name: "--force takes a runtime-looking ELF",
			argv: []string{"--force", runtimeELF}, wantStdout: guest.EncodeInitcode(tinyELF(243), nil)},
		{name: "a dash-leading file name after -- is a file",
			argv: []string{"--", "-x.elf"}, wantStatus: 2, wantErr: "-x.elf: no such file"},
		{name: "no file is a usage error",
			argv: nil, wantStatus: 2, wantErr: "want exactly one deploy ELF file, got 0"},
		{name: "two files is a usage error",
			argv: []string{deploy, deploy}, wantStatus: 2, wantErr: "got 2"},
		{name: "unknown flag is a usage error",
			argv: []string{"--bogus", deploy}, wantStatus: 2, wantErr: "flag provided but not defined"},
		{name: "output directory that does not exist is reported",
			argv: []string{"-o", filepath.Join(dir, "no", "such", "dir", "x"), deploy}, wantStatus: 1, wantErr: "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(outFile)
			var stdout, stderr bytes.Buffer
			status := mainArgs(append([]string{"initcode"}, tc.argv...), &stdout, &stderr)
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d; stderr:\n%s", status, tc.wantStatus, stderr.String())
			}
			if tc.wantStdout != nil && !bytes.Equal(stdout.Bytes(), tc.wantStdout) {
				t.Errorf("stdout = %x\nwant     %x", stdout.Bytes(), tc.wantStdout)
			}
			if tc.wantErr != "" && !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("stderr %q does not contain %q", stderr.String(), tc.wantErr)
			}
			got, err := os.ReadFile(outFile)
			switch {
			case tc.wantFile == nil && err == nil:
				t.Errorf("output file written unexpectedly")
			case tc.wantFile != nil && err != nil:
				t.Errorf("output file: %v", err)
			case tc.wantFile != nil && !bytes.Equal(got, tc.wantFile):
				t.Errorf("output file = %x, want %x", got, tc.wantFile)
			}
		})
	}
}

// The initcode the command writes must parse back into the same deploy ELF and args.
func TestInitcodeRoundTrip(t *testing.T) {
	dir := t.TempDir()
	riscv := tinyDeployELF()
	p := filepath.Join(dir, "d.elf")
	if err := os.WriteFile(p, riscv, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if st := mainArgs([]string{"initcode", "--args", "0x0102", p}, &stdout, &stderr); st != 0 {
		t.Fatalf("status %d: %s", st, stderr.String())
	}
	elfBytes, ctor, err := guest.ParseInitcode(stdout.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(elfBytes, riscv) || !bytes.Equal(ctor, []byte{1, 2}) {
		t.Errorf("round trip: elf equal %v, args %x", bytes.Equal(elfBytes, riscv), ctor)
	}
}
