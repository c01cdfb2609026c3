package state

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// The alloc layout is go-ethereum's genesis "alloc" (and the state tests' "pre"):
//
//	{"0x<address>": {"balance": "0x..", "nonce": "0x..", "code": "0x..",
//	                 "storage": {"0x<slot>": "0x<value>"}}}
//
// Numbers may be hex ("0x"-prefixed) or decimal strings, or JSON numbers; byte
// strings are hex with an optional "0x". "secretKey" (go-ethereum's test field) is
// accepted and ignored; any other field is an error, so that a misspelt field does
// not silently become a zero.

// ParseAlloc parses an alloc document into a new state. Errors name the account
// and the field.
func ParseAlloc(data []byte) (*State, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("alloc: %w", err)
	}
	if raw == nil {
		return nil, errors.New("alloc: expected an object of accounts, got null")
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic: the first error is always the same one
	s := New()
	for _, k := range keys {
		addr, err := parseAddress(k)
		if err != nil {
			return nil, fmt.Errorf("alloc: account key %q: %w", k, err)
		}
		if s.accounts[addr] != nil {
			return nil, fmt.Errorf("alloc: account %s: listed twice", lowerHex(addr[:]))
		}
		a, err := parseAccount(raw[k])
		if err != nil {
			return nil, fmt.Errorf("alloc: account %s: %w", lowerHex(addr[:]), err)
		}
		s.accounts[addr] = a
	}
	return s, nil
}

