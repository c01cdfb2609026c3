package evm

import (
	"math/bits"
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// run is the untraced interpreter loop over the analysed instruction stream. It returns the
// gas left and nil (STOP, RETURN, SELFDESTRUCT, end of code), host.ErrExecutionReverted
// (REVERT), or the reason for an exceptional halt.
//
// Dispatch is a switch on the entry's dispatch code, which Go compiles to a jump table; the
// common instructions are inlined into it, the rest go through the fork table (default case).
// The stack pointer, the gas and the instruction pointer live in locals; the stack pointer is
// an unsafe.Pointer into frame.stack whose bounds the block-begin entries have checked.
//
// Cancellation: every taken jump (the only way EVM code loops) reads the host's cancel flag,
// one load and a predictable branch.
func (f *frame) run(gas int64) (int64, error) {
	p := f.prog
	ins := p.ins
	consts := p.consts
	jd := p.jumpdest
	base := unsafe.Pointer(&f.stack[0])
	sp := base
	in := &ins[0]
	ins0 := unsafe.Pointer(in)
	var t, c int // jump target entry and the index to continue at, for enter
	const isz = unsafe.Sizeof(instr{})

	// The instruction bodies are written out here rather than called: Go does not inline
	// functions above a small cost, and a call per instruction would cost more than most
	// instructions. Each has a twin in the fork table (ops_*.go) that the traced loop uses;
	// the tests run every program on both loops.
	for {
		switch in.op {
		case iBegin:
			gas -= int64(uint32(in.v))
			h := int(uintptr(sp)-uintptr(base)) >> 5
			if gas < 0 || h < int(in.n) || h > int(int32(in.a)) {
				// The block would halt somewhere: replay it instruction by instruction
				// so the halt (and its reason) is exactly go-ethereum's.
				return f.replay(in, sp, gas)
			}
			in = (*instr)(unsafe.Add(unsafe.Pointer(in), uintptr(in.skip)*isz))
		case iEntry: // JUMPDESTs fallen into: paid for by the block
			in = (*instr)(unsafe.Add(unsafe.Pointer(in), uintptr(in.skip)*isz))
		case uint8(STOP):
			return gas, nil

		// Arithmetic.
		case uint8(ADD):
			a, b := arg(sp, 0), arg(sp, 1)
			b.Add(a, b)
			sp = unsafe.Add(sp, -32)
		case uint8(SUB):
			a, b := arg(sp, 0), arg(sp, 1)
			b.Sub(a, b)
			sp = unsafe.Add(sp, -32)
		case uint8(MUL):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			mulFast(sp)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(DIV):
			f.sp, f.gas, f.in = sp, gas, in
			divFast(sp)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(SDIV):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			a, b := arg(sp, 0), arg(sp, 1)
			b.SDiv(a, b)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(MOD):
			f.sp, f.gas, f.in = sp, gas, in
			modFast(sp)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(SMOD):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			a, b := arg(sp, 0), arg(sp, 1)
			b.SMod(a, b)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(ADDMOD):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			a, b, m := arg(sp, 0), arg(sp, 1), arg(sp, 2)
			m.AddMod(a, b, m)
			sp, gas, in = unsafe.Add(f.sp, -64), f.gas, f.in
		case uint8(MULMOD):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			execMulmod(f, sp)
			sp, gas, in = unsafe.Add(f.sp, -64), f.gas, f.in
		case uint8(EXP):
			b, e := arg(sp, 0), arg(sp, 1)
			cost := int64(e.ByteLen()) * gasExpByte // EIP-160
			if cost > gas {
				return 0, host.ErrOutOfGas
			}
			gas -= cost
			if b[0] == 2 && b[1]|b[2]|b[3] == 0 { // 2**n: a shift (old Solidity's)
				var v uint256.Int
				if e.LtUint64(256) {
					v[e[0]/64] = 1 << (e[0] % 64)
				}
				*e = v
			} else {
				f.sp, f.gas, f.in = sp, gas, in
				e.Exp(b, e)
				sp, gas, in = f.sp, f.gas, f.in
			}
			sp = unsafe.Add(sp, -32)
		case uint8(SIGNEXTEND):
			n, x := arg(sp, 0), arg(sp, 1)
			if n.LtUint64(31) { // else x is unchanged
				// Extend the sign bit of byte n (counted from the least significant).
				w, bit := n[0]/8, (n[0]%8)*8+7
				if x[w]>>bit&1 != 0 {
					x[w] |= ^uint64(0) << bit
					for j := w + 1; j < 4; j++ {
						x[j] = ^uint64(0)
					}
				} else {
					x[w] &= ^(^uint64(0) << bit << 1)
					for j := w + 1; j < 4; j++ {
						x[j] = 0
					}
				}
			}
			sp = unsafe.Add(sp, -32)

		// Comparison and bitwise logic.
		case uint8(LT):
			a, b := arg(sp, 0), arg(sp, 1)
			setBool(b, a.Lt(b))
			sp = unsafe.Add(sp, -32)
		case uint8(GT):
			a, b := arg(sp, 0), arg(sp, 1)
			setBool(b, a.Gt(b))
			sp = unsafe.Add(sp, -32)
		case uint8(SLT):
			a, b := *arg(sp, 0), arg(sp, 1)
			c := *b
			a[3] ^= 1 << 63 // signed order is unsigned order with the sign bits flipped
			c[3] ^= 1 << 63
			setBool(b, a.Lt(&c))
			sp = unsafe.Add(sp, -32)
		case uint8(SGT):
			a, b := *arg(sp, 0), arg(sp, 1)
			c := *b
			a[3] ^= 1 << 63
			c[3] ^= 1 << 63
			setBool(b, a.Gt(&c))
			sp = unsafe.Add(sp, -32)
		case uint8(EQ):
			a, b := arg(sp, 0), arg(sp, 1)
			setBool(b, a.Eq(b))
			sp = unsafe.Add(sp, -32)
		case uint8(ISZERO):
			a := arg(sp, 0)
			setBool(a, a.IsZero())
		case uint8(AND):
			a, b := arg(sp, 0), arg(sp, 1)
			b.And(a, b)
			sp = unsafe.Add(sp, -32)
		case uint8(OR):
			a, b := arg(sp, 0), arg(sp, 1)
			b.Or(a, b)
			sp = unsafe.Add(sp, -32)
		case uint8(XOR):
			a, b := arg(sp, 0), arg(sp, 1)
			b.Xor(a, b)
			sp = unsafe.Add(sp, -32)
		case uint8(NOT):
			a := arg(sp, 0)
			a.Not(a)
		case uint8(BYTE):
			n, x := arg(sp, 0), arg(sp, 1)
			var v uint64
			if n.LtUint64(32) {
				v = (x[3-n[0]/8] >> ((7 - n[0]%8) * 8)) & 0xff
			}
			x[0], x[1], x[2], x[3] = v, 0, 0, 0
			sp = unsafe.Add(sp, -32)
		case uint8(SHL):
			n, x := arg(sp, 0), arg(sp, 1)
			if n.LtUint64(64) && x[1]|x[2]|x[3] == 0 { // a word shifted into at most two
				x[0], x[1] = x[0]<<n[0], x[0]>>(64-n[0]) // Go: x>>64 is 0
			} else if n.LtUint64(256) {
				f.sp, f.gas, f.in = sp, gas, in
				x.Lsh(x, uint(n[0]))
				sp, gas, in = f.sp, f.gas, f.in
			} else {
				x.Clear()
			}
			sp = unsafe.Add(sp, -32)
		case uint8(SHR):
			n, x := arg(sp, 0), arg(sp, 1)
			if x[1]|x[2]|x[3] == 0 && n.LtUint64(256) { // a word shifted right
				x[0] >>= n[0] // Go: a shift of 64 or more gives 0
			} else if n.LtUint64(256) {
				f.sp, f.gas, f.in = sp, gas, in
				x.Rsh(x, uint(n[0]))
				sp, gas, in = f.sp, f.gas, f.in
			} else {
				x.Clear()
			}
			sp = unsafe.Add(sp, -32)
		case uint8(SAR):
			f.sp, f.gas, f.in = sp, gas, in // not live across the call: no spills in the loop
			opSar(sp)
			sp, gas, in = unsafe.Add(f.sp, -32), f.gas, f.in
		case uint8(CLZ): // emitted only for forks that define it (EIP-7939)
			x := arg(sp, 0)
			x.SetUint64(uint64(256 - x.BitLen()))

		// Stack.
		case uint8(POP):
			sp = unsafe.Add(sp, -32)
		case uint8(PUSH1): // every push of up to 8 bytes, and PUSH0
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = in.v, 0, 0, 0
			sp = unsafe.Add(sp, 32)
		case uint8(PUSH32): // pushes of 9 to 32 bytes; in.a is valid by construction
			v := *(*uint256.Int)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(consts)), uintptr(in.a)*32))
			*(*uint256.Int)(sp) = v // through a copy: otherwise Go calls memmove
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1):
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 1:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -2*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 2:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -3*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 3:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -4*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 4:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -5*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 5:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -6*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 6:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -7*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 7:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -8*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 8:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -9*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 9:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -10*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 10:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -11*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 11:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -12*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 12:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -13*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 13:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -14*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP1) + 14:
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -15*32))
			sp = unsafe.Add(sp, 32)
		case uint8(DUP16):
			*(*uint256.Int)(sp) = *(*uint256.Int)(unsafe.Add(sp, -16*32))
			sp = unsafe.Add(sp, 32)
		case uint8(SWAP1):
			swapN(sp, 1)
		case uint8(SWAP1) + 1:
			swapN(sp, 2)
		case uint8(SWAP1) + 2:
			swapN(sp, 3)
		case uint8(SWAP1) + 3:
			swapN(sp, 4)
		case uint8(SWAP1) + 4:
			swapN(sp, 5)
		case uint8(SWAP1) + 5:
			swapN(sp, 6)
		case uint8(SWAP1) + 6:
			swapN(sp, 7)
		case uint8(SWAP1) + 7:
			swapN(sp, 8)
		case uint8(SWAP1) + 8:
			swapN(sp, 9)
		case uint8(SWAP1) + 9:
			swapN(sp, 10)
		case uint8(SWAP1) + 10:
			swapN(sp, 11)
		case uint8(SWAP1) + 11:
			swapN(sp, 12)
		case uint8(SWAP1) + 12:
			swapN(sp, 13)
		case uint8(SWAP1) + 13:
			swapN(sp, 14)
		case uint8(SWAP1) + 14:
			swapN(sp, 15)
		case uint8(SWAP16):
			swapN(sp, 16)

		// Superinstructions (fuse.go).
		case iAddImm:
			x := arg(sp, 0)
			x.AddUint64(x, in.v)
		case iSubImm:
			x := arg(sp, 0)
			v := uint256.Int{in.v}
			x.Sub(&v, x)
		case iAndImm:
			x := arg(sp, 0)
			x[0], x[1], x[2], x[3] = x[0]&in.v, 0, 0, 0
		case iOrImm:
			arg(sp, 0)[0] |= in.v
		case iXorImm:
			arg(sp, 0)[0] ^= in.v
		case iEqImm:
			x := arg(sp, 0)
			setBool(x, x[0] == in.v && x[1]|x[2]|x[3] == 0)
		case iLtImm:
			x := arg(sp, 0)
			setBool(x, x[1]|x[2]|x[3] != 0 || in.v < x[0])
		case iGtImm:
			x := arg(sp, 0)
			setBool(x, x[1]|x[2]|x[3] == 0 && in.v > x[0])
		case iShlImm:
			x := arg(sp, 0)
			switch n := in.v; {
			case n < 64 && x[1]|x[2]|x[3] == 0:
				x[0], x[1] = x[0]<<n, x[0]>>(64-n) // Go: x>>64 is 0
			case n < 256:
				f.sp, f.gas, f.in = sp, gas, in
				x.Lsh(x, uint(n))
				sp, gas, in = f.sp, f.gas, f.in
			default:
				x.Clear()
			}
		case iShrImm:
			x := arg(sp, 0)
			switch n := in.v; {
			case x[1]|x[2]|x[3] == 0:
				x[0] >>= n // Go: a shift of 64 or more gives 0
			case n < 256:
				f.sp, f.gas, f.in = sp, gas, in
				x.Rsh(x, uint(n))
				sp, gas, in = f.sp, f.gas, f.in
			default:
				x.Clear()
			}
		case iAndConst:
			x := arg(sp, 0)
			x.And(x, &consts[in.a])
		case iSwapPop:
			v := *arg(sp, 0) // through a copy: a variable offset could overlap
			*arg(sp, int(in.n)) = v
			sp = unsafe.Add(sp, -32)
		case iPushPush:
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = in.v, 0, 0, 0
			s = (*uint256.Int)(unsafe.Add(sp, 32))
			s[0], s[1], s[2], s[3] = uint64(in.a), 0, 0, 0
			sp = unsafe.Add(sp, 64)
		case iDupAnd:
			x := arg(sp, 0)
			x.And(x, arg(sp, int(in.n)-1))
		case iDupOr:
			x := arg(sp, 0)
			x.Or(x, arg(sp, int(in.n)-1))
		case iDupXor:
			x := arg(sp, 0)
			x.Xor(x, arg(sp, int(in.n)-1))
		case iDupAdd:
			x := arg(sp, 0)
			x.Add(x, arg(sp, int(in.n)-1))
		case iDupSub:
			x := arg(sp, 0)
			x.Sub(arg(sp, int(in.n)-1), x)
		case iMloadImm:
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = in.v, 0, 0, 0
			sp = unsafe.Add(sp, 32)
			if in.v >= uint64(len(f.mem)) || uint64(len(f.mem))-in.v < 32 {
				f.sp, f.gas, f.in = sp, gas, in
				gas = f.growAt(in.v, 32, gas)
				if gas < 0 {
					return 0, f.err
				}
				sp, in = f.sp, f.in
			}
			(*uint256.Int)(unsafe.Add(sp, -32)).SetBytes32(f.mem[in.v : in.v+32])
		case iMstoreImm:
			if in.v >= uint64(len(f.mem)) || uint64(len(f.mem))-in.v < 32 {
				f.sp, f.gas, f.in = sp, gas, in
				gas = f.growAt(in.v, 32, gas)
				if gas < 0 {
					return 0, f.err
				}
				sp, in = f.sp, f.in
			}
			arg(sp, 0).PutUint256(f.mem[in.v : in.v+32])
			sp = unsafe.Add(sp, -32)
		case iPop2:
			sp = unsafe.Add(sp, -64)
		case iPushDup:
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = in.v, 0, 0, 0
			sp = unsafe.Add(sp, 32)
			v := *arg(sp, int(in.n)-1) // through a copy: a variable offset could overlap
			*(*uint256.Int)(sp) = v
			sp = unsafe.Add(sp, 32)
		case iJumpiNot:
			sp = unsafe.Add(sp, -32)
			if (*uint256.Int)(sp).IsZero() {
				t, c = int(in.a), int(in.v)
				goto enter
			}

		// Control flow. A jump lands on the target's entry: enter checks it.
		case iJump:
			t, c = int(in.a), int(in.v)
			goto enter
		case iJumpi:
			sp = unsafe.Add(sp, -32)
			if !(*uint256.Int)(sp).IsZero() {
				t, c = int(in.a), int(in.v)
				goto enter
			}
		case uint8(JUMP):
			sp = unsafe.Add(sp, -32)
			if d := (*uint256.Int)(sp); d[1]|d[2]|d[3] == 0 && d[0] < uint64(len(jd)) && jd[d[0]] >= 0 {
				t = int(jd[d[0]])
				c = t + 1 + int(ins[t].skip)
				goto enter
			}
			return 0, ErrInvalidJump
		case uint8(JUMPI):
			sp = unsafe.Add(sp, -64)
			if !(*uint256.Int)(sp).IsZero() {
				if d := (*uint256.Int)(unsafe.Add(sp, 32)); d[1]|d[2]|d[3] == 0 && d[0] < uint64(len(jd)) && jd[d[0]] >= 0 {
					t = int(jd[d[0]])
					c = t + 1 + int(ins[t].skip)
					goto enter
				}
				return 0, ErrInvalidJump
			}
		case uint8(PC):
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = in.v, 0, 0, 0
			sp = unsafe.Add(sp, 32)
		case uint8(GAS):
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = uint64(gas), 0, 0, 0
			sp = unsafe.Add(sp, 32)
		case uint8(MSIZE):
			s := (*uint256.Int)(sp)
			s[0], s[1], s[2], s[3] = uint64(len(f.mem)), 0, 0, 0
			sp = unsafe.Add(sp, 32)
		case uint8(INVALID): // INVALID and every undefined opcode
			return 0, invalidOpcode(OpCode(in.a))

		// Memory, with the common no-expansion case inline.
		case uint8(MLOAD):
			v := arg(sp, 0)
			if v[1]|v[2]|v[3] != 0 || v[0] >= uint64(len(f.mem)) || uint64(len(f.mem))-v[0] < 32 {
				f.sp, f.in = sp, in
				if gas = f.growTo(v, 32, gas); gas < 0 {
					return 0, f.err
				}
				sp, in = f.sp, f.in
				v = arg(sp, 0)
			}
			v.SetBytes32(f.mem[v[0] : v[0]+32])
		case uint8(MSTORE):
			o := arg(sp, 0)
			if o[1]|o[2]|o[3] != 0 || o[0] >= uint64(len(f.mem)) || uint64(len(f.mem))-o[0] < 32 {
				f.sp, f.in = sp, in
				if gas = f.growTo(o, 32, gas); gas < 0 {
					return 0, f.err
				}
				sp, in = f.sp, f.in
				o = arg(sp, 0)
			}
			arg(sp, 1).PutUint256(f.mem[o[0] : o[0]+32])
			sp = unsafe.Add(sp, -64)
		case uint8(MSTORE8):
			o := arg(sp, 0)
			if o[1]|o[2]|o[3] != 0 || o[0] >= uint64(len(f.mem)) {
				f.sp, f.in = sp, in
				if gas = f.growTo(o, 1, gas); gas < 0 {
					return 0, f.err
				}
				sp, in = f.sp, f.in
				o = arg(sp, 0)
			}
			f.mem[o[0]] = byte(arg(sp, 1)[0])
			sp = unsafe.Add(sp, -64)

		// Cheap environment reads.
		case uint8(CALLDATALOAD):
			if x := arg(sp, 0); x[1]|x[2]|x[3] == 0 && x[0] < uint64(len(f.input)) && uint64(len(f.input))-x[0] >= 32 {
				x.SetBytes32(f.input[x[0] : x[0]+32])
			} else {
				f.sp, f.gas, f.in = sp, gas, in
				callDataLoadAt(sp, f.input)
				sp, gas, in = f.sp, f.gas, f.in
			}
		case uint8(CALLVALUE):
			*(*uint256.Int)(sp) = f.msg.Value
			sp = unsafe.Add(sp, 32)
		case uint8(CALLDATASIZE):
			(*uint256.Int)(sp).SetUint64(uint64(len(f.input)))
			sp = unsafe.Add(sp, 32)
		case uint8(CALLER):
			(*uint256.Int)(sp).SetBytes20(f.msg.Sender[:])
			sp = unsafe.Add(sp, 32)
		case uint8(ADDRESS):
			(*uint256.Int)(sp).SetBytes20(f.self[:])
			sp = unsafe.Add(sp, 32)

		default:
			// Everything else: dynamic gas and execution through the fork table.
			var err error
			f.in = in
			gas, sp, err = f.slowDone(OpCode(in.op), gas, sp)
			in = f.in
			if err != nil {
				if err == errStop {
					return gas, nil
				}
				if err == host.ErrExecutionReverted {
					return gas, err
				}
				return 0, err
			}
		}
		in = (*instr)(unsafe.Add(unsafe.Pointer(in), isz))
		continue

	enter:
		// Enter the block at entry t: charge its gas and check its stack bounds (as iBegin
		// does), then continue after the entry.
		{
			if f.stop.Load() { // read through f: a local would cost a reload per dispatch
				return 0, host.ErrCanceled
			}
			// t and c are valid indexes by construction (analysis): no bounds checks.
			e := (*instr)(unsafe.Add(ins0, uintptr(t)*isz))
			gas -= int64(uint32(e.v))
			h := int(uintptr(sp)-uintptr(base)) >> 5
			if gas < 0 || h < int(e.n) || h > int(int32(e.a)) {
				return f.replay(e, sp, gas)
			}
			in = (*instr)(unsafe.Add(ins0, uintptr(c)*isz))
		}
	}
}

