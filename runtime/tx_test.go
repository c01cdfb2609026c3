package runtime

import (
	"errors"
	"math"
	"math/big"
	"math/rand"
	"testing"

	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

func TestIntrinsicGasMatchesGeth(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 500; i++ {
		// Paris has no initcode gas (EIP-3860 is Shanghai's); Prague's rules are every
		// later fork's.
		fork := []host.Fork{host.Paris, host.Shanghai, host.Prague}[i%3]
		rules := params.Rules{IsHomestead: true, IsIstanbul: true, IsBerlin: true, IsLondon: true, IsMerge: true,
			IsShanghai: fork >= host.Shanghai, IsCancun: fork >= host.Cancun, IsPrague: fork >= host.Prague}
		data := make([]byte, r.Intn(300))
		for j := range data {
			if r.Intn(2) == 0 {
				data[j] = byte(r.Intn(256))
			}
		}
		var al types.AccessList
		for j := r.Intn(4); j > 0; j-- {
			al = append(al, types.AccessTuple{Address: host.Address{byte(j)}, StorageKeys: make([]host.Hash, r.Intn(3))})
		}
		auths := make([]types.SetCodeAuthorization, r.Intn(3))
		var to *host.Address
		if r.Intn(2) == 0 {
			to = &host.Address{1}
		}
		want, err := core.IntrinsicGas(data, al, auths, host.Address{}, to, new(uint256.Int), rules)
		if err != nil {
			t.Fatal(err)
		}
		got, err := IntrinsicGas(fork, data, al, len(auths), to == nil)
		if err != nil || got != want {
			t.Fatalf("case %d (%v): intrinsic gas %d (%v), go-ethereum %d", i, fork, got, err, want)
		}
		wantFloor, _ := core.FloorDataGas(rules, host.Address{}, to, new(uint256.Int), data, al)
		if gotFloor, _ := FloorDataGas(data); gotFloor != wantFloor {
			t.Fatalf("case %d: floor %d, go-ethereum %d", i, gotFloor, wantFloor)
		}
	}
}

func TestBlobBaseFeeMatchesGeth(t *testing.T) {
	zero := uint64(0)
	cancun := &params.ChainConfig{ChainID: big.NewInt(1), LondonBlock: big.NewInt(0), CancunTime: &zero,
		BlobScheduleConfig: &params.BlobScheduleConfig{Cancun: params.DefaultCancunBlobConfig, Prague: params.DefaultPragueBlobConfig}}
	prague := *cancun
	prague.PragueTime = &zero
	for _, excess := range []uint64{0, 1, 131072, 393216, 10_000_000, 100_000_000, 400_000_000} {
		for fork, cfg := range map[host.Fork]*params.ChainConfig{host.Cancun: cancun, host.Prague: &prague, host.Osaka: &prague} {
			want := eip4844.CalcBlobFee(cfg, &types.Header{ExcessBlobGas: &excess})
			got := BlobBaseFee(fork, excess)
			if got.ToBig().Cmp(want) != 0 {
				t.Errorf("%v excess %d: %s, go-ethereum %s", fork, excess, got.Dec(), want)
			}
		}
	}
}

// txEnv is a runtime with a funded sender, a coinbase and a block.
type txEnv struct {
	*env
	sender host.Address
	blk    *Block
}

func newTxEnv(t *testing.T, fork host.Fork) *txEnv {
	e := &txEnv{env: newEnv(t, fork, false), sender: addr(0x10)}
	e.account(e.sender, 1_000_000_000, nil)
	e.st.FinaliseTx()
	e.blk = &Block{Coinbase: addr(0xCB), Number: 10, GasLimit: 30_000_000, ChainID: *u(1)}
	e.blk.BaseFee.SetUint64(7)
	return e
}

func (e *txEnv) tx(to *host.Address, gas uint64) *Transaction {
	tx := &Transaction{Type: DynamicFeeTxType, From: e.sender, To: to, Gas: gas, Nonce: e.st.GetNonce(e.sender)}
	tx.GasFeeCap.SetUint64(10)
	tx.GasTipCap.SetUint64(2)
	return tx
}

func TestPlainTransfer(t *testing.T) {
	e := newTxEnv(t, host.Cancun)
	to := addr(0x20)
	tx := e.tx(&to, 21000)
	tx.Value.SetUint64(1000)
	rc, err := e.rt.ApplyTransaction(tx, e.blk)
	if err != nil {
		t.Fatal(err)
	}
	// price = min(10, 7+2) = 9; the coinbase gets the tip 2 per gas.
	if rc.Status != host.StatusSuccess || rc.GasUsed != 21000 || e.blk.GasUsed != 21000 {
		t.Fatalf("%+v", rc)
	}
	if got := e.st.GetBalance(e.sender).Uint64(); got != 1_000_000_000-1000-21000*9 {
		t.Errorf("sender balance %d", got)
	}
	if e.st.GetBalance(to).Uint64() != 1000 || e.st.GetBalance(e.blk.Coinbase).Uint64() != 21000*2 || e.st.GetNonce(e.sender) != 1 {
		t.Errorf("recipient %d coinbase %d nonce %d", e.st.GetBalance(to).Uint64(), e.st.GetBalance(e.blk.Coinbase).Uint64(), e.st.GetNonce(e.sender))
	}
}

// TestInvalidTransactions: each rule rejects with its error and leaves the state
// untouched.
func TestInvalidTransactions(t *testing.T) {
	to := addr(0x20)
	tests := []struct {
		name string
		fork host.Fork
		mod  func(e *txEnv, tx *Transaction)
		want error
	}{
		{"nonce too high", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Nonce = 1 }, ErrNonceTooHigh},
		{"nonce too low", host.Cancun, func(e *txEnv, tx *Transaction) { e.st.SetNonce(e.sender, 3); e.st.FinaliseTx() }, ErrNonceTooLow},
		{"nonce at max (EIP-2681)", host.Cancun, func(e *txEnv, tx *Transaction) {
			e.st.SetNonce(e.sender, math.MaxUint64)
			e.st.FinaliseTx()
			tx.Nonce = math.MaxUint64
		}, ErrNonceMax},
		{"gas above the Osaka cap (EIP-7825)", host.Osaka, func(e *txEnv, tx *Transaction) { tx.Gas = 1<<24 + 1 }, ErrGasLimitTooHigh},
		{"sender with code (EIP-3607)", host.Cancun, func(e *txEnv, tx *Transaction) { e.st.SetCode(e.sender, []byte{1}); e.st.FinaliseTx() }, ErrSenderNoEOA},
		{"tip above fee cap", host.Cancun, func(e *txEnv, tx *Transaction) { tx.GasTipCap.SetUint64(11) }, ErrTipAboveFeeCap},
		{"fee cap below base fee", host.Cancun, func(e *txEnv, tx *Transaction) { tx.GasFeeCap.SetUint64(6); tx.GasTipCap.SetUint64(0) }, ErrFeeCapTooLow},
		{"blob tx creating", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.To, tx.BlobHashes = BlobTxType, nil, []host.Hash{{0: 1}}
		}, ErrBlobTxCreate},
		{"blob tx without blobs", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{} }, ErrMissingBlobHashes},
		{"blob hash of version 2", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{{0: 2}}
			tx.BlobFeeCap.SetUint64(1)
		}, ErrInvalidBlobHash},
		{"7 blobs in Cancun (6 per block)", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, make([]host.Hash, 7)
		}, ErrBlobGasLimitReached},
		{"7 blobs in Osaka (6 per transaction)", host.Osaka, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, make([]host.Hash, 7)
			for i := range tx.BlobHashes {
				tx.BlobHashes[i][0] = 1
			}
		}, ErrTooManyBlobs},
		{"blob fee cap below blob base fee", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{{0: 1}}
			tx.BlobFeeCap.SetUint64(0)
		}, ErrBlobFeeCapTooLow},
		{"set-code tx in Cancun", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Type = SetCodeTxType }, ErrTxTypeNotSupported},
		{"blob tx in Shanghai", host.Shanghai, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{{0: 1}}
			tx.BlobFeeCap.SetUint64(1)
		}, ErrTxTypeNotSupported},
		{"blob tx in Paris", host.Paris, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{{0: 1}}
			tx.BlobFeeCap.SetUint64(1)
		}, ErrTxTypeNotSupported},
		{"set-code tx in Shanghai", host.Shanghai, func(e *txEnv, tx *Transaction) { tx.Type = SetCodeTxType }, ErrTxTypeNotSupported},
		{"set-code tx without authorizations", host.Prague, func(e *txEnv, tx *Transaction) { tx.Type = SetCodeTxType }, ErrEmptyAuthList},
		{"set-code tx creating", host.Prague, func(e *txEnv, tx *Transaction) {
			tx.Type, tx.To, tx.AuthList = SetCodeTxType, nil, make([]types.SetCodeAuthorization, 1)
		}, ErrSetCodeTxCreate},
		{"initcode above 49152 bytes (EIP-3860)", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.To, tx.Data, tx.Gas = nil, make([]byte, 49153), 10_000_000
		}, ErrMaxInitCodeSizeExceeded},
		{"initcode above 49152 bytes in Shanghai", host.Shanghai, func(e *txEnv, tx *Transaction) {
			tx.To, tx.Data, tx.Gas = nil, make([]byte, 49153), 10_000_000
		}, ErrMaxInitCodeSizeExceeded},
		{"gas above the block's", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Gas = 30_000_001 }, ErrGasLimitReached},
		{"cannot pay gas * fee cap + value", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Value.SetUint64(1_000_000_000 - 21000*10 + 1) }, ErrInsufficientFunds},
		{"gas * price overflows", host.Cancun, func(e *txEnv, tx *Transaction) {
			tx.GasFeeCap.SetAllOne()
			tx.GasTipCap.SetAllOne()
		}, ErrGasPriceProductOverflow},
		{"gas below intrinsic", host.Cancun, func(e *txEnv, tx *Transaction) { tx.Data = []byte{1}; tx.Gas = 21015 }, ErrIntrinsicGas},
		{"gas below the calldata floor (EIP-7623)", host.Prague, func(e *txEnv, tx *Transaction) {
			tx.Data = make([]byte, 100) // intrinsic 21400, floor 22000
			for i := range tx.Data {
				tx.Data[i] = 1
			}
			tx.Data = tx.Data[:10]
			tx.Gas = 21000 + 10*16 // = intrinsic, below floor 21000+400
		}, ErrFloorDataGas},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newTxEnv(t, tc.fork)
			tx := e.tx(&to, 21000)
			tc.mod(e, tx)
			before := e.st.Root()
			_, err := e.rt.ApplyTransaction(tx, e.blk)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if e.st.Root() != before || e.blk.GasUsed != 0 {
				t.Fatal("an invalid transaction changed the state")
			}
		})
	}
}

