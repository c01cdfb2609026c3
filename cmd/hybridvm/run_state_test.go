package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// blockCode stores 42 at slot 1 (SSTORE), then returns NUMBER, TIMESTAMP, BASEFEE,
// COINBASE, CHAINID, PREVRANDAO and GASLIMIT as seven words.
const blockCode = "0x602a600155" + "435f52" + "42602052" + "48604052" + "41606052" + "46608052" + "4460a052" + "4560c052" + "60e05ff3"

const genesisDoc = `{
  "config": {
    "chainId": 1337,
    "cancunTime": 0
  },
  "nonce": "0x0",
  "timestamp": "0x20",
  "extraData": "0x1234",
  "gasLimit": "0x1c9c380",
  "difficulty": "0x0",
  "mixHash": "0x00000000000000000000000000000000000000000000000000000000000000aa",
  "coinbase": "0x00000000000000000000000000000000000000cb",
  "number": "0x10",
  "baseFeePerGas": "0x7",
  "alloc": {
    "0x00000000000000000000000000000000000a11ce": {"balance": "0x100"},
    "0x000000000000000000000000000000000000c0de": {"balance": "0x0", "nonce": "0x1"}
  },
  "parentHash": "0x0000000000000000000000000000000000000000000000000000000000000000"
}
`

func word(v string) string { return strings.Repeat("0", 64-len(v)) + v }

// TestGenesisState: --state takes a genesis file, whose header gives the block
// context; flags override it; the save keeps everything but the alloc byte for byte.
func TestGenesisState(t *testing.T) {
	st := filepath.Join(t.TempDir(), "genesis.json")
	if err := os.WriteFile(st, []byte(genesisDoc), 0o640); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := cli("run", "--state", st, "--code", blockCode)
	want := "0x" + word("10") + word("20") + word("7") + word("cb") + word("539") + word("aa") + word("1c9c380")
	if r := parseRun(t, out); code != 0 || r.Output != want {
		t.Fatalf("exit %d, output %s, stderr %s\nwant %s", code, r.Output, errOut, want)
	}
	saved, _ := os.ReadFile(st)
	head := genesisDoc[:strings.Index(genesisDoc, `"alloc": `)+len(`"alloc": `)]
	tail := genesisDoc[strings.Index(genesisDoc, "\n  \"parentHash\""):]
	if !bytes.HasPrefix(saved, []byte(head)) || !bytes.HasSuffix(saved, []byte(tail)) {
		t.Errorf("the genesis file was not kept around its alloc:\n%s", saved)
	}
	var g struct {
		Alloc map[string]struct {
			Storage map[string]string `json:"storage"`
		} `json:"alloc"`
	}
	if err := json.Unmarshal(saved, &g); err != nil {
		t.Fatalf("saved genesis: %v\n%s", err, saved)
	}
	if s := g.Alloc["0x000000000000000000000000000000000000c0de"].Storage; s["0x"+word("1")] != "0x"+word("2a") || len(g.Alloc) != 2 {
		t.Errorf("saved alloc %+v", g.Alloc)
	}
	if fi, _ := os.Stat(st); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode().Perm())
	}

	// Flags override the genesis header.
	code, out, _ = cli("run", "--prestate", st, "--code", blockCode, "--number", "99", "--timestamp", "0x64",
		"--basefee", "8", "--coinbase", "0x00000000000000000000000000000000000000cc", "--chainid", "5",
		"--prevrandao", "0x"+word("bb"))
	want = "0x" + word("63") + word("64") + word("8") + word("cc") + word("5") + word("bb") + word("1c9c380")
	if r := parseRun(t, out); code != 0 || r.Output != want {
		t.Errorf("with flags: exit %d, output %s\nwant %s", code, r.Output, want)
	}
	for _, bad := range [][]string{{"--number", "-1"}, {"--chainid", "x"}, {"--coinbase", "0x12"}, {"--prevrandao", "0x12"}, {"--basefee", "0x" + strings.Repeat("f", 65)}} {
		if code, _, errOut := cli(append([]string{"run", "--code", "0x00"}, bad...)...); code != 2 || !strings.Contains(errOut, bad[0]) {
			t.Errorf("%q: exit %d, stderr %q", bad, code, errOut)
		}
	}
	badGenesis := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(badGenesis, []byte(`{"config": {"chainId": "x"}, "alloc": {}}`), 0o644)
	if code, _, errOut := cli("run", "--state", badGenesis, "--code", "0x00"); code != 2 || !strings.Contains(errOut, "config.chainId") {
		t.Errorf("bad genesis: exit %d, stderr %q", code, errOut)
	}
}

