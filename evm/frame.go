package evm

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// stackLimit is the EVM's maximum stack height.
const stackLimit = 1024

// frame is the state of one execution of code. Frames are pooled: the stack (32 KiB) and the
// memory buffer are reused by later executions.
//
// The stack grows upwards in stack[]; the interpreter keeps a pointer sp to the next free
// slot (so the top item is at sp-32). stack has one slot more than the limit so that sp of a
// full stack still points inside the array, as unsafe.Pointer rules require.
type frame struct {
	frameState
	stack [stackLimit + 1]uint256.Int
}

// frameState is everything in a frame but the stack, so that it can be reset in one
// assignment without clearing the 32 KiB stack (stack words hold no pointers and are always
// written before they are read).
type frameState struct {
	evm  *EVM
	tbl  *forkTable
	host host.Host
	msg  *host.Message
	prog *program
	code []byte
	self host.Address
	// input is the call data: msg.Input, except for a create, whose Input is the initcode
	// being run and whose call data is empty.
	input []byte

	mem []byte
	// newMemSize is the memory size a dynamic-gas function has charged for and the
	// instruction's execution will expand to (go-ethereum's order: size, charge, trace,
	// expand, execute).
	newMemSize uint64

	retData []byte // return data of the last call or create (EIP-211)
	// stop is the host's cancel flag (host.CancelFlagOf), checked at every taken jump.
	stop *atomic.Bool
	// childInstrs sums the RISC-V instructions the frame's children retired
	// (host.Result.Instructions).
	childInstrs uint64
	output      []byte // RETURN / REVERT data of this frame

	// gas is the gas left, kept here only around calls into dynamic-gas and execution
	// functions; the interpreter loop keeps it in a local.
	gas int64
	// sp and in hold the interpreter loop's stack and instruction pointers across calls out
	// of the loop (see run).
	sp unsafe.Pointer
	in *instr
	// callGas is the gas a CALL-family gas function decided to hand to the child (EIP-150).
	callGas int64

	err error           // the failure of a memory expansion in the loop (see growTo)
	tx  *host.TxContext // fetched lazily from the host

	slots slotCache

	// MULMOD's last full-width modulus and its reciprocal (see execMulmod).
	mulmodM  uint256.Int
	mulmodMu [5]uint64
	hasher   crypto.KeccakState
	hbuf     host.Hash
}

var framePool = sync.Pool{New: func() any { return new(frame) }}

// maxPooledMemory is the largest memory buffer kept for reuse; larger ones are dropped so a
// single huge frame does not pin its memory for ever.
const maxPooledMemory = 1 << 20

func getFrame() *frame { return framePool.Get().(*frame) }

func putFrame(f *frame) {
	f.reset()
	framePool.Put(f)
}

// reset readies a frame for reuse. It clears field by field: assigning a whole zero state
// costs a bulk write barrier while the GC runs, a noticeable part of a short call. The
// memory buffer (emptied), the slot cache (emptied), the MULMOD reciprocal and the hasher
// (pure caches) are kept. TestFrameReset checks that nothing else survives.
func (f *frame) reset() {
	if cap(f.mem) > maxPooledMemory {
		f.mem = nil
	} else {
		f.mem = f.mem[:0]
	}
	f.evm, f.tbl, f.host, f.msg, f.prog, f.tx = nil, nil, nil, nil, nil, nil
	f.code, f.input, f.retData, f.output = nil, nil, nil, nil
	f.self = host.Address{}
	f.newMemSize, f.childInstrs, f.gas, f.callGas = 0, 0, 0, 0
	f.sp, f.in, f.err, f.stop = nil, nil, nil, nil
	f.slots.reset()
}

// txContext returns the block and transaction context, asking the host once per frame.
func (f *frame) txContext() *host.TxContext {
	if f.tx == nil {
		f.tx = f.host.TxContext()
	}
	return f.tx
}

// arg returns the i-th stack item from the top (0 = top) given the stack pointer sp.
func arg(sp unsafe.Pointer, i int) *uint256.Int {
	return (*uint256.Int)(unsafe.Add(sp, -(i+1)*32))
}

// slot returns the free slot at sp (where a push writes).
func slot(sp unsafe.Pointer) *uint256.Int { return (*uint256.Int)(sp) }

