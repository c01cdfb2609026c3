package evm

import (
	"unsafe"

	"github.com/hybridvm/hybridvm/host"
)

// The fork tables are built the way go-ethereum's jump tables are: a base instruction set,
// then each fork copies its predecessor and applies numbered EIP deltas. The base is Paris
// (the Merge: London's instruction set with DIFFICULTY become PREVRANDAO), the oldest fork
// this package runs.

// pure adapts a stack-only instruction to an execFunc.
func pure(op func(sp unsafe.Pointer)) execFunc {
	return func(f *frame, sp unsafe.Pointer) error { op(sp); return nil }
}

// newParisTable is the base: every instruction up to the Merge.
func newParisTable() *forkTable {
	t := &forkTable{fork: host.Paris}
	o := &t.ops

	o[STOP] = def(host.GasZero, 0, 0, execStop).with(flagTerminal)
	o[ADD] = def(host.GasVeryLow, 2, 1, pure(opAdd))
	o[MUL] = def(host.GasLow, 2, 1, pure(opMul))
	o[SUB] = def(host.GasVeryLow, 2, 1, pure(opSub))
	o[DIV] = def(host.GasLow, 2, 1, pure(opDiv))
	o[SDIV] = def(host.GasLow, 2, 1, pure(opSdiv))
	o[MOD] = def(host.GasLow, 2, 1, pure(opMod))
	o[SMOD] = def(host.GasLow, 2, 1, pure(opSmod))
	o[ADDMOD] = def(host.GasMid, 3, 1, pure(opAddmod))
	o[MULMOD] = def(host.GasMid, 3, 1, execMulmod)
	o[EXP] = def(gasExp, 2, 1, pure(opExp)).withGas(gasExpFn)
	o[SIGNEXTEND] = def(host.GasLow, 2, 1, pure(opSignExtend))

	o[LT] = def(host.GasVeryLow, 2, 1, pure(opLt))
	o[GT] = def(host.GasVeryLow, 2, 1, pure(opGt))
	o[SLT] = def(host.GasVeryLow, 2, 1, pure(opSlt))
	o[SGT] = def(host.GasVeryLow, 2, 1, pure(opSgt))
	o[EQ] = def(host.GasVeryLow, 2, 1, pure(opEq))
	o[ISZERO] = def(host.GasVeryLow, 1, 1, pure(opIszero))
	o[AND] = def(host.GasVeryLow, 2, 1, pure(opAnd))
	o[OR] = def(host.GasVeryLow, 2, 1, pure(opOr))
	o[XOR] = def(host.GasVeryLow, 2, 1, pure(opXor))
	o[NOT] = def(host.GasVeryLow, 1, 1, pure(opNot))
	o[BYTE] = def(host.GasVeryLow, 2, 1, pure(opByte))
	o[SHL] = def(host.GasVeryLow, 2, 1, pure(opShl)) // EIP-145
	o[SHR] = def(host.GasVeryLow, 2, 1, pure(opShr))
	o[SAR] = def(host.GasVeryLow, 2, 1, pure(opSar))

	o[KECCAK256] = def(host.GasKeccak, 2, 1, execKeccak).withGas(gasKeccakFn)

	o[ADDRESS] = def(host.GasBase, 0, 1, execAddress)
	o[BALANCE] = def(host.GasWarmAccess, 1, 1, execBalance).withGas(gasAccountAccess) // EIP-2929
	o[ORIGIN] = def(host.GasBase, 0, 1, execOrigin)
	o[CALLER] = def(host.GasBase, 0, 1, execCaller)
	o[CALLVALUE] = def(host.GasBase, 0, 1, execCallValue)
	o[CALLDATALOAD] = def(host.GasVeryLow, 1, 1, execCallDataLoad)
	o[CALLDATASIZE] = def(host.GasBase, 0, 1, execCallDataSize)
	o[CALLDATACOPY] = def(host.GasVeryLow, 3, 0, execCallDataCopy).withGas(gasCopy)
	o[CODESIZE] = def(host.GasBase, 0, 1, execCodeSize)
	o[CODECOPY] = def(host.GasVeryLow, 3, 0, execCodeCopy).withGas(gasCopy)
	o[GASPRICE] = def(host.GasBase, 0, 1, execGasPrice)
	o[EXTCODESIZE] = def(host.GasWarmAccess, 1, 1, execExtCodeSize).withGas(gasAccountAccess)
	o[EXTCODECOPY] = def(host.GasWarmAccess, 4, 0, execExtCodeCopy).withGas(gasExtCodeCopy)
	o[RETURNDATASIZE] = def(host.GasBase, 0, 1, execReturnDataSize) // EIP-211
	o[RETURNDATACOPY] = def(host.GasVeryLow, 3, 0, execReturnDataCopy).withGas(gasCopy)
	o[EXTCODEHASH] = def(host.GasWarmAccess, 1, 1, execExtCodeHash).withGas(gasAccountAccess) // EIP-1052

	o[BLOCKHASH] = def(host.GasBlockhash, 1, 1, execBlockHash)
	o[COINBASE] = def(host.GasBase, 0, 1, execCoinbase)
	o[TIMESTAMP] = def(host.GasBase, 0, 1, execTimestamp)
	o[NUMBER] = def(host.GasBase, 0, 1, execNumber)
	o[PREVRANDAO] = def(host.GasBase, 0, 1, execPrevRandao) // EIP-4399
	o[GASLIMIT] = def(host.GasBase, 0, 1, execGasLimit)
	o[CHAINID] = def(host.GasBase, 0, 1, execChainID)        // EIP-1344
	o[SELFBALANCE] = def(host.GasLow, 0, 1, execSelfBalance) // EIP-1884
	o[BASEFEE] = def(host.GasBase, 0, 1, execBaseFee)        // EIP-3198

	o[POP] = def(host.GasBase, 1, 0, pure(opPop))
	o[MLOAD] = def(host.GasVeryLow, 1, 1, execMload).withGas(gasMload)
	o[MSTORE] = def(host.GasVeryLow, 2, 0, execMstore).withGas(gasMstore)
	o[MSTORE8] = def(host.GasVeryLow, 2, 0, execMstore8).withGas(gasMstore8)
	o[SLOAD] = def(host.GasZero, 1, 1, execSload).withGas(gasSload) // EIP-2929
	o[SSTORE] = def(host.GasZero, 2, 0, execSstore).withGas(gasSstore).with(flagEndsBlock)
	o[JUMP] = def(host.GasMid, 1, 0, nil).with(flagControl | flagTerminal)
	o[JUMPI] = def(host.GasHigh, 2, 0, nil).with(flagControl | flagEndsBlock)
	o[PC] = def(host.GasBase, 0, 1, nil).with(flagControl)
	o[MSIZE] = def(host.GasBase, 0, 1, execMsize)
	o[GAS] = def(host.GasBase, 0, 1, nil).with(flagControl | flagEndsBlock)
	o[JUMPDEST] = def(gasJumpDst, 0, 0, nil).with(flagControl)

	for i := 0; i < 32; i++ {
		o[int(PUSH1)+i] = def(host.GasVeryLow, 0, 1, nil).with(flagControl)
	}
	for n := 1; n <= 16; n++ {
		o[int(DUP1)+n-1] = def(host.GasVeryLow, n, n+1, pure(dupOp(n)))
		o[int(SWAP1)+n-1] = def(host.GasVeryLow, n+1, n+1, pure(swapOp(n)))
	}
	for n := 0; n <= 4; n++ {
		o[int(LOG0)+n] = def(host.GasZero, 2+n, 0, execLog(n)).withGas(gasLogFn(n))
	}

	o[CREATE] = def(host.GasCreate, 3, 1, execCreate(host.KindCreate)).withGas(gasCreateFn(host.KindCreate, false)).with(flagEndsBlock)
	o[CALL] = def(host.GasWarmAccess, 7, 1, execCall(host.KindCall)).withGas(gasCallFn(host.KindCall, false)).with(flagEndsBlock)
	o[CALLCODE] = def(host.GasWarmAccess, 7, 1, execCall(host.KindCallCode)).withGas(gasCallFn(host.KindCallCode, false)).with(flagEndsBlock)
	o[RETURN] = def(host.GasZero, 2, 0, execReturn).withGas(gasReturn).with(flagTerminal)
	o[DELEGATECALL] = def(host.GasWarmAccess, 6, 1, execCall(host.KindDelegateCall)).withGas(gasCallFn(host.KindDelegateCall, false)).with(flagEndsBlock)
	o[CREATE2] = def(host.GasCreate, 4, 1, execCreate(host.KindCreate2)).withGas(gasCreateFn(host.KindCreate2, false)).with(flagEndsBlock)
	o[STATICCALL] = def(host.GasWarmAccess, 6, 1, execCall(host.KindStaticCall)).withGas(gasCallFn(host.KindStaticCall, false)).with(flagEndsBlock)
	o[REVERT] = def(host.GasZero, 2, 0, execRevert).withGas(gasReturn).with(flagTerminal) // EIP-140
	// INVALID (0xfe) stays undefined: finish makes it an exceptional halt like every
	// undefined byte.
	o[SELFDESTRUCT] = def(gasSelfdestruct, 1, 0, execSelfdestructLegacy).withGas(gasSelfdestructFn).with(flagTerminal)
	return t.finish()
}

