package main

// The --state and --prestate files: a bare alloc (go-ethereum's genesis "alloc" layout)
// or a whole go-ethereum genesis file, whose header also gives the block context. A
// genesis file is saved back as a genesis file: only the alloc's bytes are replaced.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// stateFile is a loaded --state or --prestate file.
type stateFile struct {
	path string
	// doc is the whole genesis document, and [allocStart, allocEnd) the alloc's bytes
	// in it; doc is nil for a bare alloc.
	doc                  []byte
	allocStart, allocEnd int
	// block holds the block context a genesis file gives (zero fields: not given).
	block host.TxContext
}

// loadStateFile reads path. A missing file is an empty state (the file is created on
// save) unless mustExist. Temporary files an interrupted save left are removed first.
func loadStateFile(path string, mustExist bool) (*state.State, *stateFile, error) {
	sf := &stateFile{path: path}
	if !mustExist {
		if target, err := resolveSymlinks(path); err == nil {
			removeStaleTemps(target)
		}
	}
	data, err := readFileLimited(path, maxStateFile)
	if errors.Is(err, fs.ErrNotExist) && !mustExist {
		return state.New(), sf, nil
	}
	if err != nil {
		return nil, nil, err
	}
	fields, spans, err := topLevelFields(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	alloc := data
	if raw, ok := fields["alloc"]; ok {
		sf.doc, sf.allocStart, sf.allocEnd = data, spans["alloc"][0], spans["alloc"][1]
		alloc = raw
		if err := sf.parseGenesisHeader(fields); err != nil {
			return nil, nil, fmt.Errorf("%s: genesis: %w", path, err)
		}
	}
	db, err := state.ParseAlloc(alloc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, sf, nil
}

// save writes db back to the file, atomically.
func (sf *stateFile) save(db *state.State) error {
	var buf bytes.Buffer
	if err := db.WriteAlloc(&buf); err != nil {
		return err
	}
	data := buf.Bytes()
	if sf.doc != nil {
		indent := lineIndent(sf.doc, sf.allocStart)
		alloc := bytes.ReplaceAll(bytes.TrimRight(data, "\n"), []byte("\n"), []byte("\n"+indent))
		data = slicesConcat(sf.doc[:sf.allocStart], alloc, sf.doc[sf.allocEnd:])
	}
	return writeFileAtomic(sf.path, data)
}

func slicesConcat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// lineIndent returns the spaces and tabs that start the line holding doc[pos].
func lineIndent(doc []byte, pos int) string {
	start := bytes.LastIndexByte(doc[:pos], '\n') + 1
	end := start
	for end < pos && (doc[end] == ' ' || doc[end] == '\t') {
		end++
	}
	return string(doc[start:end])
}

// topLevelFields splits a JSON object into its members, with the byte span of each
// member's value in data.
func topLevelFields(data []byte) (map[string]json.RawMessage, map[string][2]int, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, errors.New("want a JSON object (an alloc, or a genesis file with \"alloc\")")
	}
	fields := map[string]json.RawMessage{}
	spans := map[string][2]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := tok.(string)
		if _, dup := fields[key]; dup {
			return nil, nil, fmt.Errorf("key %q: listed twice", key)
		}
		start := int(dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("key %q: %w", key, err)
		}
		end := int(dec.InputOffset())
		for start < end && strings.IndexByte(" \t\r\n:", data[start]) >= 0 {
			start++
		}
		fields[key], spans[key] = raw, [2]int{start, end}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("data after the JSON object")
	}
	return fields, spans, nil
}

