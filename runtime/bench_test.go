package runtime

import (
	"math/big"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	gstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	gtests "github.com/ethereum/go-ethereum/tests"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// The benchmarks run hybridvm and go-ethereum (core.ApplyMessage / vm.EVM.Call
// over core/state) on the same work in the same run and report both and their
// ratio.

const benchRecipients = 1000

func recipient(i int) host.Address {
	return host.Address{0: 0xbb, 18: byte(i >> 8), 19: byte(i)}
}

// gethEnv is a go-ethereum EVM over a fresh core/state for Cancun.
func gethEnv(b *testing.B, setup func(*gstate.StateDB)) (*vm.EVM, *gstate.StateDB, params.Rules) {
	cfg := gtests.Forks["Cancun"]
	sdb, err := gstate.New(types.EmptyRootHash, gstate.NewDatabaseForTesting())
	if err != nil {
		b.Fatal(err)
	}
	setup(sdb)
	random := common.Hash{1}
	ctx := vm.BlockContext{
		CanTransfer: core.CanTransfer, Transfer: core.Transfer,
		GetHash:  func(uint64) common.Hash { return common.Hash{} },
		Coinbase: common.Address{0xcb}, GasLimit: 1 << 62, BlockNumber: big.NewInt(1), Time: 1000,
		Difficulty: big.NewInt(0), BaseFee: big.NewInt(7), BlobBaseFee: big.NewInt(1), Random: &random,
	}
	e := vm.NewEVM(ctx, sdb, cfg, vm.Config{})
	return e, sdb, cfg.Rules(ctx.BlockNumber, true, ctx.Time)
}

// BenchmarkTransfers applies plain value transfers (EOA to EOA, 1000 distinct
// recipients) as whole transactions: validation, gas purchase, access list,
// transfer, refund, fee payment and the end-of-transaction rules.
func BenchmarkTransfers(b *testing.B) {
	from := host.Address{0xaa}
	st := state.New()
	st.SetBalance(from, uint256.NewInt(1<<62))
	st.FinaliseTx()
	eng, err := evm.New(evm.Config{Fork: host.Cancun})
	if err != nil {
		b.Fatal(err)
	}
	rt, err := New(Config{Fork: host.Cancun, EVM: eng}, st)
	if err != nil {
		b.Fatal(err)
	}
	blk := &Block{Coinbase: host.Address{0xcb}, Number: 1, Timestamp: 1000, GasLimit: 1 << 62, ChainID: *uint256.NewInt(1)}
	blk.BaseFee.SetUint64(7)
	tx := &Transaction{Type: DynamicFeeTxType, From: from, Gas: 21000}
	tx.GasFeeCap.SetUint64(10)
	tx.GasTipCap.SetUint64(1)
	tx.Value.SetUint64(1)

	ge, gdb, rules := gethEnv(b, func(s *gstate.StateDB) { s.SetBalance(from, uint256.NewInt(1<<62), 0) })
	gp := new(core.GasPool)

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		to := recipient(i % benchRecipients)
		tx.To, tx.Nonce = &to, uint64(i)
		if _, err := rt.ApplyTransaction(tx, blk); err != nil {
			b.Fatal(err)
		}
	}
	ours := time.Since(start)
	b.StopTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		to := recipient(i % benchRecipients)
		msg := &core.Message{From: from, To: &to, Nonce: uint64(i), Value: uint256.NewInt(1), GasLimit: 21000,
			GasPrice: uint256.NewInt(8), GasFeeCap: uint256.NewInt(10), GasTipCap: uint256.NewInt(1)}
		*gp = *core.NewGasPool(1 << 62)
		if _, err := core.ApplyMessage(ge, msg, gp); err != nil {
			b.Fatal(err)
		}
		gdb.Finalise(rules)
	}
	ref := time.Since(start)
	if got, want := st.GetNonce(from), gdb.GetNonce(from); got != want {
		b.Fatalf("nonce %d, go-ethereum %d", got, want)
	}
	b.ReportMetric(float64(b.N)/ours.Seconds(), "tx/s")
	b.ReportMetric(float64(b.N)/ref.Seconds(), "tx/s-geth")
	b.ReportMetric(ref.Seconds()/ours.Seconds(), "x-geth")
}

// BenchmarkCallOverhead measures one CALL frame to a contract whose code is a
// single STOP: what the runtime costs around a frame (depth and balance checks,
// snapshot, transfer, code lookup, engine dispatch).
func BenchmarkCallOverhead(b *testing.B) {
	caller, callee := host.Address{0xaa}, host.Address{0xcc}
	st := state.New()
	st.SetBalance(caller, uint256.NewInt(1<<62))
	st.SetCode(callee, []byte{0x00})
	st.FinaliseTx()
	st.BeginTx()
	eng, err := evm.New(evm.Config{Fork: host.Cancun})
	if err != nil {
		b.Fatal(err)
	}
	rt, err := New(Config{Fork: host.Cancun, EVM: eng}, st)
	if err != nil {
		b.Fatal(err)
	}
	msg := host.Message{Kind: host.KindCall, Sender: caller, Recipient: callee, CodeAddress: callee, Gas: 100000}
	ge, _, _ := gethEnv(b, func(s *gstate.StateDB) {
		s.SetBalance(caller, uint256.NewInt(1<<62), 0)
		s.SetCode(callee, []byte{0x00}, 0)
	})
	zero := new(uint256.Int)

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		m := msg
		if res := rt.Call(&m); res.Status != host.StatusSuccess {
			b.Fatal(res.Err)
		}
	}
	ours := time.Since(start)
	b.StopTimer()
	start = time.Now()
	for i := 0; i < b.N; i++ {
		if _, _, err := ge.Call(caller, callee, nil, vm.NewGasBudget(100000, 0), zero); err != nil {
			b.Fatal(err)
		}
	}
	ref := time.Since(start)
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "ns/call")
	b.ReportMetric(float64(ref.Nanoseconds())/float64(b.N), "ns/call-geth")
	b.ReportMetric(ref.Seconds()/ours.Seconds(), "x-geth")
}
