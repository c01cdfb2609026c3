package evmbridge

import "github.com/hybridvm/hybridvm/host"

// Syscall ids (docs/abi.md, "System calls").
const (
	SysReturnCreateAddress = 0x01
	SysKeccak256           = 0x20
	SysAddress             = 0x30
	SysBalance             = 0x31
	SysOrigin              = 0x32
	SysCaller              = 0x33
	SysCallValue           = 0x34
	SysCallDataLoad        = 0x35
	SysCallDataSize        = 0x36
	SysCallDataCopy        = 0x37
	SysCodeSize            = 0x38
	SysCodeCopy            = 0x39
	SysGasPrice            = 0x3A
	SysExtCodeSize         = 0x3B
	SysExtCodeCopy         = 0x3C
	SysReturnDataSize      = 0x3D
	SysReturnDataCopy      = 0x3E
	SysExtCodeHash         = 0x3F
	SysBlockHash           = 0x40
	SysCoinbase            = 0x41
	SysTimestamp           = 0x42
	SysNumber              = 0x43
	SysPrevRandao          = 0x44
	SysGasLimit            = 0x45
	SysChainID             = 0x46
	SysSelfBalance         = 0x47
	SysBaseFee             = 0x48
	SysBlobHash            = 0x49
	SysBlobBaseFee         = 0x4A
	SysSload               = 0x54
	SysSstore              = 0x55
	SysGas                 = 0x5A
	SysTload               = 0x5C
	SysTstore              = 0x5D
	SysLog                 = 0xA0
	SysCreate              = 0xF0
	SysCall                = 0xF1
	SysReturn              = 0xF3
	SysDelegateCall        = 0xF4
	SysCreate2             = 0xF5
	SysStaticCall          = 0xFA
	SysRevert              = 0xFD
)

type syscall struct {
	name  string
	fn    func(*Frame) error
	since host.Fork // the fork that introduced the EVM counterpart; unknown before it
}

// sinceFork lists the syscalls whose EVM counterparts are younger than the oldest
// supported fork (Paris): before their fork they are unknown, as the opcodes are
// undefined in the EVM.
var sinceFork = map[uint8]host.Fork{
	SysBlobHash:    host.Cancun, // EIP-4844
	SysBlobBaseFee: host.Cancun, // EIP-7516
	SysTload:       host.Cancun, // EIP-1153
	SysTstore:      host.Cancun,
}

// syscalls is indexed by id and filled from syscallDefs at init.
var syscalls [256]syscall

var syscallDefs = []struct {
	id   uint8
	name string
	fn   func(*Frame) error
}{
	{SysReturnCreateAddress, "RETURN_CREATE_ADDRESS", sysReturnCreateAddress},
	{SysKeccak256, "KECCAK256", sysKeccak256},
	{SysAddress, "ADDRESS", sysAddress},
	{SysBalance, "BALANCE", sysBalance},
	{SysOrigin, "ORIGIN", sysOrigin},
	{SysCaller, "CALLER", sysCaller},
	{SysCallValue, "CALLVALUE", sysCallValue},
	{SysCallDataLoad, "CALLDATALOAD", sysCallDataLoad},
	{SysCallDataSize, "CALLDATASIZE", sysCallDataSize},
	{SysCallDataCopy, "CALLDATACOPY", sysCallDataCopy},
	{SysCodeSize, "CODESIZE", sysCodeSize},
	{SysCodeCopy, "CODECOPY", sysCodeCopy},
	{SysGasPrice, "GASPRICE", sysGasPrice},
	{SysExtCodeSize, "EXTCODESIZE", sysExtCodeSize},
	{SysExtCodeCopy, "EXTCODECOPY", sysExtCodeCopy},
	{SysReturnDataSize, "RETURNDATASIZE", sysReturnDataSize},
	{SysReturnDataCopy, "RETURNDATACOPY", sysReturnDataCopy},
	{SysExtCodeHash, "EXTCODEHASH", sysExtCodeHash},
	{SysBlockHash, "BLOCKHASH", sysBlockHash},
	{SysCoinbase, "COINBASE", sysCoinbase},
	{SysTimestamp, "TIMESTAMP", sysTimestamp},
	{SysNumber, "NUMBER", sysNumber},
	{SysPrevRandao, "PREVRANDAO", sysPrevRandao},
	{SysGasLimit, "GASLIMIT", sysGasLimit},
	{SysChainID, "CHAINID", sysChainID},
	{SysSelfBalance, "SELFBALANCE", sysSelfBalance},
	{SysBaseFee, "BASEFEE", sysBaseFee},
	{SysBlobHash, "BLOBHASH", sysBlobHash},
	{SysBlobBaseFee, "BLOBBASEFEE", sysBlobBaseFee},
	{SysSload, "SLOAD", sysSload},
	{SysSstore, "SSTORE", sysSstore},
	{SysGas, "GAS", sysGas},
	{SysTload, "TLOAD", sysTload},
	{SysTstore, "TSTORE", sysTstore},
	{SysLog, "LOG", sysLog},
	{SysCreate, "CREATE", sysCreate},
	{SysCall, "CALL", sysCall},
	{SysReturn, "RETURN", sysReturn},
	{SysDelegateCall, "DELEGATECALL", sysDelegateCall},
	{SysCreate2, "CREATE2", sysCreate2},
	{SysStaticCall, "STATICCALL", sysStaticCall},
	{SysRevert, "REVERT", sysRevert},
}

func init() {
	for _, d := range syscallDefs {
		if syscalls[d.id].fn != nil {
			panic("BUG: evmbridge: syscall defined twice: " + d.name)
		}
		syscalls[d.id] = syscall{d.name, d.fn, sinceFork[d.id]}
	}
}
