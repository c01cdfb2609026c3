package evmbridge

import "github.com/hybridvm/hybridvm/host"

// Storage syscalls with the EVM's gas and refund rules.

// sysSload reads the slot keyed by a0..a3 (EIP-2929 warm/cold cost).
func sysSload(f *Frame) error {
	key := wordAt(&f.St.X, 10)
	self := f.self()
	if _, warm := f.Host.SlotInAccessList(self, key); warm {
		if err := f.use(host.GasWarmAccess); err != nil {
			return err
		}
	} else {
		if err := f.use(host.GasColdSload); err != nil {
			return err
		}
		f.Host.AddSlotToAccessList(self, key)
	}
	putWord(&f.St.X, f.Host.GetState(self, key))
	return nil
}

// sysSstore writes a4..a7 to the slot keyed by a0..a3, with EIP-2200's net gas
// metering as amended by EIP-2929 (access costs) and EIP-3529 (refunds).
func sysSstore(f *Frame) error {
	if err := f.static(); err != nil {
		return err
	}
	// EIP-2200: fail when no more than the call stipend is left.
	if f.St.Gas <= host.SstoreSentry {
		f.St.Gas = 0
		return host.ErrOutOfGas
	}
	key, val := wordAt(&f.St.X, 10), wordAt(&f.St.X, 14)
	self := f.self()
	h := f.Host
	var cost uint64
	if _, warm := h.SlotInAccessList(self, key); !warm {
		cost = host.GasColdSload
		h.AddSlotToAccessList(self, key)
	}
	cur := h.GetState(self, key)
	c, refund := host.SstoreCost(h.GetCommittedState(self, key), cur, val)
	if err := f.use(cost + c); err != nil {
		return err
	}
	if cur != val {
		host.ApplyRefund(h, refund)
		h.SetState(self, key, val)
	}
	return nil
}

func sysTload(f *Frame) error {
	if err := f.use(host.GasWarmAccess); err != nil {
		return err
	}
	putWord(&f.St.X, f.Host.GetTransientState(f.self(), wordAt(&f.St.X, 10)))
	return nil
}

func sysTstore(f *Frame) error {
	if err := f.static(); err != nil {
		return err
	}
	if err := f.use(host.GasWarmAccess); err != nil {
		return err
	}
	f.Host.SetTransientState(f.self(), wordAt(&f.St.X, 10), wordAt(&f.St.X, 14))
	return nil
}
