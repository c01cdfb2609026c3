package evmbridge

import (
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/host"
)

// Syscalls that move data between guest memory and the host.

// sysCallDataLoad returns the 32 calldata bytes at offset a0, zero-padded, as a U256
// (fixed: Hybrid ignored the offset).
func sysCallDataLoad(f *Frame) error {
	if err := f.use(host.GasVeryLow); err != nil {
		return err
	}
	var w host.Hash
	copy(w[:], slice(f.Msg.Input, f.St.X[10], 32))
	putWord(&f.St.X, w)
	return nil
}

// copyCost charges the base and per-word cost of a *COPY of n bytes.
func (f *Frame) copyCost(base, n uint64) error {
	return f.use(base + host.GasCopyWord*words(n))
}

// sysCallDataCopy copies calldata[a1 : a1+a2] to a0, zero-padded (fixed: a no-op in
// Hybrid).
func sysCallDataCopy(f *Frame) error { return f.copyFrom(f.Msg.Input) }

func sysCodeCopy(f *Frame) error { return f.copyFrom(f.Code) }

// copyFrom is CALLDATACOPY and CODECOPY: src[a1 : a1+a2] to guest address a0,
// zero-padded, for 3 gas plus 3 per word.
func (f *Frame) copyFrom(src []byte) error {
	dst, off, n := f.St.X[10], f.St.X[11], f.St.X[12]
	out, err := f.writable(dst, n)
	if err != nil {
		return err
	}
	if err := f.copyCost(host.GasVeryLow, n); err != nil {
		return err
	}
	fill(out, slice(src, off, n))
	return nil
}

func sysExtCodeCopy(f *Frame) error {
	addr := addrIn(&f.St.X)
	dst, off, n := f.St.X[13], f.St.X[14], f.St.X[15]
	out, err := f.writable(dst, n)
	if err != nil {
		return err
	}
	if err := f.copyCost(0, n); err != nil {
		return err
	}
	if err := f.accessAccount(addr); err != nil {
		return err
	}
	fill(out, slice(f.Host.GetCode(addr), off, n))
	return nil
}

// sysReturnDataSize returns the size of the last child's output in a0.
func sysReturnDataSize(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	f.St.X[10] = uint64(len(f.ReturnData))
	return nil
}

// sysReturnDataCopy copies return data; reading past its end is a fault (EIP-211).
func sysReturnDataCopy(f *Frame) error {
	dst, off, n := f.St.X[10], f.St.X[11], f.St.X[12]
	out, err := f.writable(dst, n)
	if err != nil {
		return err
	}
	if err := f.copyCost(host.GasVeryLow, n); err != nil {
		return err
	}
	if off > uint64(len(f.ReturnData)) || n > uint64(len(f.ReturnData))-off {
		return f.fault(0, "range [%d, +%d) is past the %d bytes of return data", off, n, len(f.ReturnData))
	}
	copy(out, f.ReturnData[off:off+n])
	return nil
}

func sysKeccak256(f *Frame) error {
	ptr, n := f.St.X[10], f.St.X[11]
	data, err := f.read(ptr, n)
	if err != nil {
		return err
	}
	if err := f.use(host.GasKeccak + host.GasKeccakWord*words(n)); err != nil {
		return err
	}
	putWord(&f.St.X, crypto.Keccak256Hash(data))
	return nil
}

// sysLog emits a log: a0/a1 the data, a2 the topics (a3 × 32 raw bytes).
func sysLog(f *Frame) error {
	ptr, n, tptr, count := f.St.X[10], f.St.X[11], f.St.X[12], f.St.X[13]
	if err := f.static(); err != nil {
		return err
	}
	if count > 4 {
		return f.fault(0, "%d topics (at most 4)", count)
	}
	data, err := f.read(ptr, n)
	if err != nil {
		return err
	}
	traw, err := f.read(tptr, 32*count)
	if err != nil {
		return err
	}
	if err := f.use(host.GasLog + host.GasLogTopic*count + host.GasLogByte*n); err != nil {
		return err
	}
	topics := make([]host.Hash, count)
	for i := range topics {
		copy(topics[i][:], traw[32*i:])
	}
	f.Host.AddLog(&host.Log{Address: f.self(), Topics: topics, Data: clone(data)})
	return nil
}

// sysReturnCreateAddress writes the address made by the latest CREATE child (zero if
// it failed) at a0.
func sysReturnCreateAddress(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	return f.copyOut(f.St.X[10], 20, f.Created[:])
}

// sysReturn and sysRevert end the frame with the output at a0/a1.
func sysReturn(f *Frame) error { return f.finish(false) }
func sysRevert(f *Frame) error { return f.finish(true) }

func (f *Frame) finish(revert bool) error {
	ptr, n := f.St.X[10], f.St.X[11]
	out, err := f.read(ptr, n)
	if err != nil {
		return err
	}
	if err := f.copyCost(0, n); err != nil {
		return err
	}
	f.Done, f.Reverted, f.Output = true, revert, clone(out)
	return nil
}