// height returns the number of items on the stack.
func (f *frame) height(sp unsafe.Pointer) int {
	return int(uintptr(sp)-uintptr(unsafe.Pointer(&f.stack[0]))) / 32
}

// memEnd returns off+size as the memory size an access of size bytes at off needs (0 when
// size is 0, whatever off is), and false when go-ethereum's memory-size step overflows:
// off+size does not fit in 64 bits, or rounding it up to 32-byte words does (beyond
// 2^64-32). That failure is a plain ErrGasUintOverflow, reported before any dynamic gas
// is computed.
func memEnd(off, size *uint256.Int) (uint64, bool) {
	if size.IsZero() {
		return 0, true
	}
	if !size.IsUint64() || !off.IsUint64() {
		return 0, false
	}
	end := off[0] + size[0]
	return end, end >= off[0] && end <= maxWordRoundable
}

// memEnd64 is memEnd with a length known to fit in 64 bits.
func memEnd64(off *uint256.Int, size uint64) (uint64, bool) {
	if size == 0 {
		return 0, true
	}
	if !off.IsUint64() {
		return 0, false
	}
	end := off[0] + size
	return end, end >= off[0] && end <= maxWordRoundable
}

// maxWordRoundable is the largest byte count whose size in 32-byte words, times 32,
// fits in 64 bits.
const maxWordRoundable = 1<<64 - 32

// maxCostableMemory is go-ethereum's bound on a memory whose cost can be computed: beyond
// it the quadratic term overflows, and the dynamic gas fails with "out of gas: gas uint64
// overflow".
const maxCostableMemory = 0x1FFFFFFFE0

// memGas returns the cost of expanding memory to end bytes (rounded up to words) and records
// the new size for expandMem. The cost is exact, as go-ethereum computes it, however large
// the memory: a trace reports it as the cost of the instruction that could not pay it.
// Memory beyond maxMemorySize is refused when it would be expanded (see memTooLarge).
func (f *frame) memGas(end uint64) (uint64, error) {
	cur := uint64(len(f.mem))
	if end <= cur {
		return 0, nil
	}
	if end > maxCostableMemory {
		return 0, gasErr(ErrGasUintOverflow)
	}
	words := (end + 31) / 32
	if words*32 > f.newMemSize {
		f.newMemSize = words * 32
	}
	return memoryCost(words) - memoryCost(cur/32), nil
}

// memTooLarge reports whether the expansion a dynamic-gas function charged for exceeds
// maxMemorySize: the instruction then fails out of gas even though its gas covered it
// (no chain's gas limit can pay for such a memory).
func (f *frame) memTooLarge() bool { return f.newMemSize > maxMemorySize }

// expandMem grows memory to the size the last dynamic-gas function charged for, zero-filling
// the new part (buffers are reused, so bytes beyond len may be stale).
func (f *frame) expandMem() {
	n := f.newMemSize
	f.newMemSize = 0
	cur := uint64(len(f.mem))
	if n <= cur {
		return
	}
	if n <= uint64(cap(f.mem)) {
		f.mem = f.mem[:n]
		clear(f.mem[cur:])
		return
	}
	c := 2 * uint64(cap(f.mem))
	if c < n {
		c = n
	}
	if c < 4096 {
		c = 4096
	}
	if c > maxMemorySize {
		c = n
	}
	m := make([]byte, n, c)
	copy(m, f.mem)
	f.mem = m
}

// memSlice returns memory [off, off+size); the range must have been paid for and expanded.
func (f *frame) memSlice(off, size uint64) []byte {
	if size == 0 {
		return nil
	}
	return f.mem[off : off+size]
}

// memCopyOut returns a fresh copy of memory [off, off+size) (memory is reused after the frame).
func (f *frame) memCopyOut(off, size uint64) []byte {
	if size == 0 {
		return nil
	}
	out := make([]byte, size)
	copy(out, f.mem[off:off+size])
	return out
}

// keccak hashes data with the frame's reusable hasher.
func (f *frame) keccak(data []byte) host.Hash {
	if f.hasher == nil {
		f.hasher = crypto.NewKeccakState()
	}
	f.hasher.Reset()
	f.hasher.Write(data)
	f.hasher.Read(f.hbuf[:])
	return f.hbuf
}
