package main

// The initcode subcommand: wrap a RISC-V deploy ELF into the initcode that CREATE takes
// (docs/abi.md, "Code and initcode"): 0xFF ‖ u32be(1+len(deployELF)) ‖ 0xFF ‖ deployELF ‖ args.

import (
	"bytes"
	"debug/elf"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

const initcodeUsage = `usage: hybridvm initcode [-o FILE] [--hex] [--args HEX] DEPLOY.elf

Writes the initcode of a RISC-V contract: 0xFF ‖ u32 big-endian (1 + len(ELF)) ‖ 0xFF ‖ ELF ‖ args.
DEPLOY.elf is the contract's deploy ELF (it returns 0xFF ‖ runtime ELF when run).
Flags may come before or after the file name.

flags:
`

func runInitcode(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("initcode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the initcode to `FILE` instead of stdout")
	asHex := fs.Bool("hex", false, "write 0x-prefixed hex text and a newline instead of binary")
	argsHex := fs.String("args", "", "constructor arguments as `HEX` (0x prefix optional), appended after the ELF")
	fs.Usage = func() {
		fmt.Fprint(stderr, initcodeUsage)
		fs.PrintDefaults()
	}

	// Go's flag package stops at the first positional argument; parse again after it
	// so "initcode x.elf -o x.initcode" works too.
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		files = append(files, args[0])
		args = args[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "hybridvm initcode: want exactly one deploy ELF file, got %d\n", len(files))
		fs.Usage()
		return 2
	}

	ctorArgs, err := decodeHexArg(*argsHex)
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: --args: %v\n", err)
		return 2
	}
	deployELF, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: %v\n", err)
		return 1
	}
	if err := checkRISCVELF(deployELF); err != nil {
		fmt.Fprintf(stderr, "hybridvm initcode: %s: %v\n", files[0], err)
		return 1
	}

	code := guest.EncodeInitcode(deployELF, ctorArgs)
	var data []byte
	if *asHex {
		data = []byte("0x" + hex.EncodeToString(code) + "\n")
	} else {
		data = code
	}
	if *out == "" {
		if _, err := stdout.Write(data); err != nil {
			fmt.Fprintf(stderr, "hybridvm initcode: writing stdout: %v\n", err)
			return 1
		}
		return 0
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

// writeFileAtomic writes data to a temporary file next to path and renames it into
// place, so a failed write never leaves a truncated output behind.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(name, 0o644)
	}
	if werr == nil {
		werr = os.Rename(name, path)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
