package statetest

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	gtests "github.com/ethereum/go-ethereum/tests"
	"github.com/holiman/uint256"
)

// The golden state tests in testdata/golden are written here, in Go, and their
// expected roots, logs hashes and exceptions are computed by go-ethereum's own
// state-test runner (package tests): `go test ./statetest -run TestGolden -update`.
// Without -update, TestGolden runs them with this package's runner.

var update = flag.Bool("update", false, "regenerate testdata/golden with go-ethereum's state-test runner")

const goldenDir = "testdata/golden"

var (
	senderKey, _ = crypto.HexToECDSA("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
	sender       = crypto.PubkeyToAddress(senderKey.PublicKey)
	authKey, _   = crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	authority    = crypto.PubkeyToAddress(authKey.PublicKey)
	coinbase     = common.HexToAddress("0x2adc25665018aa1fe0e6bc666dac8fc2697ff9ba")
	contractA    = common.HexToAddress("0x00000000000000000000000000000000000c0de1")
	contractB    = common.HexToAddress("0x00000000000000000000000000000000000c0de2")
	eoaB         = common.HexToAddress("0x000000000000000000000000000000000000b0b0")
)

// A tiny assembler for the contracts below.
func asm(parts ...any) string {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case vm.OpCode:
			b = append(b, byte(v))
		case int:
			if v == 0 {
				b = append(b, byte(vm.PUSH0))
				continue
			}
			bs := new(big.Int).SetInt64(int64(v)).Bytes()
			b = append(b, byte(vm.PUSH1)+byte(len(bs)-1))
			b = append(b, bs...)
		case common.Address:
			b = append(b, byte(vm.PUSH20))
			b = append(b, v[:]...)
		case []byte:
			b = append(b, byte(vm.PUSH1)+byte(len(v)-1))
			b = append(b, v...)
		default:
			panic(fmt.Sprintf("asm: %T", p))
		}
	}
	return fmt.Sprintf("0x%x", b)
}

type acct struct {
	Balance string            `json:"balance"`
	Nonce   string            `json:"nonce"`
	Code    string            `json:"code"`
	Storage map[string]string `json:"storage"`
}

func eoa(balance string) acct { return acct{balance, "0x00", "0x", map[string]string{}} }
func contract(code string) acct {
	return acct{"0x0de0b6b3a7640000", "0x01", code, map[string]string{"0x01": "0x01"}}
}

type goldenCase struct {
	name  string
	forks []string
	env   map[string]string
	pre   map[common.Address]acct
	tx    map[string]any
}

func baseEnv() map[string]string {
	return map[string]string{
		"currentCoinbase":      coinbase.Hex(),
		"currentGasLimit":      "0x05f5e100",
		"currentNumber":        "0x0100",
		"currentTimestamp":     "0x03e8",
		"currentBaseFee":       "0x0a",
		"currentRandom":        "0x0000000000000000000000000000000000000000000000000000000000020000",
		"currentDifficulty":    "0x00",
		"currentExcessBlobGas": "0x00",
	}
}

func legacyTx(to string, data, gas, value []string) map[string]any {
	return map[string]any{
		"data": data, "gasLimit": gas, "value": value, "gasPrice": "0x0c", "nonce": "0x00",
		"to": to, "secretKey": fmt.Sprintf("0x%x", crypto.FromECDSA(senderKey)), "sender": sender.Hex(),
	}
}

func dynTx(to string, data, gas, value []string) map[string]any {
	tx := legacyTx(to, data, gas, value)
	delete(tx, "gasPrice")
	tx["maxFeePerGas"] = "0x20"
	tx["maxPriorityFeePerGas"] = "0x03"
	return tx
}

func signAuth(chain uint64, nonce uint64, to common.Address) map[string]string {
	a, err := types.SignSetCode(authKey, types.SetCodeAuthorization{ChainID: *uint256.NewInt(chain), Address: to, Nonce: nonce})
	if err != nil {
		panic(err)
	}
	return map[string]string{
		"chainId": fmt.Sprintf("0x%x", chain), "address": to.Hex(), "nonce": fmt.Sprintf("0x%x", nonce),
		"v": fmt.Sprintf("0x%x", a.V), "r": a.R.Hex(), "s": a.S.Hex(), "signer": authority.Hex(),
	}
}

var allForks = []string{"Cancun", "Prague", "Osaka"}

