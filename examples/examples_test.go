package examples

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

var update = flag.Bool("update", false, "rewrite the *.mock.golden files from the current output")

// C sources that carry ABI constants: the examples, the hostile test contracts, the SDK.
func constantSources(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pat := range []string{"*/*.c", "*/*.h", "../testdata/riscv/contracts/*.c", "../sdk/c/hybridvm.h"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	return files
}

var (
	// 0xa9059cbbu /* transfer(address,uint256) */
	selectorComment = regexp.MustCompile(`0x([0-9a-fA-F]{8})u?\s*/\*\s*([A-Za-z_][A-Za-z0-9_]*\([^)]*\))\s*\*/`)
	// selector 0x4e487b71 = keccak256("Panic(uint256)")
	selectorInline = regexp.MustCompile(`0x([0-9a-fA-F]{8})\s*=\s*keccak256\("([^"]+)"\)`)
	// /* keccak256("Transfer(address,address,uint256)") */
	// #define TOPIC_TRANSFER HV_U256_BE(0x..u, 0x..u, 0x..u, 0x..u)
	topicDefine = regexp.MustCompile(`/\*\s*keccak256\("([^"]+)"\)\s*\*/\s*\n#define\s+\w+\s+HV_U256_BE\(0x([0-9a-f]{16})u?,\s*0x([0-9a-f]{16})u?,\s*0x([0-9a-f]{16})u?,\s*0x([0-9a-f]{16})u?\)`)
)

// Every selector, custom-error selector and event topic in the C code must be
// keccak256 of the signature written next to it (Solidity ABI spec: a function or
// error selector is the first 4 bytes, an event topic the whole hash).
func TestABIConstantsMatchKeccak(t *testing.T) {
	selectors, topics := 0, 0
	for _, f := range constantSources(t) {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range []*regexp.Regexp{selectorComment, selectorInline} {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				want := hex.EncodeToString(crypto.Keccak256([]byte(m[2]))[:4])
				if strings.ToLower(m[1]) != want {
					t.Errorf("%s: selector 0x%s for %s, keccak256 gives 0x%s", f, m[1], m[2], want)
				}
				selectors++
			}
		}
		for _, m := range topicDefine.FindAllStringSubmatch(string(src), -1) {
			got := m[2] + m[3] + m[4] + m[5]
			want := hex.EncodeToString(crypto.Keccak256([]byte(m[1])))
			if got != want {
				t.Errorf("%s: topic 0x%s for %s, keccak256 gives 0x%s", f, got, m[1], want)
			}
			topics++
		}
	}
	// Guard against the patterns silently matching nothing after an edit.
	if selectors < 30 || topics < 3 {
		t.Fatalf("found %d selectors and %d topics; want at least 30 and 3 (did the constant format change?)", selectors, topics)
	}
}

// requireTools ends the test unless the RISC-V toolchain, qemu and make are installed:
// a logged skip, or a failure under HYBRIDVM_REQUIRE_TOOLS=1 (see internal/testtools).
func requireTools(t *testing.T) {
	t.Helper()
	testtools.Need(t, "riscv64-unknown-elf-gcc", "qemu-riscv64-static", "make")
}

// buildMocks runs `make mock` in the examples and testdata/riscv directories once.
var mocksBuilt = map[string]error{}

func buildMocks(t *testing.T, dir string) {
	t.Helper()
	err, done := mocksBuilt[dir]
	if !done {
		cmd := exec.Command("make", "-s", "-C", dir, "mock")
		out, e := cmd.CombinedOutput()
		if e != nil {
			e = fmt.Errorf("make -C %s mock: %v\n%s", dir, e, out)
		}
		mocksBuilt[dir], err = e, e
	}
	if err != nil {
		t.Fatal(err)
	}
}

// runMock runs a contract's mock build with a script as its input.
func runMock(t *testing.T, dir, name, script string) string {
	t.Helper()
	buildMocks(t, dir)
	in, err := os.Open(script)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command("qemu-riscv64-static", filepath.Join(dir, ".bin", "mock", name+".elf"))
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	return string(out)
}

// Each contract's *.mock script, run through the mock host, must give exactly its
// golden output (reviewed by hand when written; -update rewrites it).
func TestMockScripts(t *testing.T) {
	requireTools(t)
	var scripts []string
	for _, pat := range []string{"*/*.mock", "../testdata/riscv/contracts/*.mock"} {
		m, _ := filepath.Glob(pat)
		scripts = append(scripts, m...)
	}
	if len(scripts) < 8 {
		t.Fatalf("found %d mock scripts, want at least 8", len(scripts))
	}
	for _, script := range scripts {
		dir := "."
		if strings.HasPrefix(script, "..") {
			dir = "../testdata/riscv"
		}
		name := strings.TrimSuffix(filepath.Base(script), ".mock")
		t.Run(name, func(t *testing.T) {
			got := runMock(t, dir, name, script)
			golden := script + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s: output differs from %s:\n%s", script, golden, lineDiff(string(want), got))
			}
		})
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("first difference at line %d:\nwant: %s\ngot:  %s", i+1, a, b)
		}
	}
	return "(no line differs)"
}

func word(v string) string { return fmt.Sprintf("%064s", v) }

func slotOf(key, slot string) string {
	k, _ := hex.DecodeString(word(key))
	s, _ := hex.DecodeString(word(slot))
	return hex.EncodeToString(crypto.Keccak256(k, s))
}

// The ERC20's final storage, as the mock dumps it, must be exactly what Solidity's
// layout gives for the balances and allowances the script leaves behind — computed
// here independently with go-ethereum's keccak256.
func TestERC20StorageLayoutIsSolidity(t *testing.T) {
	requireTools(t)
	out := runMock(t, ".", "erc20", "erc20/erc20.mock")
	dump := out[strings.LastIndex(out, "> dump\n")+len("> dump\n"):]
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(dump), "\n") {
		var k, v string
		if _, err := fmt.Sscanf(line, "slot %s = %s", &k, &v); err != nil {
			t.Fatalf("bad dump line %q", line)
		}
		got[k] = v
	}
	const a, b, c = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333"
	max := strings.Repeat("f", 64)
	want := map[string]string{
		word("2"):                 word("3ed"), // totalSupply 1005
		word("3"):                 word(a),     // owner
		slotOf(a, "0"):            word("2f8"), // balances[A] 760
		slotOf(b, "0"):            word("e6"),  // balances[B] 230
		slotOf(c, "0"):            word("f"),   // balances[C] 15
		slotOf(c, slotOf(b, "1")): word("28"),  // allowances[B][C] 40
		slotOf(a, slotOf(b, "1")): max,         // allowances[B][A] max
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("slot %s = %q, want %s", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d slots in the dump, want %d: %v", len(got), len(want), got)
	}
}

// The factory must create its children from exactly the committed counter initcode.
func TestFactoryEmbedsCounterInitcode(t *testing.T) {
	requireTools(t)
	out := runMock(t, ".", "factory", "factory/factory.mock")
	initcode, err := os.ReadFile("counter/counter.initcode")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("initcode_len=%d initcode_keccak=%x", len(initcode), crypto.Keccak256(initcode))
	if !strings.Contains(out, want) {
		t.Errorf("factory's CREATE trace lacks %q", want)
	}
}
