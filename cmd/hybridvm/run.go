package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/state"
)

func init() {
	register(command{
		name:    "run",
		summary: "run one call or create (RISC-V or EVM) against the embedded state",
		run:     runRun,
	})
}

// defaultSender is the caller when --from is not given.
var defaultSender = common.HexToAddress("0x00000000000000000000000000000000000a11ce")

// defaultCodeAccount is the account whose context --code runs in without --as.
var defaultCodeAccount = common.HexToAddress("0x000000000000000000000000000000000000c0de")

const runUsage = `usage: hybridvm run [flags] (--create --code C | --to ADDR | --code C [--as ADDR])
                    [--input HEX|@FILE | --sig 'name(types)[(types)]' ARGS...]

Runs one call or create against the embedded state and prints one JSON object:
status (success, revert or failure), output, gasUsed, refund, instructions (RISC-V
instructions retired), logs, address (creates), decoded (with return types in --sig)
and error (why it reverted or failed).

  --create --code C   deploys initcode C (EVM initcode, RISC-V initcode, or a RISC-V
                      deploy ELF, which is wrapped into initcode); --input/--sig give the
                      constructor arguments (appended; --sig encodes them without a selector)
  --to ADDR           calls the contract at ADDR
  --code C [--as A]   runs code C without deploying it, in the context of account A
                      (default 0x...c0de); a RISC-V ELF is prefixed with 0xFF

Code is hex, or @FILE (raw bytes, or hex text; at most 16 MiB); so is --input.

--sig 'f(uint256,address)' encodes ARGS (flags may come before or after them; a
negative number is an argument, "--" ends the flags). uint and int mean uint256 and
int256. Return types, as in 'balanceOf(address)(uint256)', decode the output into
"decoded" (integers as decimal strings, addresses checksummed, bytes as hex, arrays
and tuples as JSON arrays); "output" stays hex. Revert data is decoded into "error":
Error(string), Panic(uint256), or a custom error that --abi FILE declares (a Solidity
JSON ABI, or a compiler artifact with an "abi" field).

State: --state FILE is loaded if present and saved after a successful call (not after
a revert or failure, nor with --readonly); --prestate FILE is only read. Either holds
a bare alloc (go-ethereum's genesis "alloc" layout) or a whole go-ethereum genesis
file, which is saved back as a genesis file with only its alloc replaced. The save is
atomic: it writes .FILE.hybridvm-tmp-* next to the file (through a symbolic link, to
its target), keeps the file's mode, and renames it into place; such temporary files
left by an interrupted save are removed at start. --dump prints the state after the
call (alloc JSON) after the result.

Block context: a genesis file gives number, timestamp, gasLimit, baseFeePerGas,
coinbase, config.chainId, and prevrandao (mixHash, or difficulty when mixHash is
zero); --number, --timestamp, --basefee, --coinbase, --chainid and --prevrandao
override them. A zero number, timestamp, gas limit or chain id gets the default
(block 1, timestamp 1700000000, gas limit 30000000, chain id 1).

Exit status: 0 success, 1 revert or failure, 2 bad usage or input.

flags:
`

type runFlags struct {
	stateFile, prestate, engine, fork, code, to, as, from, value, input, sig, abiFile string
	cacheDir                                                                          string
	number, timestamp, basefee, coinbase, chainID, prevrandao                         string
	gas                                                                               uint64
	cacheLimit                                                                        byteSize
	create, trace, readOnly, dump                                                     bool
}

func runRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fset := newFlagSet("run", stderr)
	fset.StringVar(&f.stateFile, "state", "", "state `FILE` (alloc or genesis JSON), loaded if present and saved after a successful call")
	fset.StringVar(&f.prestate, "prestate", "", "state `FILE` (alloc or genesis JSON) to run against, never written")
	fset.BoolVar(&f.dump, "dump", false, "print the state after the call (alloc JSON) after the result")
	fset.StringVar(&f.engine, "engine", machine.DefaultEngine().String(), "RISC-V engine: interp, jit, aot or tiered")
	fset.StringVar(&f.cacheDir, "cache-dir", "", "keep native code in `DIR`: the called RISC-V code is compiled whole ahead of the call, or loaded from DIR if an earlier run compiled it")
	cacheLimitFlag(fset, &f.cacheLimit)
	fset.StringVar(&f.fork, "fork", host.LatestFork.String(), "fork: Paris, Shanghai, Cancun, Prague or Osaka")
	fset.Uint64Var(&f.gas, "gas", 30_000_000, "gas limit")
	fset.StringVar(&f.from, "from", defaultSender.Hex(), "caller address")
	fset.StringVar(&f.value, "value", "0", "value to transfer (decimal, or hex with 0x)")
	fset.BoolVar(&f.create, "create", false, "deploy --code as initcode")
	fset.StringVar(&f.code, "code", "", "code or initcode: HEX or @FILE")
	fset.StringVar(&f.to, "to", "", "address of the contract to call")
	fset.StringVar(&f.as, "as", "", "with --code: the account whose context the code runs in")
	fset.BoolVar(&f.readOnly, "readonly", false, "discard the run's state changes")
	fset.StringVar(&f.input, "input", "", "calldata: HEX or @FILE")
	fset.StringVar(&f.sig, "sig", "", "Solidity signature to encode the arguments with, and optionally return types to decode the output with, e.g. 'balanceOf(address)(uint256)'")
	fset.StringVar(&f.abiFile, "abi", "", "Solidity JSON ABI `FILE` whose custom errors decode revert data")
	fset.StringVar(&f.number, "number", "", "block number")
	fset.StringVar(&f.timestamp, "timestamp", "", "block timestamp")
	fset.StringVar(&f.basefee, "basefee", "", "block base fee (decimal, or hex with 0x)")
	fset.StringVar(&f.coinbase, "coinbase", "", "block coinbase address")
	fset.StringVar(&f.chainID, "chainid", "", "chain id")
	fset.StringVar(&f.prevrandao, "prevrandao", "", "PREVRANDAO value (32-byte hex)")
	fset.BoolVar(&f.trace, "trace", false, "trace to stderr: EIP-3155 JSON lines for EVM code, one line per instruction for RISC-V code")
	sigArgs, status, ok := parseCommandLine(fset, args, runUsage, stdout, stderr)
	if !ok {
		return status
	}
	code, err := doRun(&f, sigArgs, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm run:", err)
	}
	return code
}

func doRun(f *runFlags, sigArgs []string, stdout, stderr io.Writer) (int, error) {
	req, err := parseRunRequest(f, sigArgs)
	if err != nil {
		return 2, err
	}
	var contractABI *abi.ABI
	if f.abiFile != "" {
		if contractABI, err = loadABI(f.abiFile); err != nil {
			return 2, fmt.Errorf("--abi: %w", err)
		}
	}
	var (
		db *state.State
		sf *stateFile
	)
	switch {
	case f.stateFile != "" && f.prestate != "":
		return 2, errors.New("--state and --prestate exclude each other")
	case f.stateFile != "":
		if db, sf, err = loadStateFile(f.stateFile, false); err != nil {
			return 2, fmt.Errorf("--state: %w", err)
		}
	case f.prestate != "":
		if db, sf, err = loadStateFile(f.prestate, true); err != nil {
			return 2, fmt.Errorf("--prestate: %w", err)
		}
	default:
		db = state.New()
	}
	var block host.TxContext
	if sf != nil {
		block = sf.block
	}
	if err := blockFlags(f, &block); err != nil {
		return 2, err
	}
	engine, err := hybridvm.ParseEngine(f.engine)
	if err != nil {
		return 2, fmt.Errorf("--engine: %w", err)
	}
	fork, err := hybridvm.ParseFork(f.fork)
	if err != nil {
		return 2, fmt.Errorf("--fork: %w", err)
	}
	cfg := hybridvm.Config{Engine: engine, Fork: fork, State: db, Block: block, BlockHash: cliBlockHash}
	if f.cacheDir != "" {
		cache, err := hybridvm.NewCodeCacheWithDir(f.cacheDir, 0)
		if err != nil {
			return 2, fmt.Errorf("--cache-dir: %w", err)
		}
		cache.SetWarnings(stderr)
		cache.SetDirLimit(int64(f.cacheLimit))
		defer cache.Close()
		cfg.Cache = cache
	}
	var evmTracer *evm.JSONTracer
	if f.trace {
		evmTracer = evm.NewJSONTracer(stderr)
		cfg.EVMTracer = evmTracer
		tr := newInsnTracer(stderr)
		cfg.RISCVTracer = func(msg *host.Message) machine.Tracer { return tr.at(msg.Depth) }
	}
	ctx := context.Background()
	rt, err := hybridvm.NewRuntime(ctx, cfg)
	if err != nil {
		return 2, err
	}
	defer rt.Close(ctx)

	if f.cacheDir != "" && engine != hybridvm.EngineInterp && !f.create {
		precompile(ctx, rt, db, req)
	}
	var res *hybridvm.Result
	switch {
	case f.create:
		res, err = rt.Create(ctx, hybridvm.CreateMsg{From: req.from, Initcode: req.code, Value: req.value, Gas: f.gas})
	case f.to != "":
		res, err = rt.Call(ctx, hybridvm.CallMsg{From: req.from, To: req.to, Input: req.input, Value: req.value, Gas: f.gas, ReadOnly: f.readOnly})
	default:
		res, err = rt.ExecuteCode(ctx, hybridvm.ExecMsg{From: req.from, As: req.as, Code: req.code, Input: req.input, Value: req.value, Gas: f.gas, ReadOnly: f.readOnly})
	}
	if err != nil {
		return 2, err
	}
	if err := writeRunResult(stdout, res, f.create, req.sig, contractABI); err != nil {
		return 1, err
	}
	if f.dump {
		if err := db.WriteAlloc(stdout); err != nil {
			return 1, err
		}
	}
	if res.Status != hybridvm.StatusSuccess {
		return 1, nil // nothing changed: the file is left as it is
	}
	if f.stateFile != "" && !f.readOnly {
		if err := sf.save(db); err != nil {
			return 1, fmt.Errorf("saving --state: %w", err)
		}
	}
	return 0, nil
}

