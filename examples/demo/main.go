// Command demo deploys the example ERC20 contract (C, compiled to RV64IMAC) into an
// embedded in-memory state and runs a token's life through the hybridvm library API:
// mint, transfer, approve, transferFrom, balance reads, and a transfer that reverts with
// a custom error. Every call prints its status, output, gas used, RISC-V instructions
// retired and logs.
//
//	go run ./examples/demo [-engine interp|jit|aot|tiered] [-initcode examples/erc20/erc20.initcode]
package main

import (
	"context"
	"flag"
	"fmt"
	"math/big"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm"
)

const tokenABI = `[
{"type":"function","name":"mint","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],"outputs":[]},
{"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],"outputs":[{"type":"bool"}]},
{"type":"function","name":"approve","inputs":[{"name":"spender","type":"address"},{"name":"amount","type":"uint256"}],"outputs":[{"type":"bool"}]},
{"type":"function","name":"transferFrom","inputs":[{"name":"from","type":"address"},{"name":"to","type":"address"},{"name":"amount","type":"uint256"}],"outputs":[{"type":"bool"}]},
{"type":"function","name":"balanceOf","inputs":[{"name":"owner","type":"address"}],"outputs":[{"type":"uint256"}]},
{"type":"function","name":"allowance","inputs":[{"name":"owner","type":"address"},{"name":"spender","type":"address"}],"outputs":[{"type":"uint256"}]},
{"type":"function","name":"totalSupply","inputs":[],"outputs":[{"type":"uint256"}]},
{"type":"function","name":"name","inputs":[],"outputs":[{"type":"string"}]},
{"type":"function","name":"symbol","inputs":[],"outputs":[{"type":"string"}]},
{"type":"function","name":"decimals","inputs":[],"outputs":[{"type":"uint8"}]},
{"type":"event","name":"Transfer","inputs":[{"name":"from","type":"address","indexed":true},{"name":"to","type":"address","indexed":true},{"name":"value","type":"uint256"}]},
{"type":"event","name":"OwnershipTransferred","inputs":[{"name":"previousOwner","type":"address","indexed":true},{"name":"newOwner","type":"address","indexed":true}]},
{"type":"event","name":"Approval","inputs":[{"name":"owner","type":"address","indexed":true},{"name":"spender","type":"address","indexed":true},{"name":"value","type":"uint256"}]},
{"type":"error","name":"ERC20InsufficientBalance","inputs":[{"name":"sender","type":"address"},{"name":"balance","type":"uint256"},{"name":"needed","type":"uint256"}]},
{"type":"error","name":"ERC20InsufficientAllowance","inputs":[{"name":"spender","type":"address"},{"name":"allowance","type":"uint256"},{"name":"needed","type":"uint256"}]}
]`

var (
	alice = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	bob   = common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	carol = common.HexToAddress("0x00000000000000000000000000000000000ca201")
	names = map[common.Address]string{alice: "alice", bob: "bob", carol: "carol"}
)