// TestStateSave: the save follows a symbolic link, writes nothing after a revert or a
// failure, leaves no temporary file, and removes those an interrupted save left.
func TestStateSave(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(real, []byte(`{"0x000000000000000000000000000000000000c0de": {"balance": "0x1"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, ".real.json"+tempMarker+"0123456789abcdef")
	notOurs := filepath.Join(dir, ".real.json"+tempMarker+"notes")
	for _, p := range []string{stale, notOurs} {
		os.WriteFile(p, []byte("{"), 0o600)
	}

	before, _ := os.Stat(real)
	for _, c := range []string{"0x60006000fd" /* REVERT */, "0xfe" /* INVALID */} {
		if code, _, _ := cli("run", "--state", link, "--code", c); code != 1 {
			t.Fatalf("%s: exit %d, want 1", c, code)
		}
	}
	if after, _ := os.Stat(real); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("a reverted or failed call rewrote the state file")
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("the stale temporary file %s is still there", stale)
	}
	if _, err := os.Stat(notOurs); err != nil {
		t.Errorf("a file that only looks like a temporary file was removed")
	}
	os.Remove(notOurs)

	if code, out, errOut := cli("run", "--state", link, "--code", "0x602a600155"); code != 0 {
		t.Fatalf("sstore: exit %d %s %s", code, out, errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the symbolic link was replaced: %v %v", fi.Mode(), err)
	}
	if data, _ := os.ReadFile(real); !bytes.Contains(data, []byte(word("2a"))) {
		t.Errorf("the link's target was not written:\n%s", data)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only real.json and link.json", names)
	}
}

// TestPrestateAndDump: --prestate is never written; --dump prints the post-state.
func TestPrestateAndDump(t *testing.T) {
	pre := filepath.Join(t.TempDir(), "pre.json")
	if err := os.WriteFile(pre, []byte(genesisDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(pre)
	code, out, errOut := cli("run", "--prestate", pre, "--dump", "--code", "0x602a600155")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	if after, _ := os.Stat(pre); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("--prestate was written")
	}
	dec := json.NewDecoder(strings.NewReader(out))
	var res runOutput
	var dump map[string]struct {
		Storage map[string]string `json:"storage"`
	}
	if err := dec.Decode(&res); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&dump); err != nil {
		t.Fatalf("--dump: %v\n%s", err, out)
	}
	if dump["0x000000000000000000000000000000000000c0de"].Storage["0x"+word("1")] != "0x"+word("2a") {
		t.Errorf("dump %+v", dump)
	}
	for _, args := range [][]string{
		{"run", "--prestate", filepath.Join(t.TempDir(), "nope.json"), "--code", "0x00"},
		{"run", "--prestate", pre, "--state", pre, "--code", "0x00"},
	} {
		if code, _, _ := cli(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

// TestReadsAreBounded: --code and --input from /dev/zero or a FIFO stop at the limit.
func TestReadsAreBounded(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		chunk := bytes.Repeat([]byte("00"), 1<<16)
		for {
			if _, err := w.Write(chunk); err != nil {
				return // the reader stopped at its limit
			}
		}
	}()
	for _, args := range [][]string{
		{"run", "--code", "@/dev/zero"},
		{"run", "--code", "0x00", "--input", "@/dev/zero"},
		{"run", "--code", "@" + fifo},
	} {
		code, _, errOut := cli(args...)
		if code != 2 || !strings.Contains(errOut, "limit") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut)
		}
	}
	in := filepath.Join(t.TempDir(), "input.hex")
	os.WriteFile(in, []byte("0xabcd\n"), 0o644)
	if code, out, _ := cli("run", "--code", echoAll, "--input", "@"+in); code != 0 || parseRun(t, out).Output != "0xabcd" {
		t.Errorf("--input @FILE: exit %d, %s", code, out)
	}
}
