package evmbridge

import (
	"encoding/binary"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Register encodings of docs/abi.md ("System calls": U256 limbs, A-out, A-in, A-word).

var be = binary.BigEndian

// putU256 writes a 256-bit value into a0..a3, least significant limb first.
func putU256(x *[32]uint64, v *uint256.Int) {
	x[10], x[11], x[12], x[13] = v[0], v[1], v[2], v[3]
}

// putWord writes a 32-byte big-endian word (a hash, a storage value) as a U256.
func putWord(x *[32]uint64, w host.Hash) {
	x[10] = be.Uint64(w[24:])
	x[11] = be.Uint64(w[16:])
	x[12] = be.Uint64(w[8:])
	x[13] = be.Uint64(w[0:])
}

// wordAt reads a U256 from four registers starting at r as a 32-byte big-endian word.
func wordAt(x *[32]uint64, r int) host.Hash {
	var w host.Hash
	be.PutUint64(w[24:], x[r])
	be.PutUint64(w[16:], x[r+1])
	be.PutUint64(w[8:], x[r+2])
	be.PutUint64(w[0:], x[r+3])
	return w
}

// putAddrOut writes an address in the A-out encoding (results of ADDRESS, CALLER,
// ORIGIN, COINBASE): a0 = BE64(b[0..8]), a1 = BE64(b[8..16]),
// a2 = BE64(b[16..20] ‖ 00 00 00 00) — the last 4 bytes in the high half.
func putAddrOut(x *[32]uint64, a host.Address) {
	x[10] = be.Uint64(a[0:8])
	x[11] = be.Uint64(a[8:16])
	x[12] = uint64(be.Uint32(a[16:20])) << 32
}

// addrIn reads an address in the A-in encoding (arguments of BALANCE, EXTCODESIZE,
// EXTCODECOPY, EXTCODEHASH): as A-out but a2 = BE64(00 00 00 00 ‖ b[16..20]).
func addrIn(x *[32]uint64) host.Address {
	var a host.Address
	be.PutUint64(a[0:8], x[10])
	be.PutUint64(a[8:16], x[11])
	be.PutUint32(a[16:20], uint32(x[12]))
	return a
}

// addrWord reads an address in the A-word encoding (targets of CALL, STATICCALL,
// DELEGATECALL): the address as a U256 in limbs, a0 = BE64(b[12..20]),
// a1 = BE64(b[4..12]), a2 = BE64(00 00 00 00 ‖ b[0..4]). Like the EVM, the upper 96
// bits of the word are ignored.
func addrWord(x *[32]uint64) host.Address {
	var a host.Address
	be.PutUint64(a[12:20], x[10])
	be.PutUint64(a[4:12], x[11])
	be.PutUint32(a[0:4], uint32(x[12]))
	return a
}
