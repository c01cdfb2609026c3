package evmbench

import (
	"bytes"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
)

// The benchmarks run under Cancun rules. The files' expected results are for London; for
// these programs (no PUSH0, transient storage, MCOPY, blobs or creates, and the coinbase is
// the sender, so EIP-3651 changes nothing) the post-state is the same, which Verify checks.
const benchFork = host.Cancun

func chainConfig() *params.ChainConfig {
	zero := uint64(0)
	b0 := big.NewInt(0)
	return &params.ChainConfig{
		ChainID: big.NewInt(1), HomesteadBlock: b0, EIP150Block: b0, EIP155Block: b0,
		EIP158Block: b0, ByzantiumBlock: b0, ConstantinopleBlock: b0, PetersburgBlock: b0,
		IstanbulBlock: b0, MuirGlacierBlock: b0, BerlinBlock: b0, LondonBlock: b0,
		TerminalTotalDifficulty: b0, ShanghaiTime: &zero, CancunTime: &zero,
		BlobScheduleConfig: params.DefaultBlobSchedule,
	}
}

func (c *Case) rules() params.Rules {
	return chainConfig().Rules(new(big.Int).SetUint64(c.Env.Number), true, c.Env.Timestamp)
}

// newState returns a fresh state holding the case's pre-state, committed (so that storage
// reads see it as the transaction's original values).
func (c *Case) newState() (*state.StateDB, error) {
	db := state.NewDatabase(triedb.NewDatabase(rawdb.NewMemoryDatabase(), nil), nil)
	sdb, err := state.New(types.EmptyRootHash, db)
	if err != nil {
		return nil, err
	}
	for a, acc := range c.Pre {
		sdb.CreateAccount(a)
		sdb.SetBalance(a, acc.Balance, tracing.BalanceChangeUnspecified)
		sdb.SetNonce(a, acc.Nonce, tracing.NonceChangeUnspecified)
		sdb.SetCode(a, acc.Code, tracing.CodeChangeUnspecified)
		for k, v := range acc.Storage {
			sdb.SetState(a, k, v)
		}
	}
	root, err := sdb.Commit(c.rules(), 0)
	if err != nil {
		return nil, err
	}
	return state.New(root, db)
}

func (c *Case) blockContext() vm.BlockContext {
	random := c.Env.Random
	return vm.BlockContext{
		CanTransfer: core.CanTransfer, Transfer: core.Transfer, GetHash: blockHash,
		Coinbase: c.Env.Coinbase, BlockNumber: new(big.Int).SetUint64(c.Env.Number),
		Time: c.Env.Timestamp, Difficulty: c.Env.Difficulty, GasLimit: c.Env.GasLimit,
		BaseFee: c.Env.BaseFee.ToBig(), BlobBaseFee: big.NewInt(1), Random: &random,
	}
}

func (c *Case) txContext() host.TxContext {
	tx := host.TxContext{
		Origin: c.Sender, Coinbase: c.Env.Coinbase, Number: c.Env.Number,
		Timestamp: c.Env.Timestamp, GasLimit: c.Env.GasLimit, PrevRandao: c.Env.Random,
	}
	tx.GasPrice.Set(c.GasPrice)
	tx.ChainID.SetUint64(1)
	tx.BaseFee.Set(c.Env.BaseFee)
	tx.BlobBaseFee.SetUint64(1)
	return tx
}

// TxResult is the outcome of a whole transaction.
type TxResult struct {
	Root     common.Hash
	Logs     common.Hash
	GasUsed  uint64 // as the receipt has it (after refunds, with intrinsic gas)
	Output   []byte
	Err      error
	ExecGas  uint64 // gas available to the frame (limit minus intrinsic gas)
	Intrinsc uint64
}

func logsHash(logs []*types.Log) common.Hash {
	b, _ := rlp.EncodeToBytes(logs)
	return crypto.Keccak256Hash(b)
}