// newShanghaiTable is Paris plus EIP-3855 and EIP-3860. (EIP-3651's warm coinbase and
// EIP-4895's withdrawals belong to the transaction and the block, not the interpreter.)
func newShanghaiTable(prev *forkTable) *forkTable {
	t := *prev
	t.fork = host.Shanghai
	enable3855(&t)
	enable3860(&t)
	return t.finish()
}

// newCancunTable is Shanghai plus EIP-4844, EIP-7516, EIP-1153, EIP-5656 and EIP-6780.
func newCancunTable(prev *forkTable) *forkTable {
	t := *prev
	t.fork = host.Cancun
	enable4844(&t)
	enable7516(&t)
	enable1153(&t)
	enable5656(&t)
	enable6780(&t)
	return t.finish()
}

// newPragueTable is Cancun plus EIP-7702.
func newPragueTable(prev *forkTable) *forkTable {
	t := *prev
	t.fork = host.Prague
	enable7702(&t)
	return t.finish()
}

// newOsakaTable is Prague plus EIP-7939. (Osaka's other EIPs touch precompiles, transaction
// validity and the block, not the interpreter.)
func newOsakaTable(prev *forkTable) *forkTable {
	t := *prev
	t.fork = host.Osaka
	enable7939(&t)
	return t.finish()
}

