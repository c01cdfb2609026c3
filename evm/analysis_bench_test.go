package evm

import (
	"bytes"
	"encoding/hex"
	"os"
	"testing"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// BenchmarkAnalyse measures code analysis (done once per code hash, and for every create's
// initcode) in MB/s of bytecode: a compiled contract, and the worst case for the analysis,
// code made only of JUMPDESTs.
func BenchmarkAnalyse(b *testing.B) {
	file := testtools.NeedData(b, "evm-benchmarks/benchmarks/main/snailtracer.json")
	data, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	i := bytes.Index(data, []byte(`"code" : "0x60`))
	if i < 0 {
		b.Fatalf("%s: no code found", file)
	}
	end := bytes.IndexByte(data[i+12:], '"')
	snail, err := hex.DecodeString(string(data[i+14 : i+12+end]))
	if err != nil {
		b.Fatal(err)
	}
	jumpdests := bytes.Repeat([]byte{byte(JUMPDEST)}, 24576)
	for _, c := range []struct {
		name string
		code []byte
	}{{"snailtracer", snail}, {"24KiB-of-JUMPDEST", jumpdests}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.code)))
			for b.Loop() {
				analyse(c.code, tables()[host.Osaka])
			}
		})
	}
}