// replay runs the block of entry e (which could not be entered with gas, already charged
// for it, and the stack at sp) one instruction at a time, to halt exactly as go-ethereum.
// It is not inlined so that the loop's gas does not stay live across the call.
//
//go:noinline
func (f *frame) replay(e *instr, sp unsafe.Pointer, gas int64) (int64, error) {
	return f.runSteps(e.v>>32, sp, gas+int64(uint32(e.v)), nil)
}

//go:noinline
func invalidOpcode(op OpCode) error { return &InvalidOpCodeError{Op: op} }

// callDataLoadAt is CALLDATALOAD's slow path (offset near or past the end of the data).
//
//go:noinline
func callDataLoadAt(sp unsafe.Pointer, input []byte) { loadPadded32(arg(sp, 0), input) }

// mulFast, divFast and modFast are MUL, DIV and MOD with a shortcut for powers of two: old
// Solidity shifts by multiplying and dividing by them.
func mulFast(sp unsafe.Pointer) {
	a, b := arg(sp, 0), arg(sp, 1)
	if n, ok := log2Exact(a); ok {
		b.Lsh(b, n)
	} else if n, ok := log2Exact(b); ok {
		b.Lsh(a, n)
	} else {
		b.Mul(a, b)
	}
}

func divFast(sp unsafe.Pointer) {
	a, b := arg(sp, 0), arg(sp, 1)
	if n, ok := log2Exact(b); ok {
		b.Rsh(a, n)
	} else {
		b.Div(a, b)
	}
}