func main() {
	engineName := flag.String("engine", hybridvm.DefaultEngine().String(), "RISC-V engine: interp, jit, aot or tiered")
	initcodePath := flag.String("initcode", "examples/erc20/erc20.initcode", "the ERC20's RISC-V initcode")
	flag.Parse()
	if err := run(*engineName, *initcodePath); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(engineName, initcodePath string) error {
	engine, err := hybridvm.ParseEngine(engineName)
	if err != nil {
		return err
	}
	token, err := abi.JSON(strings.NewReader(tokenABI))
	if err != nil {
		return err
	}
	initcode, err := os.ReadFile(initcodePath)
	if err != nil {
		return fmt.Errorf("%w (run from the repository root)", err)
	}
	ctx := context.Background()
	rt, err := hybridvm.NewRuntime(ctx, hybridvm.Config{Engine: engine})
	if err != nil {
		return err
	}
	defer rt.Close(ctx)
	fmt.Printf("hybridvm demo: ERC20 written in C, RV64IMAC, engine %v\n\n", engine)

	res, err := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 10_000_000})
	if err != nil {
		return err
	}
	show("deploy (by alice)", res, nil, token)
	if res.Status != hybridvm.StatusSuccess {
		return fmt.Errorf("deploy failed: %v", res.Err)
	}
	tok := res.Address
	names[tok] = "token"
	fmt.Printf("  token address %s\n\n", tok.Hex())

	steps := []struct {
		from   common.Address
		method string
		args   []any
	}{
		{alice, "name", nil},
		{alice, "symbol", nil},
		{alice, "decimals", nil},
		{alice, "mint", []any{alice, big.NewInt(1_000_000)}},
		{alice, "transfer", []any{bob, big.NewInt(250_000)}},
		{alice, "approve", []any{bob, big.NewInt(100_000)}},
		{bob, "transferFrom", []any{alice, carol, big.NewInt(40_000)}},
		{alice, "allowance", []any{alice, bob}},
		{alice, "balanceOf", []any{alice}},
		{alice, "balanceOf", []any{bob}},
		{alice, "balanceOf", []any{carol}},
		{alice, "totalSupply", nil},
		{carol, "transfer", []any{bob, big.NewInt(50_000)}},          // more than carol has: reverts
		{bob, "transferFrom", []any{alice, bob, big.NewInt(70_000)}}, // more than allowed: reverts
	}
	for _, s := range steps {
		input, err := token.Pack(s.method, s.args...)
		if err != nil {
			return err
		}
		res, err := rt.Call(ctx, hybridvm.CallMsg{From: s.from, To: tok, Input: input, Gas: 1_000_000})
		if err != nil {
			return err
		}
		m := token.Methods[s.method]
		show(fmt.Sprintf("%s.%s(%s)", names[s.from], s.method, argString(s.args)), res, &m, token)
	}
	return nil
}

func argString(args []any) string {
	var parts []string
	for _, a := range args {
		if addr, ok := a.(common.Address); ok {
			parts = append(parts, names[addr])
		} else {
			parts = append(parts, fmt.Sprint(a))
		}
	}
	return strings.Join(parts, ", ")
}

// show prints a call's outcome, decoding its output, revert error and logs.
func show(what string, res *hybridvm.Result, m *abi.Method, token abi.ABI) {
	fmt.Printf("%-38s %-8s gas %-7d instructions %-6d", what, res.Status, res.GasUsed, res.Instructions)
	switch {
	case res.Status == hybridvm.StatusRevert:
		fmt.Printf(" reverted: %s", decodeError(res.Output, token))
	case res.Status != hybridvm.StatusSuccess:
		fmt.Printf(" failed: %v", res.Err)
	case m != nil && len(m.Outputs) > 0:
		if vals, err := m.Outputs.Unpack(res.Output); err == nil {
			fmt.Printf(" -> %v", vals...)
		} else {
			fmt.Printf(" -> 0x%x (%v)", res.Output, err)
		}
	}
	fmt.Println()
	for _, l := range res.Logs {
		fmt.Printf("    log %s\n", decodeLog(l, token))
	}
}

func decodeError(out []byte, token abi.ABI) string {
	if len(out) < 4 {
		return fmt.Sprintf("0x%x", out)
	}
	for name, e := range token.Errors {
		if string(e.ID[:4]) == string(out[:4]) {
			if vals, err := e.Inputs.Unpack(out[4:]); err == nil {
				return fmt.Sprintf("%s%v", name, vals)
			}
		}
	}
	return fmt.Sprintf("0x%x", out)
}

func decodeLog(l *hybridvm.Log, token abi.ABI) string {
	if len(l.Topics) == 0 {
		return fmt.Sprintf("anonymous 0x%x", l.Data)
	}
	for name, ev := range token.Events {
		if ev.ID != l.Topics[0] || len(l.Topics) != 3 {
			continue
		}
		vals, err := ev.Inputs.NonIndexed().Unpack(l.Data)
		if err != nil {
			break
		}
		from, to := common.BytesToAddress(l.Topics[1][:]), common.BytesToAddress(l.Topics[2][:])
		if len(vals) == 0 {
			return fmt.Sprintf("%s(%s, %s)", name, label(from), label(to))
		}
		return fmt.Sprintf("%s(%s, %s, %v)", name, label(from), label(to), vals[0])
	}
	return fmt.Sprintf("topics %v data 0x%x", l.Topics, l.Data)
}

func label(a common.Address) string {
	if n, ok := names[a]; ok {
		return n
	}
	if a == (common.Address{}) {
		return "0x0"
	}
	return a.Hex()
}
