// Package evmbench runs the standard EVM benchmark programs (ipsilon/evm-benchmarks, in
// state-test layout) on hybridvm's EVM and on go-ethereum's core/vm in the same process,
// checks that both produce the expected result, and gives a Runner per engine to time.
// It backs the `go test -bench` benchmarks of package evm and the evm suite of
// `hybridvm bench` (bench/harness).
//
// As part of the benchmark harness it may import anything; it uses go-ethereum's state,
// core and vm packages as the reference and as the state both engines run against.
package evmbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
)

// DataDir is where the benchmark files are in the external test data (see
// internal/testtools.DataRoot and scripts/fetch-testdata.sh).
const DataDir = "evm-benchmarks/benchmarks"

// Case is one benchmark: a transaction against a pre-state, and the post-state root it must
// produce.
type Case struct {
	Name     string // group/file[index]
	Pre      map[common.Address]Account
	Env      Env
	Sender   common.Address
	To       common.Address
	Data     []byte
	GasLimit uint64
	GasPrice *uint256.Int
	Value    *uint256.Int
	Nonce    uint64
	WantRoot common.Hash // expected post-state root (the file's post.<fork>[i].hash)
	WantLogs common.Hash // expected logs hash
}

// Account is a pre-state account.
type Account struct {
	Balance *uint256.Int
	Nonce   uint64
	Code    []byte
	Storage map[common.Hash]common.Hash
}

// Env is the block context of a case.
type Env struct {
	Coinbase   common.Address
	Number     uint64
	Timestamp  uint64
	GasLimit   uint64
	BaseFee    *uint256.Int
	Difficulty *big.Int
	Random     common.Hash
}

type jsonAccount struct {
	Balance string            `json:"balance"`
	Code    string            `json:"code"`
	Nonce   string            `json:"nonce"`
	Storage map[string]string `json:"storage"`
}

type jsonTest struct {
	Env struct {
		Coinbase   string `json:"currentCoinbase"`
		Number     string `json:"currentNumber"`
		Timestamp  string `json:"currentTimestamp"`
		GasLimit   string `json:"currentGasLimit"`
		BaseFee    string `json:"currentBaseFee"`
		Difficulty string `json:"currentDifficulty"`
		Random     string `json:"currentRandom"`
	} `json:"env"`
	Pre         map[string]jsonAccount `json:"pre"`
	Transaction struct {
		Data     []string `json:"data"`
		GasLimit []string `json:"gasLimit"`
		GasPrice string   `json:"gasPrice"`
		Nonce    string   `json:"nonce"`
		Sender   string   `json:"sender"`
		To       string   `json:"to"`
		Value    []string `json:"value"`
	} `json:"transaction"`
	Post map[string][]struct {
		Hash    string `json:"hash"`
		Logs    string `json:"logs"`
		Indexes struct {
			Data, Gas, Value int
		} `json:"indexes"`
	} `json:"post"`
}

// Load reads every benchmark of dir/main and dir/micro. It fails when the directory is
// missing or a file is malformed, naming the file.
func Load(dir string) ([]*Case, error) {
	var cases []*Case
	for _, group := range []string{"main", "micro"} {
		files, err := filepath.Glob(filepath.Join(dir, group, "*.json"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no benchmark files in %s (is the test data present? see scripts/fetch-testdata.sh)", filepath.Join(dir, group))
		}
		sort.Strings(files)
		for _, file := range files {
			cs, err := loadFile(group, file)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			cases = append(cases, cs...)
		}
	}
	return cases, nil
}

func loadFile(group, file string) ([]*Case, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var tests map[string]jsonTest
	if err := json.Unmarshal(raw, &tests); err != nil {
		return nil, err
	}
	var cases []*Case
	names := make([]string, 0, len(tests))
	for n := range tests {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t := tests[name]
		p := &parser{}
		pre := map[common.Address]Account{}
		for a, acc := range t.Pre {
			st := map[common.Hash]common.Hash{}
			for k, v := range acc.Storage {
				st[common.BigToHash(p.big(k))] = common.BigToHash(p.big(v))
			}
			pre[common.HexToAddress(a)] = Account{Balance: p.u256(acc.Balance), Nonce: p.u64(acc.Nonce), Code: p.bytes(acc.Code), Storage: st}
		}
		env := Env{
			Coinbase: common.HexToAddress(t.Env.Coinbase), Number: p.u64(t.Env.Number),
			Timestamp: p.u64(t.Env.Timestamp), GasLimit: p.u64(t.Env.GasLimit),
			BaseFee: p.u256(t.Env.BaseFee), Difficulty: p.big(t.Env.Difficulty),
			Random: common.HexToHash(t.Env.Random),
		}
		tx := t.Transaction
		sender := common.HexToAddress(tx.Sender)
		if tx.Sender == "" {
			return nil, fmt.Errorf("test %s: transaction has no sender", name)
		}
		forks := make([]string, 0, len(t.Post))
		for f := range t.Post {
			forks = append(forks, f)
		}
		if len(forks) != 1 {
			return nil, fmt.Errorf("test %s: want exactly one fork in post, have %v", name, forks)
		}
		for i, post := range t.Post[forks[0]] {
			ix := post.Indexes
			if ix.Data >= len(tx.Data) || ix.Gas >= len(tx.GasLimit) || ix.Value >= len(tx.Value) {
				return nil, fmt.Errorf("test %s: post %d indexes out of range", name, i)
			}
			label := fmt.Sprintf("%s/%s", group, strings.TrimSuffix(filepath.Base(file), ".json"))
			if len(t.Post[forks[0]]) > 1 {
				label += fmt.Sprintf("[%d]", i)
			}
			c := &Case{
				Name: label, Pre: pre, Env: env, Sender: sender, To: common.HexToAddress(tx.To),
				Data: p.bytes(tx.Data[ix.Data]), GasLimit: p.u64(tx.GasLimit[ix.Gas]),
				GasPrice: p.u256(tx.GasPrice), Value: p.u256(tx.Value[ix.Value]), Nonce: p.u64(tx.Nonce),
				WantRoot: common.HexToHash(post.Hash), WantLogs: common.HexToHash(post.Logs),
			}
			if p.err != nil {
				return nil, fmt.Errorf("test %s: %w", name, p.err)
			}
			cases = append(cases, c)
		}
	}
	return cases, nil
}

// parser converts the files' hex fields, remembering the first error.
type parser struct{ err error }

func (p *parser) big(s string) *big.Int {
	v, ok := new(big.Int).SetString(strings.TrimPrefix(s, "0x"), 16)
	if !ok {
		p.fail(fmt.Errorf("bad number %q", s))
		return new(big.Int)
	}
	return v
}

func (p *parser) u256(s string) *uint256.Int {
	v, overflow := uint256.FromBig(p.big(s))
	if overflow {
		p.fail(fmt.Errorf("number %q exceeds 256 bits", s))
	}
	return v
}

func (p *parser) u64(s string) uint64 {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		p.fail(fmt.Errorf("bad uint64 %q", s))
	}
	return v
}

func (p *parser) bytes(s string) []byte {
	if s == "" || s == "0x" {
		return nil
	}
	b, err := hexutil.Decode(s)
	if err != nil {
		p.fail(fmt.Errorf("bad hex %.20q: %w", s, err))
	}
	return b
}

func (p *parser) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

var errNoCalls = errors.New("evmbench: nested calls are not supported by the benchmark host")

// blockHash is the block hash function both engines see (go-ethereum's test convention).
func blockHash(n uint64) common.Hash {
	return crypto.Keccak256Hash([]byte(new(big.Int).SetUint64(n).String()))
}
