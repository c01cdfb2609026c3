package main

// The initcode subcommand: wrap a RISC-V deploy ELF into the initcode that CREATE takes
// (docs/abi.md, "Code and initcode"): 0xFF ‖ u32be(1+len(deployELF)) ‖ 0xFF ‖ deployELF ‖ args.

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/hybridvm/hybridvm/guest"
)

func init() {
	register(command{
		name:    "initcode",
		summary: "wrap a RISC-V deploy ELF (and constructor arguments) into CREATE initcode",
		run:     runInitcode,
	})
}

const initcodeUsage = `usage: hybridvm initcode [-o FILE] [--hex] [--args HEX] [--force] DEPLOY.elf

Writes the initcode of a RISC-V contract: 0xFF ‖ u32 big-endian (1 + len(ELF)) ‖ 0xFF ‖ ELF ‖ args
(docs/abi.md, "Code and initcode"). DEPLOY.elf is the contract's deploy ELF: it runs
at CREATE and returns 0xFF ‖ runtime ELF, the code the account keeps.

A deploy ELF returns its runtime ELF, so it carries one: the C SDK's deploy ELF embeds
it (sdk/c/deploy_blob.S). initcode refuses an ELF that embeds no RISC-V ELF (outside
any initcode it embeds in turn, as a factory does): that is a runtime ELF, which would
deploy its own code's return data. --force skips this check, for a deploy ELF that
makes its runtime code at run time.

Binary initcode is not written to a terminal: give -o FILE, --hex, or redirect stdout.
Flags may come before or after the file name.

Exit status: 0 written, 1 the output could not be written, 2 bad usage or input.

flags:
`

func runInitcode(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("initcode", stderr)
	out := fs.String("o", "", "write the initcode to `FILE` instead of stdout")
	asHex := fs.Bool("hex", false, "write 0x-prefixed hex text and a newline instead of binary")
	argsHex := fs.String("args", "", "constructor arguments as `HEX` (0x prefix optional), appended after the ELF")
	force := fs.Bool("force", false, "accept an ELF that embeds no runtime ELF")
	files, status, ok := parseCommandLine(fs, args, initcodeUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(files) != 1 {
		return usageError(stderr, "initcode", "want exactly one deploy ELF file, got %d", len(files))
	}

	ctorArgs, err := decodeHexArg(*argsHex)
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: --args: %v\n", err)
		return 2
	}
	deployELF, err := readFileLimited(files[0], maxCodeFile)
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: %v\n", err)
		return 2
	}
	if err := checkRISCVELF(deployELF); err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: %s: %v\n", files[0], err)
		return 2
	}
	if !*force && !embedsRISCVELF(deployELF) {
		fmt.Fprintf(stderr, "hybridvm initcode: %s: embeds no runtime ELF, so it looks like a runtime ELF, not a deploy ELF (see -h; --force to use it anyway)\n", files[0])
		return 2
	}

	code := guest.EncodeInitcode(deployELF, ctorArgs)
	var data []byte
	if *asHex {
		data = []byte("0x" + hex.EncodeToString(code) + "\n")
	} else {
		data = code
	}
	if *out == "" {
		if !*asHex && isTerminal(stdout) {
			fmt.Fprintln(stderr, "hybridvm initcode: not writing binary initcode to a terminal: use -o FILE, --hex, or redirect stdout")
			return 2
		}
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "hybridvm initcode: writing stdout: %v\n", err)
			return 1
		}
		return 0
	}
	if target, err := resolveSymlinks(*out); err == nil {
		removeStaleTemps(target)
	}
	if err := writeFileAtomic(*out, data); err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: %v\n", err)
		return 1
	}
	return 0
}

// decodeHexArg decodes a hex string with an optional 0x/0X prefix; whitespace around
// it is ignored. The empty string is no bytes.
func decodeHexArg(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd number of hex digits (%d)", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		var inv hex.InvalidByteError
		if errors.As(err, &inv) {
			return nil, fmt.Errorf("invalid hex character %q at position %d", rune(inv), strings.IndexByte(s, byte(inv)))
		}
		return nil, err
	}
	return b, nil
}

// checkRISCVELF rejects files that cannot be a deploy ELF, so that a wrong file name is
// caught here rather than as a failed CREATE later. The full validation (segments inside
// the arena and so on) is the loader's job.
func checkRISCVELF(b []byte) error {
	if len(b) > 0 && b[0] == guest.CodePrefix {
		return errors.New("starts with 0xFF: this looks like initcode or runtime code with its prefix, not a deploy ELF")
	}
	f, err := elf.NewFile(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("not an ELF file: %v", err)
	}
	defer f.Close()
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Machine != elf.EM_RISCV {
		return fmt.Errorf("not a little-endian ELF64 RISC-V file (class %v, data %v, machine %v)", f.Class, f.Data, f.Machine)
	}
	if f.Type != elf.ET_EXEC {
		return fmt.Errorf("ELF type is %v, want an executable (ET_EXEC)", f.Type)
	}
	return nil
}

// embedsRISCVELF reports whether b embeds the header of a little-endian ELF64 RISC-V
// file after its own, outside any RISC-V initcode (0xFF ‖ u32be(n) ‖ 0xFF ‖ ELF) it
// embeds: a deploy ELF carries the runtime ELF it returns; a factory's runtime ELF
// carries only the initcode of what it creates.
func embedsRISCVELF(b []byte) bool {
	for i := 1; i+20 <= len(b); i++ {
		if !isRISCVELFHeader(b[i:]) {
			continue
		}
		if i >= 6 && b[i-1] == guest.CodePrefix && b[i-6] == guest.CodePrefix {
			if n := binary.BigEndian.Uint32(b[i-5 : i-1]); n >= 1 {
				i += int(n) - 2 // skip the embedded initcode's deploy ELF
				continue
			}
		}
		return true
	}
	return false
}

func isRISCVELFHeader(b []byte) bool {
	return len(b) >= 20 && string(b[:4]) == "\x7fELF" && b[4] == byte(elf.ELFCLASS64) &&
		b[5] == byte(elf.ELFDATA2LSB) && binary.LittleEndian.Uint16(b[18:]) == uint16(elf.EM_RISCV)
}
