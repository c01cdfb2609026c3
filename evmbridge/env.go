package evmbridge

import (
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Context and environment syscalls: fixed gas, results in registers.

func sysAddress(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putAddrOut(&f.St.X, f.self())
	return nil
}

func sysOrigin(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putAddrOut(&f.St.X, f.Host.TxContext().Origin)
	return nil
}

func sysCaller(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putAddrOut(&f.St.X, f.Msg.Sender)
	return nil
}

func sysCoinbase(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putAddrOut(&f.St.X, f.Host.TxContext().Coinbase)
	return nil
}

func sysCallValue(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU256(&f.St.X, &f.Msg.Value)
	return nil
}

func sysGasPrice(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU256(&f.St.X, &f.Host.TxContext().GasPrice)
	return nil
}

// putU64 writes a small value as a U256.
func putU64(f *Frame, v uint64) {
	var u uint256.Int
	u.SetUint64(v)
	putU256(&f.St.X, &u)
}

func sysCallDataSize(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU64(f, uint64(len(f.Msg.Input)))
	return nil
}

func sysCodeSize(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU64(f, uint64(len(f.Code)))
	return nil
}

func sysTimestamp(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU64(f, f.Host.TxContext().Timestamp)
	return nil
}

func sysNumber(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU64(f, f.Host.TxContext().Number)
	return nil
}

func sysGasLimit(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU64(f, f.Host.TxContext().GasLimit)
	return nil
}

func sysPrevRandao(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putWord(&f.St.X, f.Host.TxContext().PrevRandao)
	return nil
}

// sysChainID returns the chain id in a0 only (docs/abi.md, "System calls").
func sysChainID(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	f.St.X[10] = f.Host.TxContext().ChainID.Uint64()
	return nil
}

func sysBaseFee(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU256(&f.St.X, &f.Host.TxContext().BaseFee)
	return nil
}

func sysBlobBaseFee(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	putU256(&f.St.X, &f.Host.TxContext().BlobBaseFee)
	return nil
}

func sysBlobHash(f *Frame) error {
	if err := f.use(host.GasVeryLow); err != nil {
		return err
	}
	var h host.Hash
	if i, hs := f.St.X[10], f.Host.TxContext().BlobHashes; i < uint64(len(hs)) {
		h = hs[i]
	}
	putWord(&f.St.X, h)
	return nil
}

// sysSelfBalance is the executing account's balance (fixed: Hybrid used the caller's).
func sysSelfBalance(f *Frame) error {
	if err := f.use(host.GasLow); err != nil {
		return err
	}
	putU256(&f.St.X, f.Host.GetBalance(f.self()))
	return nil
}

// sysGas returns the gas left after this syscall's own cost, in a0.
func sysGas(f *Frame) error {
	if err := f.use(host.GasBase); err != nil {
		return err
	}
	f.St.X[10] = uint64(f.St.Gas)
	return nil
}

// sysBlockHash (fixed: a no-op in Hybrid) returns the hash of one of the 256 most
// recent blocks, or zero.
func sysBlockHash(f *Frame) error {
	if err := f.use(host.GasBlockhash); err != nil {
		return err
	}
	putWord(&f.St.X, f.Host.BlockHash(f.St.X[10]))
	return nil
}

func sysBalance(f *Frame) error {
	addr := addrIn(&f.St.X)
	if err := f.accessAccount(addr); err != nil {
		return err
	}
	putU256(&f.St.X, f.Host.GetBalance(addr))
	return nil
}

func sysExtCodeSize(f *Frame) error {
	addr := addrIn(&f.St.X)
	if err := f.accessAccount(addr); err != nil {
		return err
	}
	putU64(f, uint64(f.Host.GetCodeSize(addr)))
	return nil
}

// sysExtCodeHash follows EIP-1052: zero for an account that does not exist or is
// empty (EIP-161), else the hash of its code.
func sysExtCodeHash(f *Frame) error {
	addr := addrIn(&f.St.X)
	if err := f.accessAccount(addr); err != nil {
		return err
	}
	var h host.Hash
	if !f.Host.Empty(addr) {
		h = f.Host.GetCodeHash(addr)
	}
	putWord(&f.St.X, h)
	return nil
}