// enable3855: PUSH0.
func enable3855(t *forkTable) { t.ops[PUSH0] = def(host.GasBase, 0, 1, nil).with(flagControl) }

// enable3860: initcode is limited to 49152 bytes and costs 2 gas per word in CREATE and
// CREATE2.
func enable3860(t *forkTable) {
	t.ops[CREATE].gasFn = gasCreateFn(host.KindCreate, true)
	t.ops[CREATE2].gasFn = gasCreateFn(host.KindCreate2, true)
}

// enable4844: BLOBHASH (shard blob transactions).
func enable4844(t *forkTable) { t.ops[BLOBHASH] = def(gasBlobHash, 1, 1, execBlobHash) }

// enable7516: BLOBBASEFEE.
func enable7516(t *forkTable) { t.ops[BLOBBASEFEE] = def(host.GasBase, 0, 1, execBlobBaseFee) }

// enable1153: transient storage, TLOAD and TSTORE at the warm storage price.
func enable1153(t *forkTable) {
	t.ops[TLOAD] = def(host.GasWarmAccess, 1, 1, execTload)
	t.ops[TSTORE] = def(host.GasWarmAccess, 2, 0, execTstore)
}

// enable5656: MCOPY.
func enable5656(t *forkTable) {
	t.ops[MCOPY] = def(gasMcopy, 3, 0, execMcopy).withGas(gasMcopyFn)
}

// enable6780: SELFDESTRUCT only deletes an account created in the same transaction.
func enable6780(t *forkTable) { t.ops[SELFDESTRUCT].exec = execSelfdestruct6780 }

// enable7702: calls pay for resolving a target's delegation designator.
func enable7702(t *forkTable) {
	for op, kind := range map[OpCode]host.CallKind{
		CALL: host.KindCall, CALLCODE: host.KindCallCode,
		DELEGATECALL: host.KindDelegateCall, STATICCALL: host.KindStaticCall,
	} {
		t.ops[op].gasFn = gasCallFn(kind, true)
	}
}

// enable7939: CLZ, count leading zeros.
func enable7939(t *forkTable) { t.ops[CLZ] = def(gasClz, 1, 1, pure(opClz)) }