// TestRefundCap: the refund is capped at a fifth of the gas used (EIP-3529).
func TestRefundCap(t *testing.T) {
	for _, tc := range []struct {
		name          string
		refund        uint64
		wantUsed      uint64
		execGas, limt uint64
	}{
		{"small refund is paid in full", 1000, 21000 + 50000 - 1000, 50000, 100000},
		{"large refund is capped at used/5", 1_000_000, (21000 + 50000) - (21000+50000)/5, 50000, 100000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTxEnv(t, host.Cancun)
			c := addr(0x30)
			e.account(c, 0, e.evm.prog("burn", func(h host.Host, msg *host.Message) host.Result {
				h.AddRefund(tc.refund)
				return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas - int64(tc.execGas)}
			}))
			e.st.FinaliseTx()
			rc, err := e.rt.ApplyTransaction(e.tx(&c, tc.limt), e.blk)
			if err != nil || rc.GasUsed != tc.wantUsed {
				t.Fatalf("gas used %d (%v), want %d", rc.GasUsed, err, tc.wantUsed)
			}
			if got := e.st.GetBalance(e.sender).Uint64(); got != 1_000_000_000-tc.wantUsed*9 {
				t.Fatalf("sender paid %d, want %d", 1_000_000_000-got, tc.wantUsed*9)
			}
		})
	}
}

