package host

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
)

// TestProtocolConstants pins the shared protocol constants to go-ethereum's, so the one
// definition every engine uses is the protocol's.
func TestProtocolConstants(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"GasBase", GasBase, vm.GasQuickStep},
		{"GasVeryLow", GasVeryLow, vm.GasFastestStep},
		{"GasLow", GasLow, vm.GasFastStep},
		{"GasMid", GasMid, vm.GasMidStep},
		{"GasHigh", GasHigh, vm.GasSlowStep},
		{"GasBlockhash", GasBlockhash, vm.GasExtStep},
		{"GasCopyWord", GasCopyWord, params.CopyGas},
		{"GasKeccak", GasKeccak, params.Keccak256Gas},
		{"GasKeccakWord", GasKeccakWord, params.Keccak256WordGas},
		{"GasLog", GasLog, params.LogGas},
		{"GasLogTopic", GasLogTopic, params.LogTopicGas},
		{"GasLogByte", GasLogByte, params.LogDataGas},
		{"GasWarmAccess", GasWarmAccess, params.WarmStorageReadCostEIP2929},
		{"GasColdAccount", GasColdAccount, params.ColdAccountAccessCostEIP2929},
		{"GasColdSload", GasColdSload, params.ColdSloadCostEIP2929},
		{"GasCreate", GasCreate, params.CreateGas},
		{"GasInitcodeWord", GasInitcodeWord, params.InitCodeWordGas},
		{"GasCallValue", GasCallValue, params.CallValueTransferGas},
		{"GasNewAccount", GasNewAccount, params.CallNewAccountGas},
		{"CallStipend", CallStipend, params.CallStipend},
		{"MaxCodeSize", MaxCodeSize, params.MaxCodeSize},
		{"MaxInitCodeSize", MaxInitCodeSize, params.MaxInitCodeSize},
		{"SstoreSet", SstoreSet, params.SstoreSetGasEIP2200},
		{"SstoreReset", SstoreReset, params.SstoreResetGasEIP2200 - params.ColdSloadCostEIP2929},
		{"SstoreClearRefund", SstoreClearRefund, params.SstoreClearsScheduleRefundEIP3529},
		{"SstoreSentry", SstoreSentry, params.SstoreSentryGasEIP2200},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, go-ethereum says %d", c.name, c.got, c.want)
		}
	}
}

// TestProtocolConstantsDefinedOnce: no other package of the module defines a constant
// with the value of the EIP-170 and EIP-3860 limits or the call stipend: they use
// host's.
func TestProtocolConstantsDefinedOnce(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	watched := map[string]string{"2300": "CallStipend", "24576": "MaxCodeSize", "49152": "MaxInitCodeSize"}
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || filepath.Dir(path) == filepath.Join(root, "host") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			gd, ok := n.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				return true
			}
			for _, spec := range gd.Specs {
				for _, v := range spec.(*ast.ValueSpec).Values {
					ast.Inspect(v, func(n ast.Node) bool {
						if lit, ok := n.(*ast.BasicLit); ok && watched[lit.Value] != "" {
							rel, _ := filepath.Rel(root, path)
							t.Errorf("%s defines a constant of %s: use host.%s", rel, lit.Value, watched[lit.Value])
						}
						return true
					})
				}
			}
			return false
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
