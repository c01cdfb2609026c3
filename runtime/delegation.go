package runtime

import "github.com/hybridvm/hybridvm/host"

// EIP-7702 delegation designators: 0xef0100 ‖ address, 23 bytes.
const delegationLen = 23

// ParseDelegation returns the target of an EIP-7702 delegation designator.
func ParseDelegation(code []byte) (host.Address, bool) {
	if len(code) != delegationLen || code[0] != 0xef || code[1] != 0x01 || code[2] != 0x00 {
		return host.Address{}, false
	}
	return host.Address(code[3:]), true
}

// Delegation returns the designator that delegates to target.
func Delegation(target host.Address) []byte {
	d := make([]byte, delegationLen)
	d[0], d[1] = 0xef, 0x01
	copy(d[3:], target[:])
	return d
}