// TestFloorCharged: a transaction whose execution is cheaper than its calldata
// floor pays the floor (EIP-7623, Prague on).
func TestFloorCharged(t *testing.T) {
	for _, fork := range []host.Fork{host.Cancun, host.Prague} {
		e := newTxEnv(t, fork)
		to := addr(0x20)
		tx := e.tx(&to, 100_000)
		tx.Data = make([]byte, 1000) // intrinsic 21000+4000, floor 21000+10000
		rc, err := e.rt.ApplyTransaction(tx, e.blk)
		want := uint64(25000)
		if fork >= host.Prague {
			want = 31000
		}
		if err != nil || rc.GasUsed != want {
			t.Fatalf("%v: used %d (%v), want %d", fork, rc.GasUsed, err, want)
		}
	}
}

// TestCreateTransaction: the sender's nonce is bumped once, by the create.
func TestCreateTransaction(t *testing.T) {
	e := newTxEnv(t, host.Cancun)
	init := e.evm.prog("init", returnProg([]byte{0x60, 0x00}))
	tx := e.tx(nil, 100_000)
	tx.Data = init
	rc, err := e.rt.ApplyTransaction(tx, e.blk)
	want := crypto.CreateAddress(e.sender, 0)
	if err != nil || rc.Status != host.StatusSuccess || rc.ContractAddress != want || e.st.GetNonce(e.sender) != 1 || len(e.st.GetCode(want)) != 2 {
		t.Fatalf("%+v %v nonce %d", rc, err, e.st.GetNonce(e.sender))
	}
	intrinsic, _ := IntrinsicGas(host.Cancun, init, nil, 0, true)
	if rc.GasUsed != intrinsic+400 {
		t.Fatalf("gas used %d, want %d", rc.GasUsed, intrinsic+400)
	}
}

