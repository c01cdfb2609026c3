package guest

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// CodePrefix is the first byte of RISC-V contract code (docs/abi.md, "Code and initcode").
const CodePrefix = 0xFF

// IsRISCV reports whether account code or initcode is RISC-V (starts with 0xFF).
func IsRISCV(code []byte) bool { return len(code) > 0 && code[0] == CodePrefix }

// ErrBadInitcode is wrapped by every initcode parsing error.
var ErrBadInitcode = errors.New("bad RISC-V initcode")

// EncodeInitcode builds RISC-V initcode: 0xFF ‖ u32 big-endian (1 + len(deployELF)) ‖
// 0xFF ‖ deployELF ‖ args. The deploy ELF runs with the constructor arguments as calldata
// and returns 0xFF ‖ runtime ELF.
func EncodeInitcode(deployELF, args []byte) []byte {
	out := make([]byte, 0, 6+len(deployELF)+len(args))
	out = append(out, CodePrefix)
	out = binary.BigEndian.AppendUint32(out, uint32(1+len(deployELF)))
	out = append(out, CodePrefix)
	out = append(out, deployELF...)
	return append(out, args...)
}

// ParseInitcode splits RISC-V initcode into the deploy ELF and the constructor arguments.
// The returned slices alias initcode.
func ParseInitcode(initcode []byte) (deployELF, args []byte, err error) {
	if len(initcode) < 6 || initcode[0] != CodePrefix {
		return nil, nil, fmt.Errorf("%w: %d bytes, want 0xFF, a 4-byte length and 0xFF", ErrBadInitcode, len(initcode))
	}
	n := uint64(binary.BigEndian.Uint32(initcode[1:5]))
	if n < 1 || 5+n > uint64(len(initcode)) {
		return nil, nil, fmt.Errorf("%w: length field %d does not fit the %d bytes after the header", ErrBadInitcode, n, len(initcode)-5)
	}
	if initcode[5] != CodePrefix {
		return nil, nil, fmt.Errorf("%w: deploy code must start with 0xFF, found 0x%02x", ErrBadInitcode, initcode[5])
	}
	return initcode[6 : 5+n], initcode[5+n:], nil
}
