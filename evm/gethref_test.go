package evm

import (
	"math/big"
	"sort"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// The reference side of the differential tests: go-ethereum's core/vm with its own
// in-memory state, running the same pre-state, context and message as the test host.

// scenario is one differential test case: a pre-state, a context and a call.
type scenario struct {
	fork     host.Fork
	accounts map[host.Address]scenarioAccount
	origin   host.Address
	target   host.Address
	input    []byte
	gas      int64
	value    uint256.Int
	tx       host.TxContext
}

type scenarioAccount struct {
	balance uint64
	nonce   uint64
	code    []byte
	storage map[host.Hash]host.Hash
}

// outcome is what both sides are compared on.
type outcome struct {
	status  host.Status
	output  []byte
	gasLeft int64
	refund  uint64
	logs    []*host.Log
	// state of every account and slot either side touched
	balances  map[host.Address]string
	nonces    map[host.Address]uint64
	codes     map[host.Address]host.Hash
	exists    map[host.Address]bool
	storage   map[host.Address]map[host.Hash]host.Hash
	transient map[host.Address]map[host.Hash]host.Hash
	err       error

	// geth side only: the keys its state recorded as written, and a reader of its state.
	writesGeth map[common.Address]map[common.Hash]bool
	readState  func(addrs []host.Address, keys map[host.Address]map[host.Hash]bool)
}

var (
	testOrigin   = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	testContract = common.HexToAddress("0x000000000000000000000000000000000c0de000")
	testCoinbase = common.HexToAddress("0x00000000000000000000000000000000c0ffee00")
)

func chainConfig(fork host.Fork) *params.ChainConfig {
	zero := uint64(0)
	b0 := big.NewInt(0)
	c := &params.ChainConfig{
		ChainID: big.NewInt(1), HomesteadBlock: b0, EIP150Block: b0, EIP155Block: b0,
		EIP158Block: b0, ByzantiumBlock: b0, ConstantinopleBlock: b0, PetersburgBlock: b0,
		IstanbulBlock: b0, MuirGlacierBlock: b0, BerlinBlock: b0, LondonBlock: b0,
		TerminalTotalDifficulty: b0, BlobScheduleConfig: params.DefaultBlobSchedule,
	}
	if fork >= host.Shanghai {
		c.ShanghaiTime = &zero
	}
	if fork >= host.Cancun {
		c.CancunTime = &zero
	}
	if fork >= host.Prague {
		c.PragueTime = &zero
	}
	if fork >= host.Osaka {
		c.OsakaTime = &zero
	}
	return c
}

func gethRules(fork host.Fork) params.Rules {
	return chainConfig(fork).Rules(big.NewInt(1000), true, 1700000000)
}

// recordingDB is geth's StateDB recording the storage keys written.
type recordingDB struct {
	*state.StateDB
	writes map[common.Address]map[common.Hash]bool
}

func (r *recordingDB) rec(a common.Address, k common.Hash) {
	if r.writes[a] == nil {
		r.writes[a] = map[common.Hash]bool{}
	}
	r.writes[a][k] = true
}

func (r *recordingDB) SetState(a common.Address, k, v common.Hash) common.Hash {
	r.rec(a, k)
	return r.StateDB.SetState(a, k, v)
}

func (r *recordingDB) SetTransientState(a common.Address, k, v common.Hash) {
	r.rec(a, k)
	r.StateDB.SetTransientState(a, k, v)
}

// gethBlockContext returns geth's view of sc.tx.
func gethBlockContext(sc *scenario) vm.BlockContext {
	random := common.Hash(sc.tx.PrevRandao)
	return vm.BlockContext{
		CanTransfer: core.CanTransfer,
		Transfer:    core.Transfer,
		GetHash:     func(n uint64) common.Hash { return testBlockHash(n) },
		Coinbase:    sc.tx.Coinbase,
		BlockNumber: new(big.Int).SetUint64(sc.tx.Number),
		Time:        sc.tx.Timestamp,
		Difficulty:  big.NewInt(0),
		GasLimit:    sc.tx.GasLimit,
		BaseFee:     sc.tx.BaseFee.ToBig(),
		BlobBaseFee: sc.tx.BlobBaseFee.ToBig(),
		Random:      &random,
	}
}

// runGeth executes the scenario on go-ethereum, with an optional tracer.
func runGeth(sc *scenario, tracer *tracing.Hooks) *outcome {
	rules := gethRules(sc.fork)
	sdb, _ := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	for a, acc := range sc.accounts {
		sdb.CreateAccount(a)
		sdb.SetBalance(a, uint256.NewInt(acc.balance), tracing.BalanceChangeUnspecified)
		sdb.SetNonce(a, acc.nonce, tracing.NonceChangeUnspecified)
		if len(acc.code) > 0 {
			sdb.SetCode(a, acc.code, tracing.CodeChangeUnspecified)
		}
		for k, v := range acc.storage {
			sdb.SetState(a, k, v)
		}
	}
	root, err := sdb.Commit(rules, 0)
	if err != nil {
		panic(err)
	}
	sdb, _ = state.New(root, sdb.Database())
	db := &recordingDB{StateDB: sdb, writes: map[common.Address]map[common.Hash]bool{}}

	evm := vm.NewEVM(gethBlockContext(sc), db, chainConfig(sc.fork), vm.Config{Tracer: tracer})
	evm.SetTxContext(vm.TxContext{Origin: sc.origin, GasPrice: new(uint256.Int).Set(&sc.tx.GasPrice), BlobHashes: sc.tx.BlobHashes})
	if tracer != nil && tracer.OnTxStart != nil {
		tracer.OnTxStart(evm.GetVMContext(), types.NewTx(&types.LegacyTx{To: &sc.target, Gas: uint64(sc.gas)}), sc.origin)
	}
	db.Prepare(rules, sc.origin, sc.tx.Coinbase, &sc.target, vm.ActivePrecompiles(rules), nil)
	ret, left, err := evm.Call(sc.origin, sc.target, sc.input, vm.NewGasBudget(uint64(sc.gas), 0), new(uint256.Int).Set(&sc.value))

	o := &outcome{output: ret, gasLeft: int64(left.ExecutionGas), refund: db.GetRefund(), err: err}
	switch err {
	case nil:
		o.status = host.StatusSuccess
	case vm.ErrExecutionReverted:
		o.status = host.StatusRevert
	default:
		o.status = host.StatusFailure
	}
	for _, l := range db.Logs() {
		o.logs = append(o.logs, &host.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
	}
	o.writesGeth = db.writes
	o.readState = func(addrs []host.Address, keys map[host.Address]map[host.Hash]bool) {
		fillState(o, addrs, keys, db.Exist, func(a host.Address) *uint256.Int { return db.GetBalance(a) },
			db.GetNonce, db.GetCodeHash, db.GetState, db.GetTransientState)
	}
	return o
}

// fillState records the state of the given accounts and keys into o.
func fillState(o *outcome, addrs []host.Address, keys map[host.Address]map[host.Hash]bool,
	exist func(host.Address) bool, balance func(host.Address) *uint256.Int, nonce func(host.Address) uint64,
	codeHash func(host.Address) host.Hash, storage, transient func(host.Address, host.Hash) host.Hash) {
	o.balances, o.nonces, o.codes, o.exists = map[host.Address]string{}, map[host.Address]uint64{}, map[host.Address]host.Hash{}, map[host.Address]bool{}
	o.storage, o.transient = map[host.Address]map[host.Hash]host.Hash{}, map[host.Address]map[host.Hash]host.Hash{}
	for _, a := range addrs {
		o.exists[a] = exist(a)
		o.balances[a] = balance(a).Hex()
		o.nonces[a] = nonce(a)
		o.codes[a] = codeHash(a)
	}
	for a, ks := range keys {
		o.storage[a], o.transient[a] = map[host.Hash]host.Hash{}, map[host.Hash]host.Hash{}
		for k := range ks {
			o.storage[a][k] = storage(a, k)
			o.transient[a][k] = transient(a, k)
		}
	}
}

// runOurs executes the scenario on this package through the test host, with the same
// transaction preparation as geth's (access list: origin, target, precompiles, coinbase).
func runOurs(sc *scenario, tracer Tracer) (*outcome, *testHost) {
	e, err := New(Config{Fork: sc.fork, Tracer: tracer})
	if err != nil {
		panic(err)
	}
	h := newTestHost()
	h.evm = e
	h.tx = sc.tx
	rules := gethRules(sc.fork)
	h.precompiles = map[host.Address]precompile{}
	for a, p := range vm.ActivePrecompiledContracts(rules) {
		h.precompiles[a] = p
	}
	for a, acc := range sc.accounts {
		h.setAccount(a, acc.balance, acc.code, acc.storage)
		h.accounts[a].nonce = acc.nonce
	}
	h.AddAddressToAccessList(sc.origin)
	h.AddAddressToAccessList(sc.target)
	for _, a := range vm.ActivePrecompiles(rules) {
		h.AddAddressToAccessList(a)
	}
	if sc.fork >= host.Shanghai {
		h.AddAddressToAccessList(sc.tx.Coinbase) // EIP-3651
	}
	h.journal = nil

	res := h.Call(&host.Message{
		Kind: host.KindCall, Gas: sc.gas, Recipient: sc.target, Sender: sc.origin,
		CodeAddress: sc.target, Input: sc.input, Value: sc.value,
	})
	o := &outcome{status: res.Status, output: res.Output, gasLeft: res.GasLeft, refund: h.refund, logs: h.logs, err: res.Err}
	return o, h
}

// compareState fills both outcomes' state for the union of touched accounts and keys.
func compareState(ours *outcome, h *testHost, geth *outcome) {
	keys := map[host.Address]map[host.Hash]bool{}
	add := func(src map[host.Address]map[host.Hash]bool) {
		for a, ks := range src {
			if keys[a] == nil {
				keys[a] = map[host.Hash]bool{}
			}
			for k := range ks {
				keys[a][k] = true
			}
		}
	}
	add(h.writes)
	add(geth.writesGeth)
	addrSet := map[host.Address]bool{}
	for a := range h.accounts {
		addrSet[a] = true
	}
	for a := range keys {
		addrSet[a] = true
	}
	addrs := make([]host.Address, 0, len(addrSet))
	for a := range addrSet {
		addrs = append(addrs, a)
	}
	sort.Slice(addrs, func(i, j int) bool { return addrs[i].Cmp(addrs[j]) < 0 })
	fillState(ours, addrs, keys, h.Exist, h.GetBalance, h.GetNonce, h.GetCodeHash, h.GetState, h.GetTransientState)
	geth.readState(addrs, keys)
}
