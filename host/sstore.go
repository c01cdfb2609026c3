package host

// SSTORE's net gas metering is shared by every engine (the EVM's opcode and the RISC-V
// syscall), so it lives here once.
const (
	SstoreSet         = 20000               // EIP-2200 SSTORE_SET_GAS
	SstoreReset       = 5000 - GasColdSload // EIP-2929: SSTORE_RESET_GAS - COLD_SLOAD_COST
	SstoreClearRefund = SstoreReset + 1900  // EIP-3529: SSTORE_RESET_GAS + ACCESS_LIST_STORAGE_KEY_COST - COLD_SLOAD_COST
	SstoreSentry      = CallStipend         // EIP-2200: SSTORE fails with no more gas left than this
)

// SstoreCost is EIP-2200's net gas metering as amended by EIP-2929 and EIP-3529: the cost
// of writing value over current, original being the slot's value at the start of the
// transaction, without the cold-access surcharge (2100, which the caller adds when the
// slot was cold), and the net change to make to the refund counter.
func SstoreCost(original, current, value Hash) (cost uint64, refund int64) {
	var zero Hash
	if current == value { // no-op
		return GasWarmAccess, 0
	}
	if original == current { // clean slot
		if original == zero {
			return SstoreSet, 0
		}
		if value == zero {
			refund = SstoreClearRefund
		}
		return SstoreReset, refund
	}
	// Dirty slot.
	if original != zero {
		if current == zero {
			refund -= SstoreClearRefund
		} else if value == zero {
			refund += SstoreClearRefund
		}
	}
	if original == value {
		if original == zero {
			refund += SstoreSet - GasWarmAccess
		} else {
			refund += SstoreReset - GasWarmAccess
		}
	}
	return GasWarmAccess, refund
}

// ApplyRefund adds a refund change returned by SstoreCost to s's counter.
func ApplyRefund(s StateDB, refund int64) {
	switch {
	case refund > 0:
		s.AddRefund(uint64(refund))
	case refund < 0:
		s.SubRefund(uint64(-refund))
	}
}
