package host

// DelegationPrefix starts an EIP-7702 delegation designator: 0xef0100 ‖ address.
var DelegationPrefix = [3]byte{0xef, 0x01, 0x00}

// DelegationLen is the length of a delegation designator.
const DelegationLen = 23

// ParseDelegation returns the address an EIP-7702 delegation designator points to,
// and whether code is one.
func ParseDelegation(code []byte) (Address, bool) {
	if len(code) != DelegationLen || code[0] != 0xef || code[1] != 0x01 || code[2] != 0x00 {
		return Address{}, false
	}
	return Address(code[3:]), true
}

// DelegationDesignator returns the designator that delegates to addr.
func DelegationDesignator(addr Address) []byte {
	return append(DelegationPrefix[:], addr[:]...)
}
