package evm

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/host"
)

// FuzzEVMvsGeth runs arbitrary code (and call data) on this package and on go-ethereum and
// requires the same outcome, on both of this package's loops. The contract's code is also
// installed at a second address and behind an EIP-7702 delegation so calls reach fuzzed code.
//
//	go test -run '^$' -fuzz FuzzEVMvsGeth -fuzztime 60s ./evm/
func FuzzEVMvsGeth(f *testing.F) {
	for i := 0; i < 24; i++ {
		g := newProgGen(int64(700+i), forks[i%3])
		g.maxLen = 200
		if i%2 == 1 {
			g.nested = true
			g.addrs = []host.Address{testOther1, testDelegated, testContract}
		}
		f.Add(byte(i%3), g.program(), []byte{1, 2, 3})
	}
	for _, code := range [][]byte{
		{0x61, 0xab},                      // truncated push
		asm(p(0x5b), p(1), JUMP),          // jump into push data
		asm(p(minInt), MLOAD),             // huge offset
		asm(JUMPDEST, PUSH0, PUSH0, JUMP), // stack-growing loop
		asm(PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, p(testOther1.Big()), GAS, CALL), // recursion
	} {
		f.Add(byte(2), code, []byte(nil))
	}
	f.Fuzz(func(t *testing.T, forkSel byte, code []byte, input []byte) {
		if len(code) > 4096 || len(input) > 1024 {
			return
		}
		fork := forks[int(forkSel)%len(forks)]
		sc := &scenario{
			fork: fork, origin: testOrigin, target: testContract, input: input,
			gas: 150_000, tx: defaultTx(newProgGen(1, fork).r),
			accounts: map[host.Address]scenarioAccount{
				testOrigin:    {balance: 1 << 40},
				testContract:  {balance: 1000, nonce: 1, code: code, storage: map[host.Hash]host.Hash{{31: 1}: {31: 1}}},
				testOther1:    {balance: 10, nonce: 1, code: code},
				testDelegated: {nonce: 1, code: host.DelegationDesignator(testOther1)},
			},
		}
		if d := diffScenario(sc); len(d) > 0 {
			t.Fatalf("%d differences:\n  %s\n%s", len(d), strings.Join(d, "\n  "), describe(sc))
		}
	})
}
