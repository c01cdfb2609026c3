package evmbridge

import (
	"bytes"
	"fmt"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
)

// Frame is the contract frame a syscall runs in: what the engine knows about it and
// what the syscalls change.
type Frame struct {
	Host host.Host
	Msg  *host.Message
	Fork host.Fork
	St   *guest.State
	Mem  *guest.Arena
	// Code is what CODESIZE and CODECOPY see: the account's code (0xFF ‖ ELF), or the
	// initcode of a create.
	Code []byte

	// ReturnData is the EVM's return-data buffer: the output of the latest child call
	// (for a create, only when it reverted).
	ReturnData []byte
	// Created is the address made by the latest CREATE/CREATE2 child (zero if it failed).
	Created host.Address
	// ChildInstructions adds up the instructions retired by child frames.
	ChildInstructions uint64

	// Done is set when RETURN or REVERT ended the frame; Reverted says which, and
	// Output is the returned data.
	Done     bool
	Reverted bool
	Output   []byte
}

// Syscall performs the ECALL the frame stopped at (St.PC is the instruction after
// it). It returns nil when the guest continues or the frame is Done, and an error when
// the frame fails: a *guest.Fault (FaultSyscall) or host.ErrOutOfGas.
func (f *Frame) Syscall() error {
	id := uint8(f.St.X[5])
	s := &syscalls[id]
	if s.fn == nil {
		return f.fault(0, "unknown syscall %#02x", id)
	}
	if f.Fork < s.since {
		return f.fault(0, "unknown syscall %#02x before %v", id, s.since)
	}
	return s.fn(f)
}

// use charges gas, failing the frame with out of gas when not enough is left.
func (f *Frame) use(g uint64) error {
	if g > uint64(f.St.Gas) || f.St.Gas < 0 {
		f.St.Gas = 0
		return host.ErrOutOfGas
	}
	f.St.Gas -= int64(g)
	return nil
}

// fault returns a syscall fault at the ECALL.
func (f *Frame) fault(addr uint64, format string, args ...any) error {
	id := uint8(f.St.X[5])
	name := syscalls[id].name
	if name == "" {
		name = fmt.Sprintf("syscall %#02x", id)
	}
	return &guest.Fault{Kind: guest.FaultSyscall, PC: f.St.PC - 4, Addr: addr,
		Detail: name + ": " + fmt.Sprintf(format, args...)}
}

// read returns the n guest bytes at ptr (aliasing guest memory: copy before keeping
// them). A zero-length range is valid wherever it points, as in the EVM.
func (f *Frame) read(ptr, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	b, ok := f.Mem.Slice(ptr, n)
	if !ok {
		return nil, f.fault(ptr, "range [%#x, +%#x) is outside memory", ptr, n)
	}
	return b, nil
}

// writable returns n guest bytes at ptr that the syscall may write, charging for the
// pages the write adds to the frame's memory.
func (f *Frame) writable(ptr, n uint64) ([]byte, error) {
	if n == 0 {
		return nil, nil
	}
	b, ok := f.Mem.WritableSlice(ptr, n)
	if !ok {
		if f.Mem.Contains(ptr, n) {
			return nil, f.fault(ptr, "range [%#x, +%#x) is read-only", ptr, n)
		}
		return nil, f.fault(ptr, "range [%#x, +%#x) is outside memory", ptr, n)
	}
	// The pages it writes are paid for like a store's (docs/abi.md, "Memory growth").
	if err := f.use(uint64(f.St.GrowWindow(ptr-f.Mem.Base, n))); err != nil {
		return nil, err
	}
	return b, nil
}

// fill copies src into dst and zero-fills the rest (the EVM's *COPY semantics for data
// shorter than the copy).
func fill(dst, src []byte) {
	c := copy(dst, src)
	clear(dst[c:])
}

// copyOut writes src into guest memory at ptr, zero-filling up to n bytes.
func (f *Frame) copyOut(ptr, n uint64, src []byte) error {
	dst, err := f.writable(ptr, n)
	if err != nil {
		return err
	}
	fill(dst, src)
	return nil
}

// slice returns data[off:off+n] clipped to data (for zero-padded copies).
func slice(data []byte, off, n uint64) []byte {
	if off >= uint64(len(data)) {
		return nil
	}
	end := uint64(len(data))
	if n < end-off {
		end = off + n
	}
	return data[off:end]
}

func (f *Frame) self() host.Address { return f.Msg.Recipient }

// static fails a state-changing syscall in a static frame.
func (f *Frame) static() error {
	if f.Msg.Static {
		return f.fault(0, "state change in a static frame")
	}
	return nil
}

// accessAccount charges the EIP-2929 cost of touching addr and warms it.
func (f *Frame) accessAccount(addr host.Address) error {
	if f.Host.AddressInAccessList(addr) {
		return f.use(host.GasWarmAccess)
	}
	if err := f.use(host.GasColdAccount); err != nil {
		return err
	}
	f.Host.AddAddressToAccessList(addr)
	return nil
}

// clone copies guest bytes the host keeps after the syscall.
func clone(b []byte) []byte { return bytes.Clone(b) }