// LoadAllocFile reads an alloc file; errors name the file.
func LoadAllocFile(path string) (*State, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := ParseAlloc(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func parseAccount(msg json.RawMessage) (*account, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(msg, &fields); err != nil {
		return nil, fmt.Errorf("expected an object: %w", err)
	}
	if fields == nil {
		return nil, errors.New("expected an object, got null")
	}
	for name := range fields {
		switch name {
		case "balance", "nonce", "code", "storage", "secretKey":
		default:
			return nil, fmt.Errorf("unknown field %q (want balance, nonce, code, storage)", name)
		}
	}
	a := newAccount()
	bal, ok := fields["balance"]
	if !ok {
		return nil, errors.New(`field "balance": missing`)
	}
	if err := parseU256(bal, &a.balance); err != nil {
		return nil, fmt.Errorf(`field "balance": %w`, err)
	}
	if n, ok := fields["nonce"]; ok {
		var v uint256.Int
		if err := parseU256(n, &v); err != nil {
			return nil, fmt.Errorf(`field "nonce": %w`, err)
		}
		if !v.IsUint64() {
			return nil, fmt.Errorf(`field "nonce": %s does not fit in 64 bits`, v.Dec())
		}
		a.nonce = v.Uint64()
	}
	if c, ok := fields["code"]; ok {
		code, err := parseBytes(c)
		if err != nil {
			return nil, fmt.Errorf(`field "code": %w`, err)
		}
		if len(code) > 0 {
			a.code = code
			a.codeHash = codeHashOf(code)
		}
	}
	if st, ok := fields["storage"]; ok {
		var slots map[string]string
		if err := json.Unmarshal(st, &slots); err != nil {
			return nil, fmt.Errorf(`field "storage": expected an object of hex strings: %w`, err)
		}
		for k, v := range slots {
			key, err := parseWord(k)
			if err != nil {
				return nil, fmt.Errorf(`field "storage": key %q: %w`, k, err)
			}
			val, err := parseWord(v)
			if err != nil {
				return nil, fmt.Errorf(`field "storage": value of %q: %w`, k, err)
			}
			if val == (host.Hash{}) {
				continue // a zero slot is an absent slot
			}
			if a.storage == nil {
				a.storage = make(map[host.Hash]slot, len(slots))
			}
			if _, dup := a.storage[key]; dup {
				return nil, fmt.Errorf(`field "storage": slot %s listed twice`, key.Hex())
			}
			a.storage[key] = slot{cur: val, orig: val}
		}
	}
	return a, nil
}

func parseAddress(s string) (host.Address, error) {
	b, err := decodeHex(s)
	if err != nil {
		return host.Address{}, err
	}
	if len(b) != 20 {
		return host.Address{}, fmt.Errorf("want 20 bytes, got %d", len(b))
	}
	return host.Address(b), nil
}

// parseWord parses a hex string of up to 32 bytes, left-padded with zeros (odd
// digit counts are allowed: "0x1" is 1).
func parseWord(s string) (host.Hash, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(s, "0x"), "0X")
	if len(digits) > 64 {
		return host.Hash{}, fmt.Errorf("%q is longer than 32 bytes", s)
	}
	if len(digits)%2 == 1 {
		digits = "0" + digits
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return host.Hash{}, fmt.Errorf("%q is not hex", s)
	}
	var h host.Hash
	copy(h[32-len(b):], b)
	return h, nil
}

// parseU256 parses a JSON string (hex with 0x, or decimal) or a JSON number into
// a 256-bit unsigned integer.
func parseU256(msg json.RawMessage, out *uint256.Int) error {
	msg = bytes.TrimSpace(msg)
	var text string
	if len(msg) > 0 && msg[0] == '"' {
		if err := json.Unmarshal(msg, &text); err != nil {
			return err
		}
	} else {
		text = string(msg)
		if text == "" || text == "null" {
			return errors.New("expected a number")
		}
	}
	return parseU256Text(text, out)
}

func parseU256Text(text string, out *uint256.Int) error {
	if hexDigits, ok := strings.CutPrefix(text, "0x"); ok || strings.HasPrefix(text, "0X") {
		if !ok {
			hexDigits = text[2:]
		}
		if hexDigits == "" {
			out.Clear()
			return nil
		}
		v, ok := new(big.Int).SetString(hexDigits, 16)
		if !ok {
			return fmt.Errorf("%q is not a hex number", text)
		}
		if out.SetFromBig(v) {
			return fmt.Errorf("%q does not fit in 256 bits", text)
		}
		return nil
	}
	if text == "" {
		return errors.New("empty number")
	}
	for _, c := range text {
		if c < '0' || c > '9' {
			return fmt.Errorf("%q is not a number (want 0x-prefixed hex or decimal)", text)
		}
	}
	v, _ := new(big.Int).SetString(text, 10)
	if out.SetFromBig(v) {
		return fmt.Errorf("%q does not fit in 256 bits", text)
	}
	return nil
}

func parseBytes(msg json.RawMessage) ([]byte, error) {
	var text string
	if err := json.Unmarshal(msg, &text); err != nil {
		return nil, fmt.Errorf("expected a hex string: %w", err)
	}
	return decodeHex(text)
}

func decodeHex(text string) ([]byte, error) {
	digits := strings.TrimPrefix(strings.TrimPrefix(text, "0x"), "0X")
	if len(digits)%2 == 1 {
		return nil, fmt.Errorf("hex string %s has an odd number of digits", abbrev(text))
	}
	b, err := hex.DecodeString(digits)
	if err != nil {
		return nil, fmt.Errorf("%s is not hex: %w", abbrev(text), err)
	}
	return b, nil
}

// lowerHex renders bytes as 0x-prefixed lower-case hex, as test files write
// addresses (go-ethereum's Hex would add EIP-55 mixed case).
func lowerHex(b []byte) string { return "0x" + hex.EncodeToString(b) }

func abbrev(s string) string {
	if len(s) > 40 {
		return strconv.Quote(s[:37] + "...")
	}
	return strconv.Quote(s)
}

// WriteAlloc writes the state in the alloc layout, accounts and slots sorted, so
// the same state always gives the same bytes. Call it between transactions.
func (s *State) WriteAlloc(w io.Writer) error {
	bw := bufio.NewWriter(w)
	addrs := s.Accounts()
	slices.SortFunc(addrs, func(a, b host.Address) int { return bytes.Compare(a[:], b[:]) })
	bw.WriteString("{")
	for i, addr := range addrs {
		a := s.accounts[addr]
		if i > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n  %q: {\n    \"balance\": %q", lowerHex(addr[:]), a.balance.Hex())
		if a.nonce != 0 {
			fmt.Fprintf(bw, ",\n    \"nonce\": \"0x%x\"", a.nonce)
		}
		if len(a.code) > 0 {
			fmt.Fprintf(bw, ",\n    \"code\": \"0x%x\"", a.code)
		}
		keys := make([]host.Hash, 0, len(a.storage))
		for k, sl := range a.storage {
			if sl.cur != (host.Hash{}) {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			slices.SortFunc(keys, func(x, y host.Hash) int { return bytes.Compare(x[:], y[:]) })
			bw.WriteString(",\n    \"storage\": {")
			for j, k := range keys {
				if j > 0 {
					bw.WriteString(",")
				}
				fmt.Fprintf(bw, "\n      \"%s\": \"%s\"", k.Hex(), a.storage[k].cur.Hex())
			}
			bw.WriteString("\n    }")
		}
		bw.WriteString("\n  }")
	}
	if len(addrs) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// SaveAllocFile writes the state to path atomically: the bytes go to a temporary
// file in the same directory, which is synced and then renamed over path, so a
// crash leaves either the old file or the complete new one, never half of it.
func (s *State) SaveAllocFile(path string) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = s.WriteAlloc(tmp); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return nil
}
