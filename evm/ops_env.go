package evm

import (
	"fmt"
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Environment and block-context instructions (0x30-0x4a).

func addrOf(v *uint256.Int) host.Address { return host.Address(v.Bytes20()) }

func execAddress(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetBytes20(f.self[:])
	return nil
}

// gasAccountAccess is EIP-2929's surcharge for BALANCE, EXTCODESIZE and EXTCODEHASH: the
// warm cost is static, a cold address costs 2500 more and becomes warm.
func gasAccountAccess(f *frame, sp unsafe.Pointer) (uint64, error) {
	return f.accessAccount(addrOf(arg(sp, 0))), nil
}

// accessAccount warms an address and returns the cold surcharge (0 when already warm).
func (f *frame) accessAccount(a host.Address) uint64 {
	if f.host.AddressInAccessList(a) {
		return 0
	}
	f.host.AddAddressToAccessList(a)
	return gasColdAccountXtra
}

func execBalance(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	v.Set(f.host.GetBalance(addrOf(v)))
	return nil
}

func execOrigin(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetBytes20(f.txContext().Origin[:])
	return nil
}

func execCaller(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetBytes20(f.msg.Sender[:])
	return nil
}

func execCallValue(f *frame, sp unsafe.Pointer) error {
	*slot(sp) = f.msg.Value
	return nil
}

func execCallDataLoad(f *frame, sp unsafe.Pointer) error {
	loadPadded32(arg(sp, 0), f.input)
	return nil
}

// loadPadded32 replaces v (an offset) by the 32 bytes of data at that offset, zero-padded.
func loadPadded32(v *uint256.Int, data []byte) {
	off, overflow := v.Uint64WithOverflow()
	if !overflow && off < uint64(len(data)) {
		if uint64(len(data))-off >= 32 {
			v.SetBytes32(data[off : off+32])
			return
		}
		var buf [32]byte
		copy(buf[:], data[off:])
		v.SetBytes32(buf[:])
		return
	}
	v.Clear()
}

func execCallDataSize(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(uint64(len(f.input)))
	return nil
}

func execCallDataCopy(f *frame, sp unsafe.Pointer) error {
	mOff, dOff, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	n := size.Uint64()
	f.writePadded(mOff.Uint64(), n, sliceFrom(f.input, saturate(dOff), n))
	return nil
}

// saturate returns v as a uint64, or the largest uint64 when it does not fit (a source offset
// that large reads only zeros).
func saturate(v *uint256.Int) uint64 {
	if !v.IsUint64() {
		return ^uint64(0)
	}
	return v[0]
}

func execCodeSize(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(uint64(len(f.code)))
	return nil
}

func execCodeCopy(f *frame, sp unsafe.Pointer) error {
	mOff, cOff, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	n := size.Uint64()
	f.writePadded(mOff.Uint64(), n, sliceFrom(f.code, saturate(cOff), n))
	return nil
}

func execGasPrice(f *frame, sp unsafe.Pointer) error {
	*slot(sp) = f.txContext().GasPrice
	return nil
}

func execExtCodeSize(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	v.SetUint64(uint64(f.host.GetCodeSize(addrOf(v))))
	return nil
}

// gasExtCodeCopy: memory expansion and copy cost (memory offset and length are the 2nd and
// 4th operands), then the EIP-2929 access surcharge.
func gasExtCodeCopy(f *frame, sp unsafe.Pointer) (uint64, error) {
	g, err := f.copyGas(arg(sp, 1), arg(sp, 3))
	if err != nil {
		return 0, err
	}
	return g + f.accessAccount(addrOf(arg(sp, 0))), nil
}

func execExtCodeCopy(f *frame, sp unsafe.Pointer) error {
	a, mOff, cOff, size := arg(sp, 0), arg(sp, 1), arg(sp, 2), arg(sp, 3)
	n := size.Uint64()
	code := f.host.GetCode(addrOf(a))
	f.writePadded(mOff.Uint64(), n, sliceFrom(code, saturate(cOff), n))
	return nil
}

func execReturnDataSize(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(uint64(len(f.retData)))
	return nil
}

// execReturnDataCopy fails when the range reaches beyond the return data (EIP-211), even for
// a zero length at an offset that does not fit in 64 bits.
func execReturnDataCopy(f *frame, sp unsafe.Pointer) error {
	mOff, dOff, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	off, overflow := dOff.Uint64WithOverflow()
	if overflow {
		return ErrReturnDataOutOfBounds
	}
	n := size.Uint64() // fits: the gas function rejected longer copies
	end := off + n
	if end < off || end > uint64(len(f.retData)) {
		return ErrReturnDataOutOfBounds
	}
	if n > 0 {
		copy(f.mem[mOff.Uint64():], f.retData[off:end])
	}
	return nil
}

// execExtCodeHash pushes 0 for an empty account (EIP-1052 as amended by EIP-161), else its
// code hash (the empty-code hash for a codeless account with balance or nonce).
func execExtCodeHash(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	a := addrOf(v)
	if f.host.Empty(a) {
		v.Clear()
		return nil
	}
	h := f.host.GetCodeHash(a)
	v.SetBytes32(h[:])
	return nil
}

// execBlockHash returns the hash of one of the 256 most recent complete blocks, else zero.
func execBlockHash(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	n, overflow := v.Uint64WithOverflow()
	if overflow {
		v.Clear()
		return nil
	}
	upper := f.txContext().Number
	var lower uint64
	if upper > 256 {
		lower = upper - 256
	}
	if n >= lower && n < upper {
		h := f.host.BlockHash(n)
		v.SetBytes32(h[:])
	} else {
		v.Clear()
	}
	return nil
}

func execCoinbase(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetBytes20(f.txContext().Coinbase[:])
	return nil
}

func execTimestamp(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(f.txContext().Timestamp)
	return nil
}

func execNumber(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(f.txContext().Number)
	return nil
}

func execPrevRandao(f *frame, sp unsafe.Pointer) error {
	r := f.txContext().PrevRandao
	slot(sp).SetBytes32(r[:])
	return nil
}

func execGasLimit(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(f.txContext().GasLimit)
	return nil
}

func execChainID(f *frame, sp unsafe.Pointer) error {
	*slot(sp) = f.txContext().ChainID
	return nil
}

func execSelfBalance(f *frame, sp unsafe.Pointer) error {
	slot(sp).Set(f.host.GetBalance(f.self))
	return nil
}

func execBaseFee(f *frame, sp unsafe.Pointer) error {
	*slot(sp) = f.txContext().BaseFee
	return nil
}

// execBlobHash is EIP-4844's BLOBHASH: the versioned hash at an index, zero out of range.
func execBlobHash(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	hashes := f.txContext().BlobHashes
	if v.LtUint64(uint64(len(hashes))) {
		h := hashes[v[0]]
		v.SetBytes32(h[:])
	} else {
		v.Clear()
	}
	return nil
}

func execBlobBaseFee(f *frame, sp unsafe.Pointer) error {
	*slot(sp) = f.txContext().BlobBaseFee
	return nil
}

// initCodeSizeError is go-ethereum's wording for EIP-3860's limit.
func initCodeSizeError(size uint64) error {
	return fmt.Errorf("%w: code size %v limit %v", host.ErrMaxInitCodeSizeExceeded, size, host.MaxInitCodeSize)
}
