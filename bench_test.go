package hybridvm

import (
	"context"
	"testing"
)

// BenchmarkERC20Transfer measures one ERC20 transfer call end to end through the public
// API, per engine: arena from the pool, calldata, the contract's dispatch, two SLOADs,
// two SSTOREs, a LOG, the transaction boundary of the embedded state.
func BenchmarkERC20Transfer(b *testing.B) {
	for _, e := range testEngines() {
		b.Run(e.String(), func(b *testing.B) {
			rt, _ := newTestRuntime(b, e)
			ctx := context.Background()
			res, err := rt.Create(ctx, CreateMsg{From: alice, Initcode: readFile(b, "examples", "erc20", "erc20.initcode"), Gas: 5_000_000})
			if err != nil || res.Status != StatusSuccess {
				b.Fatalf("deploy: %v %+v", err, res)
			}
			tok := res.Address
			mint := call("mint(address,uint256)", addrWord(alice).Bytes(), word(1<<60))
			if res, _ := rt.Call(ctx, CallMsg{From: alice, To: tok, Input: mint, Gas: 1_000_000}); res.Status != StatusSuccess {
				b.Fatalf("mint: %+v", res)
			}
			transfer := call("transfer(address,uint256)", addrWord(bob).Bytes(), word(1))
			var instr, gas uint64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				res, err := rt.Call(ctx, CallMsg{From: alice, To: tok, Input: transfer, Gas: 1_000_000})
				if err != nil || res.Status != StatusSuccess {
					b.Fatalf("transfer: %v %+v", err, res)
				}
				instr, gas = res.Instructions, res.GasUsed
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/call")
			b.ReportMetric(float64(instr), "instr/call")
			b.ReportMetric(float64(gas), "gas/call")
		})
	}
}

// BenchmarkHostileCreate measures the worst case for translation time per gas: a CREATE
// whose deploy code is 64k one-instruction blocks, each run once (bounds_test.go's jump
// chain), new code every iteration so nothing is cached. ns/gas is the host time per
// unit of gas paid; compare the engines with the interpreter's.
func BenchmarkHostileCreate(b *testing.B) {
	for _, e := range testEngines() {
		b.Run(e.String(), func(b *testing.B) {
			rt, _ := newTestRuntime(b, e)
			var gas uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				initcode := jumpChain(1<<16, int64(i)+1000*int64(e))
				b.StartTimer()
				res, err := rt.Create(context.Background(), CreateMsg{From: alice, Initcode: initcode, Gas: 1_000_000})
				if err != nil || res.Status != StatusSuccess {
					b.Fatalf("%v %+v", err, res)
				}
				gas += res.GasUsed
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(gas), "ns/gas")
		})
	}
}