func modFast(sp unsafe.Pointer) {
	a, b := arg(sp, 0), arg(sp, 1)
	if _, ok := log2Exact(b); ok { // a mod 2^n = a & (2^n - 1)
		b.SubUint64(b, 1)
		b.And(a, b)
	} else {
		b.Mod(a, b)
	}
}

// log2Exact returns n when y is 2^n.
func log2Exact(y *uint256.Int) (uint, bool) {
	var w uint64
	var base uint
	switch {
	case y[3]|y[2]|y[1] == 0:
		w = y[0]
	case y[3]|y[2]|y[0] == 0:
		w, base = y[1], 64
	case y[3]|y[1]|y[0] == 0:
		w, base = y[2], 128
	case y[2]|y[1]|y[0] == 0:
		w, base = y[3], 192
	default:
		return 0, false
	}
	if w == 0 || w&(w-1) != 0 {
		return 0, false
	}
	return base + uint(bits.TrailingZeros64(w)), true
}

// swapN exchanges the top item with the (n+1)-th.
func swapN(sp unsafe.Pointer, n int) {
	a, b := (*uint256.Int)(unsafe.Add(sp, -32)), (*uint256.Int)(unsafe.Add(sp, -(n+1)*32))
	*a, *b = *b, *a
}

// slowDone charges an instruction's dynamic gas and executes it through the fork table. It
// returns the new gas and stack pointer, and the instruction's error (errStop for a normal
// halt).
func (f *frame) slowDone(op OpCode, gas int64, sp unsafe.Pointer) (int64, unsafe.Pointer, error) {
	s := &f.tbl.ops[op]
	f.gas = gas
	if s.gasFn != nil {
		cost, err := s.gasFn(f, sp)
		if err != nil {
			f.newMemSize = 0
			return 0, sp, err
		}
		if cost > uint64(f.gas) || f.memTooLarge() {
			f.newMemSize = 0
			return 0, sp, host.ErrOutOfGas
		}
		f.gas -= int64(cost)
		if f.newMemSize != 0 {
			f.expandMem()
		}
	}
	err := s.exec(f, sp)
	return f.gas, unsafe.Add(sp, s.delta), err
}

// growAt is growTo for an offset known to fit in 64 bits (an immediate).
func (f *frame) growAt(off, size uint64, gas int64) int64 {
	o := uint256.Int{off}
	return f.growTo(&o, size, gas)
}

// growTo charges for and performs the memory expansion an access of size bytes at off
// needs (MLOAD, MSTORE, MSTORE8 when memory is too small). It returns the gas left, or -1
// with f.err set when the expansion cannot be paid for.
func (f *frame) growTo(off *uint256.Int, size uint64, gas int64) int64 {
	end, ok := memEnd64(off, size)
	if !ok {
		f.err = ErrGasUintOverflow
		return -1
	}
	cost, err := f.memGas(end)
	if err == nil && (cost > uint64(gas) || f.memTooLarge()) {
		err = host.ErrOutOfGas
	}
	if err != nil {
		f.newMemSize = 0
		f.err = err
		return -1
	}
	f.expandMem()
	return gas - int64(cost)
}
