package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
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

const runUsage = `usage: hybridvm run [flags] (--create --code HEX|@FILE | --to ADDR | --code HEX|@FILE [--as ADDR])
                    [--input HEX | --sig 'name(types)' ARGS...]

Runs one call or create against the embedded state and prints one JSON object:
status (success, revert or failure), output, gasUsed, refund, instructions (RISC-V
instructions retired), logs, address (creates) and error (why it reverted or failed).

  --create --code C   deploys initcode C (EVM initcode, RISC-V initcode, or a RISC-V
                      deploy ELF, which is wrapped into initcode); --input/--sig give the
                      constructor arguments (appended; --sig encodes them without a selector)
  --to ADDR           calls the contract at ADDR
  --code C [--as A]   runs code C without deploying it, in the context of account A
                      (default 0x...c0de); a RISC-V ELF is prefixed with 0xFF

Code is hex, or @FILE (raw bytes, or hex text). Flags come before the --sig arguments.
Exit status: 0 success, 1 revert or failure, 2 bad usage or input.
`

type runFlags struct {
	stateFile, engine, fork, code, to, as, from, value, input, sig string
	gas                                                            uint64
	create, trace, readOnly                                        bool
}

func runRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fset := flag.NewFlagSet("run", flag.ContinueOnError)
	fset.SetOutput(stderr)
	fset.Usage = func() { fmt.Fprint(stderr, runUsage, "\nflags:\n"); fset.PrintDefaults() }
	fset.StringVar(&f.stateFile, "state", "", "state file (genesis alloc JSON), loaded if present and saved after the run")
	fset.StringVar(&f.engine, "engine", machine.DefaultEngine().String(), "RISC-V engine: interp, jit or aot")
	fset.StringVar(&f.fork, "fork", host.LatestFork.String(), "fork: Cancun, Prague or Osaka")
	fset.Uint64Var(&f.gas, "gas", 30_000_000, "gas limit")
	fset.StringVar(&f.from, "from", defaultSender.Hex(), "caller address")
	fset.StringVar(&f.value, "value", "0", "value to transfer (decimal, or hex with 0x)")
	fset.BoolVar(&f.create, "create", false, "deploy --code as initcode")
	fset.StringVar(&f.code, "code", "", "code or initcode: HEX or @FILE")
	fset.StringVar(&f.to, "to", "", "address of the contract to call")
	fset.StringVar(&f.as, "as", "", "with --code: the account whose context the code runs in")
	fset.BoolVar(&f.readOnly, "readonly", false, "discard the run's state changes")
	fset.StringVar(&f.input, "input", "", "calldata (hex)")
	fset.StringVar(&f.sig, "sig", "", "Solidity signature to encode the remaining arguments with, e.g. 'transfer(address,uint256)'")
	fset.BoolVar(&f.trace, "trace", false, "trace to stderr: EIP-3155 JSON lines for EVM code, one line per instruction for RISC-V code")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	code, err := doRun(&f, fset.Args(), stdout, stderr)
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
	var db *state.State
	if f.stateFile != "" {
		db, err = state.LoadAllocFile(f.stateFile)
		if errors.Is(err, fs.ErrNotExist) {
			db, err = state.New(), nil
		}
		if err != nil {
			return 2, fmt.Errorf("--state: %w", err)
		}
	} else {
		db = state.New()
	}
	engine, err := hybridvm.ParseEngine(f.engine)
	if err != nil {
		return 2, fmt.Errorf("--engine: %w", err)
	}
	fork, err := hybridvm.ParseFork(f.fork)
	if err != nil {
		return 2, fmt.Errorf("--fork: %w", err)
	}
	cfg := hybridvm.Config{Engine: engine, Fork: fork, State: db}
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
	if err := writeRunResult(stdout, res, f.create); err != nil {
		return 1, err
	}
	if f.stateFile != "" && !f.readOnly {
		if err := db.SaveAllocFile(f.stateFile); err != nil {
			return 1, fmt.Errorf("saving --state: %w", err)
		}
	}
	if res.Status != hybridvm.StatusSuccess {
		return 1, nil
	}
	return 0, nil
}

type runRequest struct {
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
		if req.code, err = readCodeArg(f.code); err != nil {
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
		if req.input, err = hexutil.Decode(with0x(f.input)); err != nil {
			return nil, fmt.Errorf("--input: %w", err)
		}
	case f.sig != "":
		if req.input, err = encodeCall(f.sig, sigArgs, !f.create); err != nil {
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

// maxCodeFile bounds --code files (RISC-V initcode may be up to 512 KiB).
const maxCodeFile = 16 << 20

// readCodeArg reads HEX or @FILE; a file holds raw bytes or hex text.
func readCodeArg(s string) ([]byte, error) {
	if !strings.HasPrefix(s, "@") {
		return hexutil.Decode(with0x(strings.TrimSpace(s)))
	}
	name := s[1:]
	fi, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxCodeFile {
		return nil, fmt.Errorf("%s: %d bytes is larger than %d", name, fi.Size(), maxCodeFile)
	}
	data, err := os.ReadFile(name)
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
	Error        string          `json:"error,omitempty"`
}

func writeRunResult(w io.Writer, res *hybridvm.Result, create bool) error {
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
	enc := json.NewEncoder(w)
	return enc.Encode(out)
}
