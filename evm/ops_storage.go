package evm

import (
	"unsafe"

	"github.com/hybridvm/hybridvm/host"
)

// Storage, transient storage and logs.

// gasSload is EIP-2929's SLOAD cost: 2100 for a cold slot (which becomes warm), else 100.
func gasSload(f *frame, sp unsafe.Pointer) (uint64, error) {
	k := arg(sp, 0)
	if f.slots.hit = f.slots.lookup(k); f.slots.hit >= 0 {
		return host.GasWarmAccess, nil
	}
	key := host.Hash(k.Bytes32())
	if _, ok := f.host.SlotInAccessList(f.self, key); ok {
		return host.GasWarmAccess, nil
	}
	f.host.AddSlotToAccessList(f.self, key)
	return host.GasColdSload, nil
}

func execSload(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	if i := f.slots.hit; i >= 0 {
		*v = f.slots.ents[i].val
		return nil
	}
	k := *v
	val := f.host.GetState(f.self, host.Hash(v.Bytes32()))
	v.SetBytes32(val[:])
	f.slots.store(&k, v) // warm now, whatever it was
	return nil
}

// gasSstore is EIP-2200's net gas metering for SSTORE, with EIP-2929's access costs and
// EIP-3529's reduced refunds. original is the value at the start of the transaction, current
// the value now, value the one being written.
//
//	current == value                           warm read (100)
//	original == current, original == 0        20000 (create)
//	original == current, original != 0        2900; refund 4800 if value == 0 (delete)
//	original != current (dirty)                warm read (100), and the refund adjustments:
//	    original != 0, current == 0            un-refund 4800 (recreated)
//	    original != 0, value == 0              refund 4800 (deleted)
//	    original == value, original == 0       refund 20000-100 (reset to absent)
//	    original == value, original != 0       refund 2900-100 (reset to original)
//
// plus 2100 when the slot was cold. It fails in a static frame and, per EIP-2200, when no more
// than the 2300 call stipend is left.
func gasSstore(f *frame, sp unsafe.Pointer) (uint64, error) {
	if f.msg.Static {
		return 0, gasErr(host.ErrWriteProtection)
	}
	if f.gas <= host.SstoreSentry {
		return 0, gasErr(ErrSstoreSentry)
	}
	key := host.Hash(arg(sp, 0).Bytes32())
	value := host.Hash(arg(sp, 1).Bytes32())
	h := f.host
	var current host.Hash
	var cost uint64
	if i := f.slots.lookup(arg(sp, 0)); i >= 0 {
		current = f.slots.ents[i].val.Bytes32() // and warm
	} else {
		current = h.GetState(f.self, key)
		if _, ok := h.SlotInAccessList(f.self, key); !ok {
			cost = host.GasColdSload
			h.AddSlotToAccessList(f.self, key)
		}
	}
	c, refund := host.SstoreCost(h.GetCommittedState(f.self, key), current, value)
	host.ApplyRefund(h, refund)
	return cost + c, nil
}

func execSstore(f *frame, sp unsafe.Pointer) error {
	k, v := arg(sp, 0), arg(sp, 1)
	f.host.SetState(f.self, host.Hash(k.Bytes32()), host.Hash(v.Bytes32()))
	f.slots.store(k, v)
	return nil
}

// execTload and execTstore are EIP-1153's transient storage.
func execTload(f *frame, sp unsafe.Pointer) error {
	v := arg(sp, 0)
	val := f.host.GetTransientState(f.self, host.Hash(v.Bytes32()))
	v.SetBytes32(val[:])
	return nil
}

func execTstore(f *frame, sp unsafe.Pointer) error {
	if f.msg.Static {
		return host.ErrWriteProtection
	}
	f.host.SetTransientState(f.self, host.Hash(arg(sp, 0).Bytes32()), host.Hash(arg(sp, 1).Bytes32()))
	return nil
}

// gasLogFn is LOGn's cost: 375, 375 per topic, 8 per data byte, and memory expansion.
func gasLogFn(n int) gasFunc {
	return func(f *frame, sp unsafe.Pointer) (uint64, error) {
		size := arg(sp, 1)
		end, ok := memEnd(arg(sp, 0), size)
		if !ok {
			return 0, ErrGasUintOverflow
		}
		g, err := f.memGas(end)
		if err != nil {
			return 0, err
		}
		// size is at most the memory limit here, so none of this overflows.
		return g + host.GasLog + uint64(n)*host.GasLogTopic + size[0]*host.GasLogByte, nil
	}
}

func execLog(n int) execFunc {
	return func(f *frame, sp unsafe.Pointer) error {
		if f.msg.Static {
			return host.ErrWriteProtection
		}
		var topics []host.Hash
		if n > 0 {
			topics = make([]host.Hash, n)
			for i := range topics {
				topics[i] = arg(sp, 2+i).Bytes32()
			}
		}
		data := f.memCopyOut(arg(sp, 0).Uint64(), arg(sp, 1).Uint64())
		f.host.AddLog(&host.Log{Address: f.self, Topics: topics, Data: data})
		return nil
	}
}
