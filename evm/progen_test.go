package evm

import (
	"math/rand"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// progGen writes random but valid-ish programs: each step pushes operands of the right kind
// (small numbers, memory offsets and sizes, storage keys, addresses, edge values) and then
// the instruction, so most programs run a while before they stop, revert, run out of gas or
// hit a deliberate fault (stack underflow, invalid jump, invalid opcode, huge memory offset).
type progGen struct {
	r       *rand.Rand
	fork    host.Fork
	nested  bool // emit calls and creates to the accounts in addrs
	addrs   []host.Address
	code    []byte
	dests   []int // offsets of emitted JUMPDESTs
	fixups  []int // offsets of PUSH2 immediates to patch with a JUMPDEST offset
	maxLen  int
	initRet []byte // a small initcode (for CREATE) returning runtime code
}

func newProgGen(seed int64, fork host.Fork) *progGen {
	r := rand.New(rand.NewSource(seed))
	return &progGen{r: r, fork: fork, maxLen: 40 + r.Intn(600)}
}

func (g *progGen) op(ops ...OpCode) {
	for _, o := range ops {
		g.code = append(g.code, byte(o))
	}
}

// push emits the shortest PUSH for v (PUSH0 for zero, from Shanghai; before it, PUSH0 only
// now and then, as an invalid opcode).
func (g *progGen) push(v *uint256.Int) {
	if v.IsZero() && g.r.Intn(4) != 0 && g.has(PUSH0) {
		g.op(PUSH0)
		return
	}
	b := v.Bytes()
	if len(b) == 0 {
		b = []byte{0}
	}
	g.code = append(g.code, byte(PUSH1)+byte(len(b)-1))
	g.code = append(g.code, b...)
}

func (g *progGen) pushU(v uint64) { g.push(uint256.NewInt(v)) }

// since are the forks that introduced the instructions younger than Paris that the
// generator emits.
var since = map[OpCode]host.Fork{
	PUSH0: host.Shanghai, TLOAD: host.Cancun, TSTORE: host.Cancun, MCOPY: host.Cancun,
	BLOBHASH: host.Cancun, BLOBBASEFEE: host.Cancun, CLZ: host.Osaka,
}

// has reports whether to emit op: always when the fork defines it, else one time in ten
// (an invalid opcode: the frame fails there). It draws a random number only for an
// undefined op, so programs for forks that define everything are unchanged.
func (g *progGen) has(op OpCode) bool {
	return g.fork >= since[op] || g.r.Intn(10) == 0
}

var edgeValues = []string{
	"0x0", "0x1", "0x2", "0x1f", "0x20", "0x21", "0xff", "0x100",
	"0x7fffffffffffffff", "0x8000000000000000", "0xffffffffffffffff", "0x10000000000000000",
	"0x8000000000000000000000000000000000000000000000000000000000000000",
	"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
	"0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe",
	"0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
}

// word returns an interesting 256-bit value.
func (g *progGen) word() *uint256.Int {
	switch g.r.Intn(6) {
	case 0, 1:
		return uint256.NewInt(uint64(g.r.Intn(70)))
	case 2:
		return uint256.MustFromHex(edgeValues[g.r.Intn(len(edgeValues))])
	case 3:
		return uint256.NewInt(g.r.Uint64())
	default:
		var v uint256.Int
		for i := range v {
			v[i] = g.r.Uint64()
		}
		if g.r.Intn(3) == 0 {
			v[3] = 0
			v[2] = 0
		}
		return &v
	}
}

// offset returns a memory offset: mostly small, sometimes enormous.
func (g *progGen) offset() *uint256.Int {
	switch n := g.r.Intn(300); {
	case n == 0:
		return uint256.MustFromHex(edgeValues[8+g.r.Intn(8)])
	case n == 1:
		return uint256.NewInt(1 << 32)
	case n < 40:
		return uint256.NewInt(uint64(g.r.Intn(4096)))
	default:
		return uint256.NewInt(uint64(g.r.Intn(16) * 32))
	}
}

// size returns a length: mostly small, sometimes zero or enormous.
func (g *progGen) size() *uint256.Int {
	switch n := g.r.Intn(300); {
	case n == 0:
		return uint256.MustFromHex(edgeValues[8+g.r.Intn(8)])
	case n < 60:
		return uint256.NewInt(0)
	default:
		return uint256.NewInt(uint64(g.r.Intn(100)))
	}
}

func (g *progGen) key() *uint256.Int { return uint256.NewInt(uint64(g.r.Intn(6))) }

func (g *progGen) address() *uint256.Int {
	var a host.Address
	switch n := g.r.Intn(10); {
	case n < 4 && len(g.addrs) > 0:
		a = g.addrs[g.r.Intn(len(g.addrs))]
	case n < 6:
		a = testContract
	case n < 7:
		a = testOrigin
	case n < 8:
		a[19] = byte(1 + g.r.Intn(0x11)) // a precompile (or past the last one)
	default:
		a[19], a[18] = byte(g.r.Intn(256)), 0xee // some account nobody has touched
	}
	return new(uint256.Int).SetBytes20(a[:])
}

// jumpTarget pushes a jump destination: an existing or future JUMPDEST, or rarely garbage.
func (g *progGen) jumpTarget() {
	switch n := g.r.Intn(20); {
	case n == 0:
		g.pushU(uint64(g.r.Intn(len(g.code) + 10))) // probably not a JUMPDEST, maybe PUSH data
	case n < 4 && len(g.dests) > 0:
		// backwards: a loop, bounded by gas
		d := g.dests[g.r.Intn(len(g.dests))]
		g.code = append(g.code, byte(PUSH1)+1, byte(d>>8), byte(d))
	default:
		g.code = append(g.code, byte(PUSH1)+1, 0, 0)
		g.fixups = append(g.fixups, len(g.code)-2)
	}
}

// program generates one program.
func (g *progGen) program() []byte {
	g.code, g.dests, g.fixups = nil, nil, nil
	// Seed memory with a few words so that copies and loads see data.
	for i := 0; i < g.r.Intn(4); i++ {
		g.push(g.word())
		g.push(uint256.NewInt(uint64(i * 32)))
		g.op(MSTORE)
	}
	for len(g.code) < g.maxLen {
		g.step()
	}
	g.end()
	// Resolve forward jumps: to a later JUMPDEST when there is one, else to the end.
	for _, at := range g.fixups {
		var dst int
		for _, d := range g.dests {
			if d > at {
				dst = d
				break
			}
		}
		if dst == 0 {
			dst = len(g.code)
			g.op(JUMPDEST)
			g.dests = append(g.dests, dst)
			g.end()
		}
		g.code[at], g.code[at+1] = byte(dst>>8), byte(dst)
	}
	return g.code
}

// end emits a frame ending.
func (g *progGen) end() {
	switch g.r.Intn(10) {
	case 0:
		g.op(STOP)
	case 1, 3, 4:
		g.push(g.size())
		g.push(g.offset())
		g.op(REVERT)
	case 2:
		g.op(INVALID)
	default:
		g.pushU(uint64(g.r.Intn(96)))
		g.pushU(uint64(g.r.Intn(8) * 16))
		g.op(RETURN)
	}
}

func (g *progGen) step() {
	before := len(g.code)
	g.step1()
	// Keep the stack from filling up: most results are dropped again.
	if len(g.code) > before && g.r.Intn(3) != 0 {
		switch OpCode(g.code[len(g.code)-1]) {
		case JUMPDEST, JUMP, JUMPI, MSTORE, MSTORE8, SSTORE, TSTORE, MCOPY, POP,
			CALLDATACOPY, CODECOPY, RETURNDATACOPY, EXTCODECOPY, LOG0, LOG0 + 1, LOG0 + 2, LOG0 + 3, LOG4:
		default:
			g.op(POP)
		}
	}
}

func (g *progGen) step1() {
	r := g.r
	switch r.Intn(30) {
	case 0, 1, 2, 3: // arithmetic and logic with fresh operands
		ops := []OpCode{ADD, MUL, SUB, DIV, SDIV, MOD, SMOD, EXP, SIGNEXTEND, LT, GT, SLT, SGT, EQ,
			AND, OR, XOR, BYTE, SHL, SHR, SAR}
		g.push(g.word())
		g.push(g.word())
		g.op(ops[r.Intn(len(ops))])
	case 4:
		g.push(g.word())
		g.push(g.word())
		g.push(g.word())
		g.op([]OpCode{ADDMOD, MULMOD}[r.Intn(2)])
	case 5: // unary and stack ops on whatever is there
		if r.Intn(2) == 0 {
			g.push(g.word())
		}
		if r.Intn(3) == 0 { // pairs the analysis fuses
			switch r.Intn(3) {
			case 0:
				g.op(DUP1+OpCode(r.Intn(4)), []OpCode{AND, OR, XOR, ADD, SUB}[r.Intn(5)])
			case 1:
				g.op(SWAP1+OpCode(r.Intn(4)), POP)
			default:
				g.op(POP, POP)
			}
			break
		}
		ops := []OpCode{ISZERO, NOT, POP, DUP1, DUP1 + 1, DUP1 + 3, SWAP1, SWAP1 + 1, SWAP1 + 2, CLZ}
		o := ops[r.Intn(len(ops))]
		if o == CLZ && !g.has(CLZ) {
			o = ISZERO // CLZ is an invalid opcode before Osaka: only sometimes
		}
		g.op(o)
	case 6, 7: // memory
		switch r.Intn(4) {
		case 0:
			g.push(g.offset())
			g.op(MLOAD)
		case 1:
			g.push(g.word())
			g.push(g.offset())
			g.op(MSTORE)
		case 2:
			g.push(g.word())
			g.push(g.offset())
			g.op(MSTORE8)
		default:
			if !g.has(MCOPY) {
				g.push(g.offset())
				g.op(MLOAD)
				break
			}
			g.push(g.size())
			g.push(g.offset())
			g.push(g.offset())
			g.op(MCOPY)
		}
	case 8: // copies
		if r.Intn(4) == 0 { // return data: mostly within bounds
			if r.Intn(4) == 0 {
				g.op(RETURNDATASIZE) // all of it
				g.pushU(0)
			} else {
				g.pushU(uint64(r.Intn(2)))
				g.pushU(uint64(r.Intn(2)))
			}
			g.push(g.offset())
			g.op(RETURNDATACOPY)
			break
		}
		g.push(g.size())
		g.push(g.offset())
		g.push(g.offset())
		g.op([]OpCode{CALLDATACOPY, CODECOPY}[r.Intn(2)])
	case 9: // keccak
		g.push(g.size())
		g.push(g.offset())
		g.op(KECCAK256)
	case 10, 11: // storage
		if r.Intn(2) == 0 {
			g.push(g.key())
			g.op(SLOAD)
		} else {
			g.push(g.word())
			g.push(g.key())
			g.op(SSTORE)
		}
	case 12: // transient storage
		if !g.has(TLOAD) {
			g.push(g.key())
			g.op(SLOAD)
			break
		}
		if r.Intn(2) == 0 {
			g.push(g.key())
			g.op(TLOAD)
		} else {
			g.push(g.word())
			g.push(g.key())
			g.op(TSTORE)
		}
	case 13: // logs
		n := r.Intn(5)
		for i := 0; i < n; i++ {
			g.push(g.word())
		}
		g.push(g.size())
		g.push(g.offset())
		g.op(LOG0 + OpCode(n))
	case 14, 15: // environment
		ops := []OpCode{ADDRESS, ORIGIN, CALLER, CALLVALUE, CALLDATASIZE, CODESIZE, GASPRICE,
			RETURNDATASIZE, COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID,
			SELFBALANCE, BASEFEE, BLOBBASEFEE, PC, MSIZE, GAS}
		o := ops[r.Intn(len(ops))]
		if o == BLOBBASEFEE && !g.has(BLOBBASEFEE) {
			o = BASEFEE
		}
		g.op(o)
	case 16: // environment with an operand
		switch r.Intn(6) {
		case 0:
			g.push(g.offset())
			g.op(CALLDATALOAD)
		case 1:
			g.pushU(uint64(r.Intn(3)))
			if !g.has(BLOBHASH) {
				g.op(ISZERO)
				break
			}
			g.op(BLOBHASH)
		case 2:
			g.pushU(uint64(990 + r.Intn(20)))
			g.op(BLOCKHASH)
		default:
			g.push(g.address())
			g.op([]OpCode{BALANCE, EXTCODESIZE, EXTCODEHASH}[r.Intn(3)])
		}
	case 17:
		g.push(g.size())
		g.push(g.offset())
		g.push(g.offset())
		g.push(g.address())
		g.op(EXTCODECOPY)
	case 18, 19: // control flow
		g.op(JUMPDEST)
		g.dests = append(g.dests, len(g.code)-1)
	case 20:
		g.jumpTarget()
		g.op(JUMP)
		g.op(JUMPDEST)
		g.dests = append(g.dests, len(g.code)-1)
	case 21, 22:
		g.push(uint256.NewInt(uint64(r.Intn(2))))
		g.jumpTarget()
		g.op(JUMPI)
	case 23: // raw bytes: undefined opcodes, truncated or odd pushes
		if r.Intn(8) == 0 {
			g.code = append(g.code, byte(r.Intn(256)))
		} else {
			g.push(g.word())
		}
	case 24, 25:
		if g.nested {
			g.call()
		} else {
			g.push(g.word())
		}
	case 26:
		if g.nested && r.Intn(2) == 0 {
			g.create()
		} else if r.Intn(8) == 0 {
			g.push(g.address())
			g.op(SELFDESTRUCT)
		} else {
			g.push(g.word())
		}
	default:
		g.push(g.word())
	}
}

// call emits one CALL-family instruction with plausible operands.
func (g *progGen) call() {
	r := g.r
	op := []OpCode{CALL, CALLCODE, DELEGATECALL, STATICCALL}[r.Intn(4)]
	g.push(g.size())   // out size
	g.push(g.offset()) // out offset
	g.push(g.size())   // in size
	g.push(g.offset()) // in offset
	if op == CALL || op == CALLCODE {
		if r.Intn(2) == 0 {
			g.pushU(0)
		} else {
			g.pushU(uint64(r.Intn(1000)))
		}
	}
	g.push(g.address())
	switch r.Intn(4) {
	case 0:
		g.op(GAS)
	case 1:
		g.push(uint256.MustFromHex(edgeValues[len(edgeValues)-3]))
	default:
		g.pushU(uint64(r.Intn(200000)))
	}
	g.op(op)
}

// create emits CREATE or CREATE2 of either the known initcode (stored into memory first) or
// whatever memory holds.
func (g *progGen) create() {
	r := g.r
	off := uint64(r.Intn(8) * 32)
	size := g.size()
	if len(g.initRet) > 0 && r.Intn(3) != 0 {
		init := g.initRet
		if r.Intn(3) == 0 {
			// deploys its call data size: initcode runs with empty call data
			init = asm(CALLDATASIZE, PUSH0, MSTORE, p(32), PUSH0, RETURN)
			if g.fork < host.Shanghai {
				init = asm(CALLDATASIZE, p(0), MSTORE, p(32), p(0), RETURN)
			}
		}
		for i := 0; i < len(init); i += 32 {
			var w [32]byte
			copy(w[:], init[i:])
			g.push(new(uint256.Int).SetBytes32(w[:]))
			g.pushU(off + uint64(i))
			g.op(MSTORE)
		}
		size = uint256.NewInt(uint64(len(init)))
	}
	op := CREATE
	if r.Intn(2) == 0 {
		op = CREATE2
		g.push(g.word()) // salt
	}
	g.push(size)
	g.pushU(off)
	g.pushU(uint64(r.Intn(3)))
	g.op(op)
}