// GethTx runs the transaction on go-ethereum (core.ApplyMessage).
func (c *Case) GethTx() (*TxResult, error) {
	sdb, err := c.newState()
	if err != nil {
		return nil, err
	}
	sdb.SetTxContext(common.Hash{}, 0, 0)
	e := vm.NewEVM(c.blockContext(), sdb, chainConfig(), vm.Config{})
	to := c.To
	msg := &core.Message{
		From: c.Sender, To: &to, Nonce: c.Nonce, Value: c.Value, GasLimit: c.GasLimit,
		GasPrice: c.GasPrice, GasFeeCap: c.GasPrice, GasTipCap: c.GasPrice, Data: c.Data,
	}
	res, err := core.ApplyMessage(e, msg, core.NewGasPool(c.Env.GasLimit))
	if err != nil {
		return nil, fmt.Errorf("geth: transaction invalid: %w", err)
	}
	rules := c.rules()
	return &TxResult{Root: sdb.IntermediateRoot(rules), Logs: logsHash(sdb.Logs()), GasUsed: res.UsedGas,
		Output: res.ReturnData, Err: res.Err}, nil
}

// intrinsicGas is the transaction's intrinsic gas (21000 plus call data).
func (c *Case) intrinsicGas() (uint64, error) {
	to := c.To
	return core.IntrinsicGas(c.Data, nil, nil, c.Sender, &to, c.Value, c.rules())
}

// prepare does the transaction's work before its frame runs on our engine: buy gas, bump
// the nonce, warm the access list. It returns the host and the frame's gas.
func (c *Case) prepare() (*gethHost, *state.StateDB, uint64, error) {
	sdb, err := c.newState()
	if err != nil {
		return nil, nil, 0, err
	}
	intrinsic, err := c.intrinsicGas()
	if err != nil {
		return nil, nil, 0, err
	}
	if intrinsic > c.GasLimit {
		return nil, nil, 0, errors.New("intrinsic gas exceeds the gas limit")
	}
	cost := new(uint256.Int).Mul(uint256.NewInt(c.GasLimit), c.GasPrice)
	sdb.SubBalance(c.Sender, cost, tracing.BalanceChangeUnspecified)
	sdb.SetNonce(c.Sender, c.Nonce+1, tracing.NonceChangeUnspecified)
	rules := c.rules()
	sdb.Prepare(rules, c.Sender, c.Env.Coinbase, &c.To, vm.ActivePrecompiles(rules), nil)
	return newGethHost(sdb, c.txContext()), sdb, c.GasLimit - intrinsic, nil
}

// frame runs the transaction's call frame on our engine: value transfer, code, revert on
// failure (what the runtime's Call does for an EVM frame).
func (c *Case) frame(e *evm.EVM, h *gethHost, gas uint64, code []byte, codeHash common.Hash) host.Result {
	snap := h.Snapshot()
	h.SubBalance(c.Sender, c.Value)
	h.AddBalance(c.To, c.Value)
	msg := &host.Message{Kind: host.KindCall, Gas: int64(gas), Recipient: c.To, Sender: c.Sender,
		CodeAddress: c.To, Input: c.Data, Value: *c.Value}
	res := e.Execute(h, msg, code, codeHash)
	if res.Status != host.StatusSuccess {
		h.RevertToSnapshot(snap)
	}
	return res
}

// OursTx runs the transaction with hybridvm's EVM executing the frame, and the transaction
// processing (gas purchase, refund capped at a fifth, coinbase fee) done here.
func (c *Case) OursTx(e *evm.EVM) (*TxResult, error) {
	h, sdb, gas, err := c.prepare()
	if err != nil {
		return nil, err
	}
	sdb.SetTxContext(common.Hash{}, 0, 0)
	code := sdb.GetCode(c.To)
	res := c.frame(e, h, gas, code, sdb.GetCodeHash(c.To))
	used := c.GasLimit - uint64(res.GasLeft)
	refund := min(sdb.GetRefund(), used/5) // EIP-3529
	used -= refund
	back := new(uint256.Int).Mul(uint256.NewInt(c.GasLimit-used), c.GasPrice)
	sdb.AddBalance(c.Sender, back, tracing.BalanceChangeUnspecified)
	tip := new(uint256.Int).Sub(c.GasPrice, c.Env.BaseFee)
	sdb.AddBalance(c.Env.Coinbase, tip.Mul(tip, uint256.NewInt(used)), tracing.BalanceChangeUnspecified)
	var rerr error
	if res.Status != host.StatusSuccess {
		rerr = res.Err
	}
	return &TxResult{Root: sdb.IntermediateRoot(c.rules()), Logs: logsHash(sdb.Logs()), GasUsed: used,
		Output: res.Output, Err: rerr}, nil
}