// parseGenesisHeader takes the block context from a genesis file's fields: number,
// timestamp, gasLimit, baseFeePerGas, coinbase, config.chainId, and prevrandao from
// mixHash (or, when mixHash is zero, from difficulty as a 32-byte word).
func (sf *stateFile) parseGenesisHeader(fields map[string]json.RawMessage) error {
	b := &sf.block
	for _, f := range []struct {
		key string
		out *uint64
	}{{"number", &b.Number}, {"timestamp", &b.Timestamp}, {"gasLimit", &b.GasLimit}} {
		if raw, ok := fields[f.key]; ok {
			v, err := jsonNumber(raw)
			if err != nil || !v.IsUint64() {
				return fmt.Errorf("%s: want a 64-bit number, got %s", f.key, raw)
			}
			*f.out = v.Uint64()
		}
	}
	u256 := func(key string, raw json.RawMessage, out *uint256.Int) error {
		v, err := jsonNumber(raw)
		if err != nil || v.BitLen() > 256 {
			return fmt.Errorf("%s: want a 256-bit number, got %s", key, raw)
		}
		out.SetFromBig(v)
		return nil
	}
	if raw, ok := fields["baseFeePerGas"]; ok && string(raw) != "null" {
		if err := u256("baseFeePerGas", raw, &b.BaseFee); err != nil {
			return err
		}
	}
	if raw, ok := fields["config"]; ok {
		var cfg map[string]json.RawMessage
		if err := json.Unmarshal(raw, &cfg); err != nil {
			return fmt.Errorf("config: %w", err)
		}
		if id, ok := cfg["chainId"]; ok {
			if err := u256("config.chainId", id, &b.ChainID); err != nil {
				return err
			}
		}
	}
	if raw, ok := fields["coinbase"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil || !common.IsHexAddress(s) {
			return fmt.Errorf("coinbase: want a 20-byte hex address, got %s", raw)
		}
		b.Coinbase = common.HexToAddress(s)
	}
	if raw, ok := fields["mixHash"]; ok {
		var s string
		if json.Unmarshal(raw, &s) != nil || !isHash(s) {
			return fmt.Errorf("mixHash: want a 32-byte hex hash, got %s", raw)
		}
		b.PrevRandao = common.HexToHash(s)
	}
	if raw, ok := fields["difficulty"]; ok && b.PrevRandao == (common.Hash{}) {
		var d uint256.Int
		if err := u256("difficulty", raw, &d); err != nil {
			return err
		}
		b.PrevRandao = d.Bytes32()
	}
	return nil
}

// jsonNumber reads a number written as a JSON number, a decimal string or a
// 0x-prefixed hex string (go-ethereum writes genesis numbers either way).
func jsonNumber(raw json.RawMessage) (*big.Int, error) {
	s := string(bytes.TrimSpace(raw))
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
	}
	return parseUint(s)
}

// parseUint parses a non-negative integer: decimal, or hex with 0x.
func parseUint(s string) (*big.Int, error) {
	base := 10
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		s, base = h, 16
	}
	v, ok := new(big.Int).SetString(s, base)
	if !ok || v.Sign() < 0 || s == "" || s[0] == '+' || s[0] == '-' {
		return nil, fmt.Errorf("%q is not a non-negative integer", s)
	}
	return v, nil
}

func isHash(s string) bool {
	h := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	return len(s) == 66 && len(h) == 64 && isHexString(h)
}

// blockFlags applies --number, --timestamp, --basefee, --coinbase, --chainid and
// --prevrandao over the block context a genesis file gave.
func blockFlags(f *runFlags, b *host.TxContext) error {
	for _, u := range []struct {
		flag, val string
		out       *uint64
	}{{"--number", f.number, &b.Number}, {"--timestamp", f.timestamp, &b.Timestamp}} {
		if u.val == "" {
			continue
		}
		v, err := parseUint(u.val)
		if err != nil || !v.IsUint64() {
			return fmt.Errorf("%s %q: want a 64-bit non-negative integer", u.flag, u.val)
		}
		*u.out = v.Uint64()
	}
	for _, u := range []struct {
		flag, val string
		out       *uint256.Int
	}{{"--basefee", f.basefee, &b.BaseFee}, {"--chainid", f.chainID, &b.ChainID}} {
		if u.val == "" {
			continue
		}
		v, err := parseUint(u.val)
		if err != nil || v.BitLen() > 256 {
			return fmt.Errorf("%s %q: want a 256-bit non-negative integer", u.flag, u.val)
		}
		u.out.SetFromBig(v)
	}
	if f.coinbase != "" {
		a, err := parseAddress("--coinbase", f.coinbase)
		if err != nil {
			return err
		}
		b.Coinbase = a
	}
	if f.prevrandao != "" {
		if !isHash(with0x(f.prevrandao)) {
			return fmt.Errorf("--prevrandao %q: want 32 bytes of hex", f.prevrandao)
		}
		b.PrevRandao = common.HexToHash(with0x(f.prevrandao))
	}
	return nil
}
