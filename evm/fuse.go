package evm

// Superinstructions: the analysis fuses a few frequent instruction pairs of compiled code
// into one stream entry, saving a dispatch and a round trip through the stack. Gas and stack
// bounds are still accounted per original instruction (the block entries carry them), so
// fusion changes nothing observable. Only adjacent instructions of one block are fused:
// every block and JUMPDEST entry is an instruction of its own, so an entry never sits
// between the two.
//
// Chosen from the dynamic pair counts of the standard benchmarks' compiled programs
// (PUSH+JUMP/JUMPI is in analysis.go).
const (
	// PUSH v (up to 8 bytes) followed by a binary operation: the operation with an
	// immediate. v is in instr.v; x is the item below the push.
	iAddImm = 0x21 // x + v
	iSubImm = 0x22 // v - x
	iAndImm = 0x23 // x & v
	iOrImm  = 0x24 // x | v
	iXorImm = 0x25 // x ^ v
	iEqImm  = 0x26 // x == v
	iLtImm  = 0x27 // v < x
	iGtImm  = 0x28 // v > x
	iShlImm = 0x29 // x << v
	iShrImm = 0x2a // x >> v
	// iAndConst: PUSH of a longer constant (a mask), then AND; instr.a is the constant.
	iAndConst = 0x2b
	iSwapPop  = 0x2c // SWAPn POP: drop the (n+1)-th item, n in instr.n
	iPop2     = 0x2d // POP POP
	// iPushDup: PUSH v then DUPn, n in instr.n.
	iPushDup = 0x2e
	// iJumpiNot: ISZERO, PUSH target, JUMPI: jump when the condition is zero.
	iJumpiNot = 0x2f
	// PUSH v then MLOAD or MSTORE: memory at a constant address.
	iMloadImm  = 0xb0
	iMstoreImm = 0xb1
	// DUPn then a binary operation: top = top OP the n-th item (before the DUP).
	iDupAnd = 0xb2
	iDupOr  = 0xb3
	iDupXor = 0xb4
	iDupAdd = 0xb5
	iDupSub = 0xb6 // the n-th item minus top
	// iPushPush: two small pushes, v then a (which fits in 32 bits).
	iPushPush = 0xb7
)

// internalCodes lists every dispatch code that is not an EVM opcode; finish checks that no
// fork defines one of them.
var internalCodes = []uint8{iBegin, iJump, iJumpi, iEntry, iAddImm, iSubImm, iAndImm, iOrImm,
	iXorImm, iEqImm, iLtImm, iGtImm, iShlImm, iShrImm, iAndConst, iSwapPop, iPop2, iPushDup,
	iJumpiNot, iMloadImm, iMstoreImm, iDupAnd, iDupOr, iDupXor, iDupAdd, iDupSub, iPushPush}

// immOps maps a binary operation to its fused form after a small push (0: none). Arrays,
// not maps: the analysis consults them for every instruction.
var immOps = [256]uint8{
	ADD: iAddImm, SUB: iSubImm, AND: iAndImm, OR: iOrImm, XOR: iXorImm,
	EQ: iEqImm, LT: iLtImm, GT: iGtImm, SHL: iShlImm, SHR: iShrImm,
}

// dupOps maps a binary operation to its fused form after a DUP.
var dupOps = [256]uint8{AND: iDupAnd, OR: iDupOr, XOR: iDupXor, ADD: iDupAdd, SUB: iDupSub}

// fusesAfter marks the instructions fuse can fold into the one before them.
var fusesAfter = func() (m [256]bool) {
	for op := range m {
		m[op] = immOps[op] != 0 || dupOps[op] != 0 || OpCode(op) == AND || OpCode(op) == POP ||
			OpCode(op) == MLOAD || OpCode(op) == MSTORE || (OpCode(op) >= DUP1 && OpCode(op) <= DUP16)
	}
	return m
}()

// fuse tries to fold op into the last emitted instruction and reports whether it did.
func fuse(ins []instr, op OpCode) bool {
	if len(ins) == 0 {
		return false
	}
	last := &ins[len(ins)-1]
	switch {
	case last.op == uint8(PUSH1) && immOps[op] != 0:
		last.op = immOps[op]
	case last.op == uint8(PUSH32) && op == AND:
		last.op = iAndConst
	case last.op == uint8(PUSH1) && op >= DUP1 && op <= DUP16:
		last.op, last.n = iPushDup, uint16(op-DUP1+1)
	case last.op == uint8(PUSH1) && op == MLOAD:
		last.op = iMloadImm
	case last.op == uint8(PUSH1) && op == MSTORE:
		last.op = iMstoreImm
	case last.op >= uint8(DUP1) && last.op <= uint8(DUP16) && dupOps[op] != 0:
		last.op, last.n = dupOps[op], uint16(last.op-uint8(DUP1)+1)
	case last.op >= uint8(SWAP1) && last.op <= uint8(SWAP16) && op == POP:
		last.op, last.n = iSwapPop, uint16(last.op-uint8(SWAP1)+1)
	case last.op == uint8(POP) && op == POP:
		last.op = iPop2
	default:
		return false
	}
	return true
}

// pushFusesWith reports whether a push followed by the instruction at pc would fuse (or
// become a resolved jump), in which case the push is not fused with the one before it.
func pushFusesWith(code []byte, pc int) bool {
	if pc >= len(code) {
		return false
	}
	op := OpCode(code[pc])
	return immOps[op] != 0 || op == JUMP || op == JUMPI || op == MLOAD || op == MSTORE ||
		(op >= DUP1 && op <= DUP16)
}