// Verify runs the case's transaction on both engines and checks both against the expected
// post-state root and logs hash, and against each other (output, gas used).
func (c *Case) Verify(e *evm.EVM) error {
	g, err := c.GethTx()
	if err != nil {
		return err
	}
	o, err := c.OursTx(e)
	if err != nil {
		return err
	}
	if g.Root != c.WantRoot || g.Logs != c.WantLogs {
		return fmt.Errorf("%s: go-ethereum's post-state root %x / logs %x, expected %x / %x", c.Name, g.Root, g.Logs, c.WantRoot, c.WantLogs)
	}
	if o.Root != c.WantRoot || o.Logs != c.WantLogs {
		return fmt.Errorf("%s: hybridvm's post-state root %x / logs %x, expected %x / %x (err %v)", c.Name, o.Root, o.Logs, c.WantRoot, c.WantLogs, o.Err)
	}
	if !bytes.Equal(g.Output, o.Output) || g.GasUsed != o.GasUsed {
		return fmt.Errorf("%s: output %x gas %d, go-ethereum %x gas %d", c.Name, o.Output, o.GasUsed, g.Output, g.GasUsed)
	}
	return nil
}

// Runner executes a case's call frame once per Run, restoring the state afterwards, so it can
// be timed in a loop.
type Runner struct {
	// Run executes the frame and returns the gas it used and its output.
	Run func() (gasUsed uint64, output []byte, err error)
}

// GethRunner returns a Runner executing the frame on go-ethereum's EVM (one EVM for all runs,
// as a node keeps it for a block, so its jump-destination cache stays warm).
func (c *Case) GethRunner() (*Runner, error) {
	sdb, err := c.newState()
	if err != nil {
		return nil, err
	}
	intrinsic, err := c.intrinsicGas()
	if err != nil {
		return nil, err
	}
	rules := c.rules()
	sdb.SetNonce(c.Sender, c.Nonce+1, tracing.NonceChangeUnspecified)
	sdb.Prepare(rules, c.Sender, c.Env.Coinbase, &c.To, vm.ActivePrecompiles(rules), nil)
	e := vm.NewEVM(c.blockContext(), sdb, chainConfig(), vm.Config{})
	e.SetTxContext(vm.TxContext{Origin: c.Sender, GasPrice: c.GasPrice})
	gas := c.GasLimit - intrinsic
	return &Runner{Run: func() (uint64, []byte, error) {
		snap := sdb.Snapshot()
		ret, left, err := e.Call(c.Sender, c.To, c.Data, vm.NewGasBudget(gas, 0), c.Value)
		sdb.RevertToSnapshot(snap)
		return gas - left.ExecutionGas, ret, err
	}}, nil
}

// OursRunner returns a Runner executing the frame on hybridvm's EVM.
func (c *Case) OursRunner(e *evm.EVM) (*Runner, error) {
	h, sdb, gas, err := c.prepare()
	if err != nil {
		return nil, err
	}
	code := sdb.GetCode(c.To)
	hash := sdb.GetCodeHash(c.To)
	return &Runner{Run: func() (uint64, []byte, error) {
		snap := sdb.Snapshot()
		res := c.frame(e, h, gas, code, hash)
		sdb.RevertToSnapshot(snap)
		var err error
		if res.Status != host.StatusSuccess {
			err = res.Err
		}
		return gas - uint64(res.GasLeft), res.Output, err
	}}, nil
}

// NewEVM returns the hybridvm EVM the benchmarks use.
func NewEVM() (*evm.EVM, error) { return evm.New(evm.Config{Fork: benchFork}) }
