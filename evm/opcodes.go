package evm

import (
	"fmt"
	"sync"
)

// OpCode is an EVM instruction byte.
type OpCode byte

// The opcodes this package executes (Paris to Osaka), plus the names of bytes that are
// undefined in these forks but named by other specifications (their names only matter for
// traces, which print what go-ethereum prints).
const (
	STOP       OpCode = 0x00
	ADD        OpCode = 0x01
	MUL        OpCode = 0x02
	SUB        OpCode = 0x03
	DIV        OpCode = 0x04
	SDIV       OpCode = 0x05
	MOD        OpCode = 0x06
	SMOD       OpCode = 0x07
	ADDMOD     OpCode = 0x08
	MULMOD     OpCode = 0x09
	EXP        OpCode = 0x0a
	SIGNEXTEND OpCode = 0x0b

	LT     OpCode = 0x10
	GT     OpCode = 0x11
	SLT    OpCode = 0x12
	SGT    OpCode = 0x13
	EQ     OpCode = 0x14
	ISZERO OpCode = 0x15
	AND    OpCode = 0x16
	OR     OpCode = 0x17
	XOR    OpCode = 0x18
	NOT    OpCode = 0x19
	BYTE   OpCode = 0x1a
	SHL    OpCode = 0x1b
	SHR    OpCode = 0x1c
	SAR    OpCode = 0x1d
	CLZ    OpCode = 0x1e // EIP-7939, Osaka

	KECCAK256 OpCode = 0x20

	ADDRESS        OpCode = 0x30
	BALANCE        OpCode = 0x31
	ORIGIN         OpCode = 0x32
	CALLER         OpCode = 0x33
	CALLVALUE      OpCode = 0x34
	CALLDATALOAD   OpCode = 0x35
	CALLDATASIZE   OpCode = 0x36
	CALLDATACOPY   OpCode = 0x37
	CODESIZE       OpCode = 0x38
	CODECOPY       OpCode = 0x39
	GASPRICE       OpCode = 0x3a
	EXTCODESIZE    OpCode = 0x3b
	EXTCODECOPY    OpCode = 0x3c
	RETURNDATASIZE OpCode = 0x3d
	RETURNDATACOPY OpCode = 0x3e
	EXTCODEHASH    OpCode = 0x3f

	BLOCKHASH   OpCode = 0x40
	COINBASE    OpCode = 0x41
	TIMESTAMP   OpCode = 0x42
	NUMBER      OpCode = 0x43
	PREVRANDAO  OpCode = 0x44
	GASLIMIT    OpCode = 0x45
	CHAINID     OpCode = 0x46
	SELFBALANCE OpCode = 0x47
	BASEFEE     OpCode = 0x48
	BLOBHASH    OpCode = 0x49 // EIP-4844
	BLOBBASEFEE OpCode = 0x4a // EIP-7516

	POP      OpCode = 0x50
	MLOAD    OpCode = 0x51
	MSTORE   OpCode = 0x52
	MSTORE8  OpCode = 0x53
	SLOAD    OpCode = 0x54
	SSTORE   OpCode = 0x55
	JUMP     OpCode = 0x56
	JUMPI    OpCode = 0x57
	PC       OpCode = 0x58
	MSIZE    OpCode = 0x59
	GAS      OpCode = 0x5a
	JUMPDEST OpCode = 0x5b
	TLOAD    OpCode = 0x5c // EIP-1153
	TSTORE   OpCode = 0x5d // EIP-1153
	MCOPY    OpCode = 0x5e // EIP-5656
	PUSH0    OpCode = 0x5f // EIP-3855

	PUSH1  OpCode = 0x60
	PUSH8  OpCode = 0x67
	PUSH32 OpCode = 0x7f
	DUP1   OpCode = 0x80
	DUP16  OpCode = 0x8f
	SWAP1  OpCode = 0x90
	SWAP16 OpCode = 0x9f
	LOG0   OpCode = 0xa0
	LOG4   OpCode = 0xa4

	CREATE       OpCode = 0xf0
	CALL         OpCode = 0xf1
	CALLCODE     OpCode = 0xf2
	RETURN       OpCode = 0xf3
	DELEGATECALL OpCode = 0xf4
	CREATE2      OpCode = 0xf5
	STATICCALL   OpCode = 0xfa
	REVERT       OpCode = 0xfd
	INVALID      OpCode = 0xfe
	SELFDESTRUCT OpCode = 0xff
)