type runRequest struct {
	sig          *signature // nil without --sig
	from, to, as common.Address
	value        *uint256.Int
	code, input  []byte
}

func parseRunRequest(f *runFlags, sigArgs []string) (*runRequest, error) {
	req := &runRequest{as: defaultCodeAccount}
	var err error
	if req.from, err = parseAddress("--from", f.from); err != nil {
		return nil, err
	}
	v, ok := new(big.Int).SetString(f.value, 0)
	if !ok || v.Sign() < 0 || v.BitLen() > 256 {
		return nil, fmt.Errorf("--value %q: want a non-negative 256-bit integer", f.value)
	}
	req.value, _ = uint256.FromBig(v)

	modes := 0
	if f.create {
		modes++
	}
	if f.to != "" {
		modes++
	}
	if modes != 1 && !(modes == 0 && f.code != "") {
		return nil, errors.New("give exactly one of --create --code C, --to ADDR, or --code C (see -h)")
	}
	if f.create || f.to == "" {
		if f.code == "" {
			return nil, errors.New("--code is required")
		}
		if req.code, err = readBytesArg(f.code); err != nil {
			return nil, fmt.Errorf("--code: %w", err)
		}
	} else if f.code != "" {
		return nil, errors.New("--to and --code exclude each other (use --code with --as to run code in an account's context)")
	}
	if f.to != "" {
		if req.to, err = parseAddress("--to", f.to); err != nil {
			return nil, err
		}
	}
	if f.as != "" {
		if f.create || f.to != "" {
			return nil, errors.New("--as only goes with --code (without --create)")
		}
		if req.as, err = parseAddress("--as", f.as); err != nil {
			return nil, err
		}
	}
	if f.readOnly && f.create {
		return nil, errors.New("--readonly does not apply to --create")
	}

	switch {
	case f.input != "" && f.sig != "":
		return nil, errors.New("--input and --sig exclude each other")
	case f.input != "":
		if len(sigArgs) > 0 {
			return nil, fmt.Errorf("unexpected arguments %q (they only go with --sig)", sigArgs)
		}
		if req.input, err = readBytesArg(f.input); err != nil {
			return nil, fmt.Errorf("--input: %w", err)
		}
	case f.sig != "":
		if req.sig, err = parseSignature(f.sig); err != nil {
			return nil, err
		}
		if req.input, err = encodeCall(req.sig, sigArgs, !f.create); err != nil {
			return nil, err
		}
	default:
		if len(sigArgs) > 0 {
			return nil, fmt.Errorf("unexpected arguments %q (they only go with --sig)", sigArgs)
		}
	}
	if len(req.input) > guest.MaxCalldata*64 {
		return nil, fmt.Errorf("calldata of %d bytes is too large", len(req.input))
	}

	if bytes.HasPrefix(req.code, []byte("\x7fELF")) {
		// A bare RISC-V ELF: a deploy ELF becomes initcode, runtime code gets its prefix.
		if f.create {
			req.code = guest.EncodeInitcode(req.code, req.input)
			req.input = nil
		} else {
			req.code = append([]byte{guest.CodePrefix}, req.code...)
		}
	}
	if f.create {
		req.code = append(req.code, req.input...) // constructor arguments follow the initcode
		req.input = nil
	}
	return req, nil
}

