package guest

// The contract memory map (docs/abi.md, "Memory map").
const (
	// ContractBase is the arena's first address and the calldata window's.
	ContractBase = 0x8000_0000
	// ContractArenaSize is the contract arena: 1 GiB, up to 0xC000_0000.
	ContractArenaSize = 1 << 30
	// CalldataWindowEnd ends the calldata window: a u64 length at ContractBase, the
	// bytes from ContractBase+8.
	CalldataWindowEnd = 0x8010_0000
	// MaxCalldata is the longest calldata that fits the window.
	MaxCalldata = CalldataWindowEnd - ContractBase - 8
	// StackTop is where the contract's start-up code points sp (the stack occupies
	// [0x8010_0000, StackTop)).
	StackTop = 0x8030_0000
)

// Exec mode (docs/abi.md, "Exec mode").
const (
	// ExecArenaAlign: the exec-mode arena starts at the lowest segment rounded down to it.
	ExecArenaAlign = 64 << 10
	// DefaultExecArenaSize is the exec-mode arena size unless set.
	DefaultExecArenaSize = 1 << 30
)