// TestAccessListWarm: what is warm when the top frame starts.
func TestAccessListWarm(t *testing.T) {
	testAccessListWarm(t, host.Cancun)
}

// TestCoinbaseWarmFromShanghai: the coinbase is warm from the start of every
// transaction from Shanghai (EIP-3651), cold in Paris; Paris and Shanghai have no
// point-evaluation precompile (0x0a, Cancun's).
func TestCoinbaseWarmFromShanghai(t *testing.T) {
	for _, fork := range []host.Fork{host.Paris, host.Shanghai} {
		e := newTxEnv(t, fork)
		c := addr(0x30)
		var coinbaseWarm, pointEval, ecrecover bool
		e.account(c, 0, e.evm.prog("probe", func(h host.Host, msg *host.Message) host.Result {
			coinbaseWarm = h.AddressInAccessList(e.blk.Coinbase)
			pointEval = h.AddressInAccessList(host.Address{19: 0x0a})
			ecrecover = h.AddressInAccessList(host.Address{19: 1})
			return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
		}))
		e.st.FinaliseTx()
		if _, err := e.rt.ApplyTransaction(e.tx(&c, 100_000), e.blk); err != nil {
			t.Fatal(err)
		}
		if coinbaseWarm != (fork >= host.Shanghai) || pointEval || !ecrecover {
			t.Errorf("%v: coinbase warm %v, 0x0a warm %v, 0x01 warm %v", fork, coinbaseWarm, pointEval, ecrecover)
		}
	}
}

// TestParisInitcode: before Shanghai a creation pays no initcode word gas and its
// initcode has no size limit (EIP-3860 is Shanghai's).
func TestParisInitcode(t *testing.T) {
	for _, fork := range []host.Fork{host.Paris, host.Shanghai} {
		e := newTxEnv(t, fork)
		tx := e.tx(nil, 10_000_000)
		tx.Data = e.evm.prog("init"+string(make([]byte, 49153)), returnProg(nil))
		rc, err := e.rt.ApplyTransaction(tx, e.blk)
		if fork == host.Shanghai {
			if !errors.Is(err, ErrMaxInitCodeSizeExceeded) {
				t.Fatalf("Shanghai: %v, want %v", err, ErrMaxInitCodeSizeExceeded)
			}
			continue
		}
		zeros := uint64(countZeros(tx.Data))
		want := 53000 + 4*zeros + 16*(uint64(len(tx.Data))-zeros)
		if err != nil || rc.GasUsed != want {
			t.Fatalf("Paris: used %d (%v), want %d", rc.GasUsed, err, want)
		}
	}
}

func testAccessListWarm(t *testing.T, fork host.Fork) {
	e := newTxEnv(t, fork)
	c, listed := addr(0x30), addr(0x31)
	key := host.Hash{31: 9}
	var ok bool
	e.account(c, 0, e.evm.prog("probe", func(h host.Host, msg *host.Message) host.Result {
		_, slotOK := h.SlotInAccessList(listed, key)
		ok = h.AddressInAccessList(e.sender) && h.AddressInAccessList(c) && h.AddressInAccessList(e.blk.Coinbase) &&
			h.AddressInAccessList(host.Address{19: 1}) && h.AddressInAccessList(host.Address{19: 0x0a}) &&
			h.AddressInAccessList(listed) && slotOK && !h.AddressInAccessList(addr(0x77)) &&
			h.TxContext().Origin == e.sender && h.TxContext().GasPrice.Uint64() == 9
		return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
	}))
	e.st.FinaliseTx()
	tx := e.tx(&c, 100_000)
	tx.AccessList = types.AccessList{{Address: listed, StorageKeys: []host.Hash{key}}}
	if _, err := e.rt.ApplyTransaction(tx, e.blk); err != nil || !ok {
		t.Fatalf("warm set wrong (err %v)", err)
	}
}