func parseAddress(flag, s string) (common.Address, error) {
	if !common.IsHexAddress(s) {
		return common.Address{}, fmt.Errorf("%s %q: not a 20-byte hex address", flag, s)
	}
	return common.HexToAddress(s), nil
}

// readBytesArg reads HEX or @FILE; a file holds raw bytes or hex text.
func readBytesArg(s string) ([]byte, error) {
	name, ok := strings.CutPrefix(s, "@")
	if !ok {
		return hexutil.Decode(with0x(strings.TrimSpace(s)))
	}
	data, err := readFileLimited(name, maxCodeFile)
	if err != nil {
		return nil, err
	}
	if t := strings.TrimSpace(string(data)); looksHex(t) {
		return hexutil.Decode(with0x(t))
	}
	return data, nil
}

func looksHex(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if s == "" || len(s)%2 != 0 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

type jsonLog struct {
	Address common.Address `json:"address"`
	Topics  []common.Hash  `json:"topics"`
	Data    hexutil.Bytes  `json:"data"`
}

type jsonResult struct {
	Status       string          `json:"status"`
	Output       hexutil.Bytes   `json:"output"`
	GasUsed      uint64          `json:"gasUsed"`
	Refund       uint64          `json:"refund"`
	Instructions uint64          `json:"instructions"`
	Logs         []jsonLog       `json:"logs"`
	Address      *common.Address `json:"address,omitempty"`
	Decoded      []any           `json:"decoded,omitempty"`
	DecodeError  string          `json:"decodeError,omitempty"`
	Error        string          `json:"error,omitempty"`
}

// writeRunResult prints the result; with --sig return types a successful call's output
// is decoded too, and revert data is decoded into the error when it can be.
func writeRunResult(w io.Writer, res *hybridvm.Result, create bool, sig *signature, contract *abi.ABI) error {
	out := jsonResult{
		Status:       res.Status.String(),
		Output:       res.Output,
		GasUsed:      res.GasUsed,
		Refund:       res.Refund,
		Instructions: res.Instructions,
		Logs:         []jsonLog{},
	}
	if out.Output == nil {
		out.Output = hexutil.Bytes{}
	}
	for _, l := range res.Logs {
		out.Logs = append(out.Logs, jsonLog{Address: l.Address, Topics: l.Topics, Data: l.Data})
	}
	if create && res.Status == hybridvm.StatusSuccess {
		a := res.Address
		out.Address = &a
	}
	if res.Err != nil {
		out.Error = res.Err.Error()
	}
	switch {
	case res.Status == hybridvm.StatusSuccess && sig != nil && sig.returns && !create:
		vals, err := decodeValues(sig.outputs, res.Output)
		if err != nil {
			out.DecodeError = err.Error()
		} else {
			out.Decoded = vals
		}
	case res.Status == hybridvm.StatusRevert:
		if d := decodeRevert(res.Output, contract); d != "" {
			out.Error += ": " + d
		}
	}
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}

// cliBlockHash is BLOCKHASH on the command line, which has no chain: the keccak256 of
// the block number in decimal, as go-ethereum's `evm` tool answers (so traces compare).
func cliBlockHash(n uint64) common.Hash {
	return crypto.Keccak256Hash([]byte(new(big.Int).SetUint64(n).String()))
}

// precompile compiles the RISC-V code the call runs (--to's code, or --code) ahead of
// it, for --cache-dir: from the directory if an earlier run wrote it, else translated
// whole and written there. Code that is not RISC-V, or not valid, is left to the call
// itself to run or report.
func precompile(ctx context.Context, rt *hybridvm.Runtime, db *state.State, req *runRequest) {
	code := req.code
	if code == nil {
		code = db.GetCode(req.to)
	}
	if !guest.IsRISCV(code) {
		return
	}
	if cc, err := rt.CompileCode(ctx, code); err == nil {
		cc.Close()
	}
}
