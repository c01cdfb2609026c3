package hybridvm

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/host"
)

// TestForkWarmCoinbase: a Runtime warms the coinbase at the start of a call from
// Shanghai (EIP-3651) only: BALANCE(COINBASE) costs 2600 in Paris, 100 later; and
// PUSH0 is an invalid opcode in Paris.
func TestForkWarmCoinbase(t *testing.T) {
	ctx := context.Background()
	probe := common.FromHex("0x41315000") // COINBASE BALANCE POP STOP
	for _, tc := range []struct {
		fork Fork
		gas  uint64
	}{{ForkParis, 2 + 2600 + 2}, {ForkShanghai, 2 + 100 + 2}, {ForkLatest, 2 + 100 + 2}} {
		rt, err := NewRuntime(ctx, Config{Fork: tc.fork, Block: host.TxContext{Coinbase: common.Address{0xcb}}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := rt.ExecuteCode(ctx, ExecMsg{From: common.Address{1}, As: common.Address{2}, Code: probe, Gas: 100_000})
		if err != nil || res.Status != StatusSuccess || res.GasUsed != tc.gas {
			t.Errorf("%v: %+v (%v), want %d gas", tc.fork, res, err, tc.gas)
		}
		res, err = rt.ExecuteCode(ctx, ExecMsg{From: common.Address{1}, As: common.Address{2}, Code: []byte{0x5f, 0x00}, Gas: 100_000})
		if err != nil || (res.Status == StatusSuccess) == (tc.fork == ForkParis) {
			t.Errorf("%v: PUSH0 gave %+v (%v)", tc.fork, res, err)
		}
		rt.Close(ctx)
	}
}
