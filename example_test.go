package hybridvm_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm"
	"github.com/hybridvm/hybridvm/host"
)

// The counter example contract (examples/counter: C compiled to RV64IMAC) deployed and
// called through the library. The zero Config runs it on the best engine for the
// platform under the newest fork.
func Example() {
	ctx := context.Background()
	rt, err := hybridvm.NewRuntime(ctx, hybridvm.Config{})
	if err != nil {
		panic(err)
	}
	defer rt.Close(ctx)

	alice := common.HexToAddress("0xa11ce")
	initcode, err := os.ReadFile("examples/counter/counter.initcode")
	if err != nil {
		panic(err)
	}
	res, err := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 5_000_000})
	if err != nil {
		panic(err)
	}
	counter := res.Address
	fmt.Println("deployed:", res.Status, counter == crypto.CreateAddress(alice, 0))

	increment := crypto.Keccak256([]byte("increment()"))[:4]
	get := crypto.Keccak256([]byte("get()"))[:4]
	for i := 0; i < 2; i++ {
		if _, err := rt.Call(ctx, hybridvm.CallMsg{From: alice, To: counter, Input: increment, Gas: 100_000}); err != nil {
			panic(err)
		}
	}
	res, err = rt.Call(ctx, hybridvm.CallMsg{From: alice, To: counter, Input: get, Gas: 100_000})
	if err != nil {
		panic(err)
	}
	fmt.Println("get():", res.Status, common.BytesToHash(res.Output).Big())
	// Output:
	// deployed: success true
	// get(): success 2
}

// ExecuteCode runs code that was never deployed in the context of an existing account:
// here EVM bytecode that reads slot 0 of the counter deployed above, read-only.
func ExampleRuntime_ExecuteCode() {
	ctx := context.Background()
	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{})
	defer rt.Close(ctx)
	alice := common.HexToAddress("0xa11ce")
	initcode, _ := os.ReadFile("examples/counter/counter.initcode")
	res, _ := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 5_000_000})
	counter := res.Address
	rt.Call(ctx, hybridvm.CallMsg{From: alice, To: counter, Input: crypto.Keccak256([]byte("increment()"))[:4], Gas: 100_000})

	// PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN; then SSTORE(0, 99) would be
	// discarded anyway: ReadOnly drops every change.
	code := common.FromHex("0x60005460005260206000f3")
	res, _ = rt.ExecuteCode(ctx, hybridvm.ExecMsg{From: alice, As: counter, Code: code, Gas: 100_000, ReadOnly: true})
	fmt.Println(res.Status, common.BytesToHash(res.Output).Big())
	// Output:
	// success 1
}

// A Call that reverts reports the revert data; state changes are undone.
func ExampleRuntime_Call() {
	ctx := context.Background()
	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{})
	defer rt.Close(ctx)
	alice := common.HexToAddress("0xa11ce")
	initcode, _ := os.ReadFile("examples/erc20/erc20.initcode")
	res, _ := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 5_000_000})

	// transfer(bob, 1) with no balance: ERC20InsufficientBalance(alice, 0, 1).
	input := append(crypto.Keccak256([]byte("transfer(address,uint256)"))[:4],
		append(common.LeftPadBytes([]byte{0xb0, 0xb0}, 32), common.LeftPadBytes([]byte{1}, 32)...)...)
	res, _ = rt.Call(ctx, hybridvm.CallMsg{From: alice, To: res.Address, Input: input, Gas: 100_000})
	fmt.Println(res.Status, res.Err)
	fmt.Printf("%x\n", res.Output[:4])
	// Output:
	// revert execution reverted
	// e450d38c
}

// Create with a salt is a CREATE2: the address follows from the deployer, the salt and
// the initcode, so it is known before the deployment.
func ExampleRuntime_Create() {
	ctx := context.Background()
	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{})
	defer rt.Close(ctx)
	alice := common.HexToAddress("0xa11ce")
	initcode, _ := os.ReadFile("examples/counter/counter.initcode")
	salt := common.HexToHash("0x01")
	res, err := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Salt: &salt, Gas: 5_000_000})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Address == crypto.CreateAddress2(alice, salt, crypto.Keccak256(initcode)))
	// The same salt and initcode again collide with the existing contract.
	res, _ = rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Salt: &salt, Gas: 5_000_000})
	fmt.Println(res.Status, res.Err)
	// Output:
	// success true
	// failure contract address collision
}

// Config.Block sets the block context and Config.BlockHash answers BLOCKHASH for the
// 256 blocks before it, in EVM code and in RISC-V contracts alike.
func ExampleConfig() {
	ctx := context.Background()
	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{
		Block: host.TxContext{Number: 1000, Timestamp: 1_750_000_000},
		BlockHash: func(n uint64) hybridvm.Hash {
			var b [8]byte
			binary.BigEndian.PutUint64(b[:], n)
			return crypto.Keccak256Hash(b[:]) // a stand-in for the chain's hashes
		},
	})
	defer rt.Close(ctx)
	alice := common.HexToAddress("0xa11ce")
	blockhash := func(n byte) hybridvm.Hash {
		// PUSH2 n BLOCKHASH PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
		code := []byte{0x61, 0x03, n, 0x40, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3}
		res, _ := rt.ExecuteCode(ctx, hybridvm.ExecMsg{From: alice, As: alice, Code: code, Gas: 100_000})
		return hybridvm.Hash(res.Output)
	}
	fmt.Println(blockhash(0xe7) == crypto.Keccak256Hash([]byte{0, 0, 0, 0, 0, 0, 0x03, 0xe7})) // block 999
	fmt.Println(blockhash(0xe8) == hybridvm.Hash{})                                            // block 1000: the current one
	// Output:
	// true
	// true
}

// A call stopped by its context returns the context's error along with the failed
// Result; its state changes are discarded.
func ExampleRuntime_Call_cancelled() {
	ctx := context.Background()
	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{})
	defer rt.Close(ctx)
	alice := common.HexToAddress("0xa11ce")
	loop := []byte{0x5b, 0x60, 0x00, 0x56} // JUMPDEST PUSH1 0 JUMP

	ctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	res, err := rt.ExecuteCode(ctx, hybridvm.ExecMsg{From: alice, As: alice, Code: loop, Gas: hybridvm.MaxGas})
	fmt.Println(errors.Is(err, context.DeadlineExceeded), res.Status)
	// Output:
	// true failure
}

// Compiling a contract ahead of its first call, into a code cache that two runtimes
// share (as wazero's CompileModule and CompilationCache): the calls of both start
// warm. Closing the compiled code and the cache frees the native code.
func ExampleRuntime_CompileCode() {
	ctx := context.Background()
	cache := hybridvm.NewCodeCache(64 << 20) // at most 64 MiB of native code
	defer cache.Close()
	rt, err := hybridvm.NewRuntime(ctx, hybridvm.Config{Cache: cache})
	if err != nil {
		panic(err)
	}
	defer rt.Close(ctx)

	elf, err := os.ReadFile("examples/erc20/erc20.runtime.elf")
	if err != nil {
		panic(err)
	}
	code := append([]byte{0xFF}, elf...) // RISC-V contract code as deployed
	compiled, err := rt.CompileCode(ctx, code)
	if err != nil {
		panic(err)
	}
	defer compiled.Close()
	fmt.Println("code hash matches:", compiled.Hash() == crypto.Keccak256Hash(code))
	fmt.Println("programs cached:", cache.Stats().Programs)
	// Output:
	// code hash matches: true
	// programs cached: 1
}