// TestSetCodeTransaction: EIP-7702 authorizations install delegations, bump the
// authority's nonce, refund existing authorities, and skip invalid ones.
func TestSetCodeTransaction(t *testing.T) {
	e := newTxEnv(t, host.Prague)
	key, _ := crypto.GenerateKey()
	authority := crypto.PubkeyToAddress(key.PublicKey)
	e.account(authority, 1, nil) // exists: gets the 12500 refund
	impl := addr(0x40)
	e.account(impl, 0, e.evm.prog("impl", sstoreProg))
	e.st.FinaliseTx()
	sign := func(chain uint64, nonce uint64, to host.Address) types.SetCodeAuthorization {
		a, err := types.SignSetCode(key, types.SetCodeAuthorization{ChainID: *u(chain), Address: to, Nonce: nonce})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tx := e.tx(&authority, 200_000)
	tx.Type = SetCodeTxType
	tx.AuthList = []types.SetCodeAuthorization{
		sign(5, 0, addr(0x66)), // wrong chain: skipped
		sign(1, 0, impl),       // valid
		sign(0, 0, addr(0x66)), // nonce now 1: skipped
	}
	rc, err := e.rt.ApplyTransaction(tx, e.blk)
	if err != nil || rc.Status != host.StatusSuccess {
		t.Fatalf("%+v %v", rc, err)
	}
	if d, ok := host.ParseDelegation(e.st.GetCode(authority)); !ok || d != impl || e.st.GetNonce(authority) != 1 {
		t.Fatalf("delegation %x %v nonce %d", d, ok, e.st.GetNonce(authority))
	}
	if e.st.GetState(authority, slot1) != slot1 {
		t.Fatal("the call to the authority did not run the delegated code in the authority")
	}
	// 21000 + 3*25000 intrinsic + 100 execution - 12500 refund (below used/5).
	if want := uint64(21000 + 75000 + 100 - 12500); rc.GasUsed != want {
		t.Fatalf("gas used %d, want %d", rc.GasUsed, want)
	}
}

func TestBlockHashWindow(t *testing.T) {
	e := newEnv(t, host.Cancun, false)
	e.rt.SetContext(host.TxContext{Number: 300}, func(n uint64) host.Hash { return host.Hash{31: byte(n)} })
	for n, want := range map[uint64]bool{299: true, 44: true, 43: false, 300: false, 301: false, 0: false} {
		if got := e.rt.BlockHash(n) != (host.Hash{}); got != want {
			t.Errorf("BLOCKHASH(%d) available = %v, want %v", n, got, want)
		}
	}
}

func TestBlobTransactionPaysBlobFee(t *testing.T) {
	e := newTxEnv(t, host.Cancun)
	e.blk.ExcessBlobGas = 10_000_000
	fee := BlobBaseFee(host.Cancun, e.blk.ExcessBlobGas)
	to := addr(0x20)
	tx := e.tx(&to, 21000)
	tx.Type, tx.BlobHashes = BlobTxType, []host.Hash{{0: 1}, {0: 1}}
	tx.BlobFeeCap.SetUint64(1000)
	if _, err := e.rt.ApplyTransaction(tx, e.blk); err != nil {
		t.Fatal(err)
	}
	want := 1_000_000_000 - 21000*9 - 2*BlobGasPerBlob*fee.Uint64()
	if got := e.st.GetBalance(e.sender).Uint64(); got != want || e.blk.BlobGasUsed != 2*BlobGasPerBlob {
		t.Fatalf("sender balance %d, want %d (blob fee %d)", got, want, fee.Uint64())
	}
}

// TestTransferDoesNotAllocate: once warmed up, a plain transfer between existing
// accounts allocates nothing (the block-replay hot path).
func TestTransferDoesNotAllocate(t *testing.T) {
	e := newTxEnv(t, host.Cancun)
	to := addr(0x20)
	e.account(to, 1, nil)
	e.st.FinaliseTx()
	tx := e.tx(&to, 21000)
	tx.Value.SetUint64(1)
	apply := func() {
		if _, err := e.rt.ApplyTransaction(tx, e.blk); err != nil {
			t.Fatal(err)
		}
		tx.Nonce++
	}
	for i := 0; i < 10; i++ {
		apply()
	}
	if n := testing.AllocsPerRun(100, apply); n != 0 {
		t.Fatalf("a transfer allocates %.1f times", n)
	}
}
