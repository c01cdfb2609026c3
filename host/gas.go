package host

// Protocol constants, defined once for every package that charges or enforces them:
// the EVM's opcodes, the RISC-V syscalls (which charge their EVM counterparts' gas) and
// the runtime. Yellow Paper appendix G as amended by the EIPs cited; the fee tiers
// (Gzero to Ghigh) are here as a family. A constant only one engine uses stays in that
// engine (evm/gas.go).
const (
	GasZero         = 0  // Gzero: STOP, RETURN, REVERT
	GasBase         = 2  // Gbase: ADDRESS, CALLER, CALLVALUE, ...
	GasVeryLow      = 3  // Gverylow: ADD, CALLDATALOAD, BLOBHASH, ...
	GasLow          = 5  // Glow: MUL, SELFBALANCE, ...
	GasMid          = 8  // Gmid: ADDMOD, MULMOD, JUMP
	GasHigh         = 10 // Ghigh: JUMPI
	GasBlockhash    = 20 // Gext: BLOCKHASH
	GasCopyWord     = 3  // Gcopy: per 32-byte word of *COPY
	GasKeccak       = 30 // KECCAK256
	GasKeccakWord   = 6  // per 32-byte word hashed
	GasLog          = 375
	GasLogTopic     = 375
	GasLogByte      = 8
	GasWarmAccess   = 100  // EIP-2929 warm account or slot; TLOAD, TSTORE (EIP-1153)
	GasColdAccount  = 2600 // EIP-2929 cold account access
	GasColdSload    = 2100 // EIP-2929 cold slot access
	GasCreate       = 32000
	GasInitcodeWord = 2 // EIP-3860: per 32-byte word of initcode
	GasCallValue    = 9000
	GasNewAccount   = 25000 // a call with value, or SELFDESTRUCT, to an account that does not exist
	CallStipend     = 2300  // given free to the callee of a call with value
)

// Code size limits.
const (
	// MaxCodeSize is EIP-170's limit on deployed EVM code: 24,576 bytes.
	MaxCodeSize = 24576
	// MaxInitCodeSize is EIP-3860's limit on EVM initcode: 49,152 bytes.
	MaxInitCodeSize = 2 * MaxCodeSize
	// DefaultMaxRISCVCodeSize is the default limit on deployed RISC-V code (the 0xFF
	// byte and the ELF): ELF files are much larger than EVM bytecode. RISC-V initcode
	// may be twice as long.
	DefaultMaxRISCVCodeSize = 256 << 10
)