func goldenCases() []goldenCase {
	pre := func(extra map[common.Address]acct) map[common.Address]acct {
		m := map[common.Address]acct{sender: eoa("0x0de0b6b3a7640000"), coinbase: eoa("0x00")}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	// A: stores CALLVALUE and CALLDATASIZE, logs, calls B with value 1 (B stores
	// and reverts), stores the call's success flag, uses transient storage,
	// reads BLOCKHASH, BASEFEE and BLOBBASEFEE, creates a contract.
	codeA := asm(
		vm.CALLVALUE, 0, vm.SSTORE,
		vm.CALLDATASIZE, 2, vm.SSTORE,
		0x42, 0, vm.MSTORE, 0x77, 32, 0, vm.LOG1,
		0, 0, 0, 0, 1, contractB, vm.GAS, vm.CALL, 3, vm.SSTORE,
		9, 5, vm.TSTORE, 5, vm.TLOAD, 4, vm.SSTORE,
		0xff, vm.BLOCKHASH, 5, vm.SSTORE,
		vm.BASEFEE, 6, vm.SSTORE, vm.BLOBBASEFEE, 7, vm.SSTORE,
		// CREATE of initcode 0x600a600c600039600a6000f3 ‖ runtime 0x5f5ff3 (returns 3 bytes of code)
		[]byte{0x60, 0x03, 0x60, 0x0c, 0x60, 0x00, 0x39, 0x60, 0x03, 0x60, 0x00, 0xf3}, 0, vm.MSTORE,
		12, 20, 0, vm.CREATE, 8, vm.SSTORE,
		vm.STOP,
	)
	codeB := asm(1, 0, vm.SSTORE, 0, 0, vm.REVERT)
	// A contract that selfdestructs to the coinbase only if created in this tx
	// (EIP-6780): here it was not, so only the balance moves.
	codeSD := asm(coinbase, vm.SELFDESTRUCT)
	// Warm/cold accounting: SLOAD of a listed and an unlisted slot, BALANCE of a
	// listed and an unlisted account.
	codeAL := asm(1, vm.SLOAD, 0, vm.SSTORE, 2, vm.SLOAD, 3, vm.SSTORE, eoaB, vm.BALANCE, 4, vm.SSTORE, vm.GAS, 5, vm.SSTORE)
	// Blob tx target: stores BLOBHASH(0), BLOBHASH(1) and BLOBBASEFEE.
	codeBlob := asm(0, vm.BLOBHASH, 0, vm.SSTORE, 1, vm.BLOBHASH, 1, vm.SSTORE, vm.BLOBBASEFEE, 2, vm.SSTORE)
	blobEnv := baseEnv()
	blobEnv["currentExcessBlobGas"] = "0x0a0000"
	blobTx := dynTx(contractA.Hex(), []string{"0x"}, []string{"0x0186a0"}, []string{"0x00"})
	blobTx["blobVersionedHashes"] = []string{
		"0x0100000000000000000000000000000000000000000000000000000000000001",
		"0x01000000000000000000000000000000000000000000000000000000000000aa",
	}
	blobTx["maxFeePerBlobGas"] = "0x64"
	badBlobTx := dynTx(contractA.Hex(), []string{"0x"}, []string{"0x0186a0"}, []string{"0x00"})
	badBlobTx["blobVersionedHashes"] = []string{"0x0200000000000000000000000000000000000000000000000000000000000001"}
	badBlobTx["maxFeePerBlobGas"] = "0x64"
	alTx := dynTx(contractA.Hex(), []string{"0x", "0x01"}, []string{"0x0186a0"}, []string{"0x00"})
	alTx["accessLists"] = []any{
		[]any{},
		[]any{
			map[string]any{"address": contractA.Hex(), "storageKeys": []string{"0x0000000000000000000000000000000000000000000000000000000000000001"}},
			map[string]any{"address": eoaB.Hex(), "storageKeys": []string{}},
		},
	}
	setCodeTx := dynTx(authority.Hex(), []string{"0x"}, []string{"0x030d40"}, []string{"0x00", "0x05"})
	setCodeTx["authorizationList"] = []any{signAuth(1, 0, contractA), signAuth(7, 0, contractB)}
	bigData := "0x" + strings.Repeat("ab", 2000)
	return []goldenCase{
		{"transfers", allForks, baseEnv(), pre(nil), legacyTx(eoaB.Hex(),
			[]string{"0x", "0x0000ff"}, []string{"0x5208", "0x7530", "0x5207"}, []string{"0x00", "0x03e8", "0x0de0b6b3a7640000"})},
		{"transfersDynamicFee", allForks, baseEnv(), pre(nil), dynTx(eoaB.Hex(),
			[]string{"0x"}, []string{"0x5208"}, []string{"0x01"})},
		{"contractCalls", allForks, baseEnv(), pre(map[common.Address]acct{contractA: contract(codeA), contractB: contract(codeB)}),
			legacyTx(contractA.Hex(), []string{"0x", "0x112233"}, []string{"0x0f4240", "0xc350"}, []string{"0x00", "0x07"})},
		{"selfdestructNotNew", allForks, baseEnv(), pre(map[common.Address]acct{contractA: contract(codeSD)}),
			legacyTx(contractA.Hex(), []string{"0x"}, []string{"0x0186a0"}, []string{"0x00"})},
		{"accessList", allForks, baseEnv(), pre(map[common.Address]acct{contractA: contract(codeAL), eoaB: eoa("0x05")}), alTx},
		{"createTx", allForks, baseEnv(), pre(nil),
			legacyTx("", []string{"0x600a600c600039600a6000f3" + "5f5f55600160015500000000", "0xef"}, []string{"0x030d40", "0xd000"}, []string{"0x00", "0x01"})},
		{"blobs", allForks, blobEnv, pre(map[common.Address]acct{contractA: contract(codeBlob)}), blobTx},
		{"badBlobVersion", allForks, blobEnv, pre(map[common.Address]acct{contractA: contract(codeBlob)}), badBlobTx},
		{"calldataFloor", allForks, baseEnv(), pre(nil), legacyTx(eoaB.Hex(), []string{bigData}, []string{"0x011170", "0x01adb0"}, []string{"0x00"})},
		{"gasCap", allForks, baseEnv(), pre(nil), legacyTx(eoaB.Hex(), []string{"0x"}, []string{"0x01000001", "0x01000000"}, []string{"0x00"})},
		{"setCode", []string{"Prague", "Osaka"}, baseEnv(), pre(map[common.Address]acct{contractA: contract(codeBlob), contractB: contract(codeB), authority: eoa("0x01")}), setCodeTx},
	}
}

// gethException names a go-ethereum transaction error as the state tests do.
func gethException(err error) (string, error) {
	for _, c := range []struct {
		err  error
		name string
	}{
		{core.ErrIntrinsicGas, "INTRINSIC_GAS_TOO_LOW"},
		{core.ErrFloorDataGas, "INTRINSIC_GAS_BELOW_FLOOR_GAS_COST"},
		{core.ErrInsufficientFunds, "INSUFFICIENT_ACCOUNT_FUNDS"},
		{core.ErrGasLimitTooHigh, "GAS_LIMIT_EXCEEDS_MAXIMUM"},
		{core.ErrBlobFeeCapTooLow, "INSUFFICIENT_MAX_FEE_PER_BLOB_GAS"},
		{core.ErrNonceTooHigh, "NONCE_MISMATCH_TOO_HIGH"},
		{core.ErrFeeCapTooLow, "INSUFFICIENT_MAX_FEE_PER_GAS"},
	} {
		if errors.Is(err, c.err) {
			return "TransactionException." + c.name, nil
		}
	}
	if strings.Contains(err.Error(), "invalid hash version") {
		return "TransactionException.TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH", nil
	}
	return "", fmt.Errorf("no exception name for go-ethereum error %v", err)
}

// fill computes the post section of c with go-ethereum.
func fill(t *testing.T, c goldenCase) map[string]any {
	body := map[string]any{"env": c.env, "pre": c.pre, "transaction": c.tx}
	post := map[string][]map[string]any{}
	nData, nGas, nVal := len(c.tx["data"].([]string)), len(c.tx["gasLimit"].([]string)), len(c.tx["value"].([]string))
	for _, fork := range c.forks {
		for d := 0; d < nData; d++ {
			for g := 0; g < nGas; g++ {
				for v := 0; v < nVal; v++ {
					post[fork] = append(post[fork], map[string]any{
						"indexes": map[string]int{"data": d, "gas": g, "value": v},
						"hash":    "0x" + strings.Repeat("00", 32), "logs": "0x" + strings.Repeat("00", 32),
					})
				}
			}
		}
	}
	body["post"] = post
	raw, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var st gtests.StateTest
	if err := json.Unmarshal(raw, &st); err != nil {
		t.Fatalf("%s: go-ethereum cannot read the generated test: %v", c.name, err)
	}
	for _, fork := range c.forks {
		for i, p := range post[fork] {
			state, root, _, err := st.RunNoVerify(gtests.StateSubtest{Fork: fork, Index: i}, vm.Config{}, false, rawdb.HashScheme)
			if err != nil {
				name, nerr := gethException(err)
				if nerr != nil {
					t.Fatalf("%s %s/%d: %v", c.name, fork, i, nerr)
				}
				p["expectException"] = name
				cfg, _, _ := gtests.GetChainConfig(fork)
				root = state.StateDB.IntermediateRoot(cfg.Rules(big.NewInt(1), true, 1000))
			} else {
				enc, _ := rlp.EncodeToBytes(state.StateDB.Logs())
				p["logs"] = crypto.Keccak256Hash(enc).Hex()
			}
			p["hash"] = root.Hex()
			state.Close()
		}
	}
	return body
}

func TestGolden(t *testing.T) {
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, c := range goldenCases() {
			out, err := json.MarshalIndent(map[string]any{c.name: fill(t, c)}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(goldenDir, c.name+".json"), append(out, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	var results []Result
	counts, err := Run([]string{goldenDir}, &Options{Engine: evmEngine}, func(r Result) { results = append(results, r) })
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, c := range goldenCases() {
		n := len(c.tx["data"].([]string)) * len(c.tx["gasLimit"].([]string)) * len(c.tx["value"].([]string))
		want += n * len(c.forks)
	}
	for _, r := range results {
		if !r.Pass {
			t.Errorf("%s %s/%d: %s", r.Name, r.Fork, r.Index, r.Error)
		}
	}
	if counts.Passed != want {
		t.Fatalf("%d passed, %d failed; want %d passed", counts.Passed, counts.Failed, want)
	}
	// The golden set must exercise rejected transactions too.
	var rejected []string
	for _, r := range results {
		if r.GasUsed == 0 {
			rejected = append(rejected, r.Name)
		}
	}
	slices.Sort(rejected)
	if len(slices.Compact(rejected)) < 4 {
		t.Fatalf("golden tests reject transactions in only %v", rejected)
	}
}