// opNames holds the name go-ethereum prints for every byte (its OpCode.String), so that
// traces match its JSON logger field for field. Bytes not listed print as
// "opcode 0x.. not defined". Built on first use (traces and errors only), not at start-up.
var opNames = sync.OnceValue(func() *[256]string {
	var n [256]string
	fixed := map[OpCode]string{
		STOP: "STOP", ADD: "ADD", MUL: "MUL", SUB: "SUB", DIV: "DIV", SDIV: "SDIV", MOD: "MOD",
		SMOD: "SMOD", ADDMOD: "ADDMOD", MULMOD: "MULMOD", EXP: "EXP", SIGNEXTEND: "SIGNEXTEND",
		LT: "LT", GT: "GT", SLT: "SLT", SGT: "SGT", EQ: "EQ", ISZERO: "ISZERO", AND: "AND",
		OR: "OR", XOR: "XOR", NOT: "NOT", BYTE: "BYTE", SHL: "SHL", SHR: "SHR", SAR: "SAR",
		CLZ: "CLZ", KECCAK256: "KECCAK256",
		ADDRESS: "ADDRESS", BALANCE: "BALANCE", ORIGIN: "ORIGIN", CALLER: "CALLER",
		CALLVALUE: "CALLVALUE", CALLDATALOAD: "CALLDATALOAD", CALLDATASIZE: "CALLDATASIZE",
		CALLDATACOPY: "CALLDATACOPY", CODESIZE: "CODESIZE", CODECOPY: "CODECOPY",
		GASPRICE: "GASPRICE", EXTCODESIZE: "EXTCODESIZE", EXTCODECOPY: "EXTCODECOPY",
		RETURNDATASIZE: "RETURNDATASIZE", RETURNDATACOPY: "RETURNDATACOPY",
		EXTCODEHASH: "EXTCODEHASH",
		BLOCKHASH:   "BLOCKHASH", COINBASE: "COINBASE", TIMESTAMP: "TIMESTAMP", NUMBER: "NUMBER",
		// go-ethereum still prints 0x44 under its pre-merge name.
		PREVRANDAO: "DIFFICULTY", GASLIMIT: "GASLIMIT", CHAINID: "CHAINID",
		SELFBALANCE: "SELFBALANCE", BASEFEE: "BASEFEE", BLOBHASH: "BLOBHASH",
		BLOBBASEFEE: "BLOBBASEFEE", 0x4b: "SLOTNUM",
		POP: "POP", MLOAD: "MLOAD", MSTORE: "MSTORE", MSTORE8: "MSTORE8", SLOAD: "SLOAD",
		SSTORE: "SSTORE", JUMP: "JUMP", JUMPI: "JUMPI", PC: "PC", MSIZE: "MSIZE", GAS: "GAS",
		JUMPDEST: "JUMPDEST", TLOAD: "TLOAD", TSTORE: "TSTORE", MCOPY: "MCOPY", PUSH0: "PUSH0",
		// EOF and EIP-8024 names (undefined in the forks we run, named for traces).
		0xd0: "DATALOAD", 0xd1: "DATALOADN", 0xd2: "DATASIZE", 0xd3: "DATACOPY",
		0xe0: "RJUMP", 0xe1: "RJUMPI", 0xe2: "RJUMPV", 0xe3: "CALLF", 0xe4: "RETF",
		0xe5: "JUMPF", 0xe6: "DUPN", 0xe7: "SWAPN", 0xe8: "EXCHANGE", 0xec: "EOFCREATE",
		0xee: "RETURNCONTRACT", 0xf7: "RETURNDATALOAD", 0xf8: "EXTCALL",
		0xf9: "EXTDELEGATECALL", 0xfb: "EXTSTATICCALL",
		CREATE: "CREATE", CALL: "CALL", CALLCODE: "CALLCODE", RETURN: "RETURN",
		DELEGATECALL: "DELEGATECALL", CREATE2: "CREATE2", STATICCALL: "STATICCALL",
		REVERT: "REVERT", INVALID: "INVALID", SELFDESTRUCT: "SELFDESTRUCT",
	}
	for op, s := range fixed {
		n[op] = s
	}
	for i := 0; i < 32; i++ {
		n[int(PUSH1)+i] = fmt.Sprintf("PUSH%d", i+1)
	}
	for i := 0; i < 16; i++ {
		n[int(DUP1)+i] = fmt.Sprintf("DUP%d", i+1)
		n[int(SWAP1)+i] = fmt.Sprintf("SWAP%d", i+1)
	}
	for i := 0; i < 5; i++ {
		n[int(LOG0)+i] = fmt.Sprintf("LOG%d", i)
	}
	return &n
})

// String returns the opcode's name as go-ethereum prints it.
func (op OpCode) String() string {
	if s := opNames()[op]; s != "" {
		return s
	}
	return fmt.Sprintf("opcode %#x not defined", int(op))
}

// isPush reports whether op is PUSH1..PUSH32, and how many immediate bytes it has.
func pushSize(op OpCode) int {
	if op >= PUSH1 && op <= PUSH32 {
		return int(op-PUSH1) + 1
	}
	return 0
}
