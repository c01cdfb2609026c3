package evm

import (
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Memory instructions: MLOAD, MSTORE, MSTORE8, MCOPY (EIP-5656), KECCAK256, and the copy cost
// shared by the *COPY family. Memory grows in 32-byte words; the expansion cost is
// 3·words + words²/512 for the whole memory, charged as the difference (Yellow Paper Cmem).

func gasMload(f *frame, sp unsafe.Pointer) (uint64, error) {
	end, ok := memEnd64(arg(sp, 0), 32)
	if !ok {
		return 0, ErrGasUintOverflow
	}
	return f.memGas(end)
}

var gasMstore = gasMload

func gasMstore8(f *frame, sp unsafe.Pointer) (uint64, error) {
	end, ok := memEnd64(arg(sp, 0), 1)
	if !ok {
		return 0, ErrGasUintOverflow
	}
	return f.memGas(end)
}

func execMload(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	off := v[0]
	v.SetBytes32(f.mem[off : off+32])
	return nil
}

func execMstore(f *frame, sp unsafe.Pointer) error {
	off := arg(sp, 0)[0]
	arg(sp, 1).PutUint256(f.mem[off : off+32])
	return nil
}

func execMstore8(f *frame, sp unsafe.Pointer) error {
	off := arg(sp, 0)[0]
	f.mem[off] = byte(arg(sp, 1)[0])
	return nil
}

// gasCopy is the dynamic cost of CALLDATACOPY, CODECOPY and RETURNDATACOPY (memory offset,
// source offset, length): memory expansion plus 3 gas per word copied.
func gasCopy(f *frame, sp unsafe.Pointer) (uint64, error) {
	return f.copyGas(arg(sp, 0), arg(sp, 2))
}

// copyGas charges for writing size bytes at memory offset off, 3 gas a word.
func (f *frame) copyGas(off, size *uint256.Int) (uint64, error) {
	end, ok := memEnd(off, size)
	if !ok {
		return 0, ErrGasUintOverflow
	}
	g, err := f.memGas(end)
	if err != nil {
		return 0, err
	}
	// size fits in 64 bits here (it is zero, or memEnd accepted it).
	return g + toWords(size[0])*host.GasCopyWord, nil
}

// gasMcopyFn: MCOPY needs memory up to max(dst, src) + length (EIP-5656).
func gasMcopyFn(f *frame, sp unsafe.Pointer) (uint64, error) {
	dst, src, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	hi := dst
	if src.Gt(dst) {
		hi = src
	}
	return f.copyGas(hi, size)
}

func execMcopy(f *frame, sp unsafe.Pointer) error {
	dst, src, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	if size.IsZero() {
		return nil
	}
	n := size[0]
	copy(f.mem[dst[0]:dst[0]+n], f.mem[src[0]:src[0]+n]) // copy handles overlap
	return nil
}

func gasKeccakFn(f *frame, sp unsafe.Pointer) (uint64, error) {
	size := arg(sp, 1)
	end, ok := memEnd(arg(sp, 0), size)
	if !ok {
		return 0, ErrGasUintOverflow
	}
	g, err := f.memGas(end)
	if err != nil {
		return 0, err
	}
	return g + toWords(size[0])*host.GasKeccakWord, nil
}

func execKeccak(f *frame, sp unsafe.Pointer) error {
	off, size := arg(sp, 0), arg(sp, 1)
	h := f.keccak(f.memSlice(off.Uint64(), size.Uint64()))
	size.SetBytes32(h[:])
	return nil
}

// writePadded copies src into memory at off (n bytes), zero-filling what src lacks (copies
// read zeros beyond the end of their source).
func (f *frame) writePadded(off, n uint64, src []byte) {
	if n == 0 {
		return
	}
	dst := f.mem[off : off+n]
	c := copy(dst, src)
	clear(dst[c:])
}

// sliceFrom returns data[start:start+n] clipped to data (start may be beyond the end).
func sliceFrom(data []byte, start, n uint64) []byte {
	l := uint64(len(data))
	if start >= l {
		return nil
	}
	end := start + n
	if end > l || end < start {
		end = l
	}
	return data[start:end]
}
