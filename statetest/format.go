package statetest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// Test is one named state test of a file.
type Test struct {
	Name string
	File string
	Env  Env
	// Pre is the pre-state; every run works on a copy.
	Pre  *state.State
	Tx   TxTemplate
	Post map[string][]PostEntry
}

// Env is the block environment.
type Env struct {
	Coinbase      host.Address
	GasLimit      uint64
	Number        uint64
	Timestamp     uint64
	BaseFee       uint256.Int
	PrevRandao    host.Hash
	ExcessBlobGas uint64
}

// TxTemplate is the test's transaction with its data, gas and value alternatives.
type TxTemplate struct {
	Sender   host.Address
	To       *host.Address
	Nonce    *big.Int // may exceed 64 bits: such a transaction is invalid
	GasPrice *uint256.Int
	MaxFee   *uint256.Int
	MaxTip   *uint256.Int
	Data     [][]byte
	GasLimit []uint64
	// Value holds the values; an entry that does not fit 256 bits is nil and
	// makes the transaction invalid (RLP_INVALID_VALUE).
	Value       []*uint256.Int
	AccessLists []accessList // per data index; nil entries mean none
	HasAccess   bool         // the accessLists field is present
	BlobHashes  []host.Hash
	HasBlobs    bool // blobVersionedHashes is present
	BlobFeeCap  *uint256.Int
	Auths       []authorization
	HasAuths    bool // authorizationList is present
}

type accessList []accessTuple

type accessTuple struct {
	Address host.Address
	Keys    []host.Hash
}

type authorization struct {
	ChainID uint256.Int
	Address host.Address
	Nonce   uint64
	V       uint8
	R, S    uint256.Int
}

// PostEntry is one expected outcome.
type PostEntry struct {
	Root            host.Hash
	Logs            host.Hash
	ExpectException string
	Data, Gas, Val  int
}

// ParseFile parses a state-test file's contents. Errors name the test and the
// field ("file: test add11: transaction.gasLimit[0]: ...").
func ParseFile(file string, data []byte) ([]*Test, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: not a state-test file: %w", file, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s: no tests in the file", file)
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	slices.Sort(names)
	tests := make([]*Test, 0, len(names))
	for _, n := range names {
		t, err := parseTest(n, raw[n])
		if err != nil {
			return nil, fmt.Errorf("%s: test %s: %w", file, n, err)
		}
		t.File = file
		tests = append(tests, t)
	}
	return tests, nil
}

// obj is a JSON object being read field by field; errors carry the field's path.
type obj struct {
	path   string
	fields map[string]json.RawMessage
}

func newObj(path string, msg json.RawMessage) (*obj, error) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(msg, &f); err != nil || f == nil {
		return nil, fmt.Errorf("%s: expected an object", path)
	}
	return &obj{path, f}, nil
}

func (o *obj) where(name string) string {
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

func (o *obj) has(name string) bool {
	v, ok := o.fields[name]
	return ok && !bytes.Equal(bytes.TrimSpace(v), []byte("null"))
}

func (o *obj) get(name string, required bool) (json.RawMessage, bool, error) {
	v, ok := o.fields[name]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		if required {
			return nil, false, fmt.Errorf("%s: missing", o.where(name))
		}
		return nil, false, nil
	}
	return v, true, nil
}

func (o *obj) str(name string, required bool) (string, bool, error) {
	v, ok, err := o.get(name, required)
	if !ok || err != nil {
		return "", ok, err
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false, fmt.Errorf("%s: expected a string", o.where(name))
	}
	return s, true, nil
}

func (o *obj) u64(name string, required bool) (uint64, error) {
	s, ok, err := o.str(name, required)
	if !ok || err != nil {
		return 0, err
	}
	v, err := parseUint(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", o.where(name), err)
	}
	return v.Uint64(), nil
}

func (o *obj) u256(name string, required bool) (*uint256.Int, error) {
	s, ok, err := o.str(name, required)
	if !ok || err != nil {
		return nil, err
	}
	v, err := parseUint(s, 256)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.where(name), err)
	}
	u, _ := uint256.FromBig(v)
	return u, nil
}

func (o *obj) address(name string, required bool) (host.Address, bool, error) {
	s, ok, err := o.str(name, required)
	if !ok || err != nil {
		return host.Address{}, ok, err
	}
	a, err := parseAddress(s)
	if err != nil {
		return host.Address{}, false, fmt.Errorf("%s: %w", o.where(name), err)
	}
	return a, true, nil
}

func (o *obj) hash(name string, required bool) (host.Hash, error) {
	s, ok, err := o.str(name, required)
	if !ok || err != nil {
		return host.Hash{}, err
	}
	h, err := parseHash(s)
	if err != nil {
		return host.Hash{}, fmt.Errorf("%s: %w", o.where(name), err)
	}
	return h, nil
}

func (o *obj) strings(name string, required bool) ([]string, error) {
	v, ok, err := o.get(name, required)
	if !ok || err != nil {
		return nil, err
	}
	var out []string
	if err := json.Unmarshal(v, &out); err != nil {
		return nil, fmt.Errorf("%s: expected a list of strings", o.where(name))
	}
	if required && len(out) == 0 {
		return nil, fmt.Errorf("%s: empty list", o.where(name))
	}
	return out, nil
}

// parseUint parses a hex ("0x...") or decimal number of at most bits bits.
// "0x" alone is zero, as in the test fillers.
func parseUint(s string, bits int) (*big.Int, error) {
	v := new(big.Int)
	switch {
	case s == "0x" || s == "0X":
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		if _, ok := v.SetString(s[2:], 16); !ok {
			return nil, fmt.Errorf("%q is not a hex number", s)
		}
	default:
		if _, ok := v.SetString(s, 10); !ok || s == "" || s[0] == '-' || s[0] == '+' {
			return nil, fmt.Errorf("%q is not a number", s)
		}
	}
	if v.Sign() < 0 || v.BitLen() > bits {
		return nil, fmt.Errorf("%q does not fit in %d bits", s, bits)
	}
	return v, nil
}

func parseHexBytes(s string) ([]byte, error) {
	d, ok := strings.CutPrefix(s, "0x")
	if !ok {
		return nil, fmt.Errorf("%s is not 0x-prefixed hex", quoteShort(s))
	}
	if len(d)%2 == 1 {
		return nil, fmt.Errorf("%s has an odd number of hex digits", quoteShort(s))
	}
	b, err := hex.DecodeString(d)
	if err != nil {
		return nil, fmt.Errorf("%s is not hex", quoteShort(s))
	}
	return b, nil
}

func parseAddress(s string) (host.Address, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 20 {
		return host.Address{}, fmt.Errorf("%s is not a 20-byte hex address", quoteShort(s))
	}
	return host.Address(b), nil
}

func parseHash(s string) (host.Hash, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		return host.Hash{}, fmt.Errorf("%s is not a 32-byte hex hash", quoteShort(s))
	}
	return host.Hash(b), nil
}

func quoteShort(s string) string {
	if len(s) > 48 {
		s = s[:45] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func parseTest(name string, msg json.RawMessage) (*Test, error) {
	root, err := newObj("", msg)
	if err != nil {
		return nil, errors.New("expected an object with env, pre, transaction and post")
	}
	t := &Test{Name: name}
	envMsg, _, err := root.get("env", true)
	if err != nil {
		return nil, err
	}
	if err := parseEnv(envMsg, &t.Env); err != nil {
		return nil, err
	}
	preMsg, _, err := root.get("pre", true)
	if err != nil {
		return nil, err
	}
	if t.Pre, err = state.ParseAlloc(preMsg); err != nil {
		return nil, fmt.Errorf("pre: %w", err)
	}
	txMsg, _, err := root.get("transaction", true)
	if err != nil {
		return nil, err
	}
	if err := parseTx(txMsg, &t.Tx); err != nil {
		return nil, err
	}
	postMsg, _, err := root.get("post", true)
	if err != nil {
		return nil, err
	}
	if t.Post, err = parsePost(postMsg, &t.Tx); err != nil {
		return nil, err
	}
	return t, nil
}

func parseEnv(msg json.RawMessage, env *Env) error {
	o, err := newObj("env", msg)
	if err != nil {
		return err
	}
	var ok bool
	if env.Coinbase, ok, err = o.address("currentCoinbase", true); !ok || err != nil {
		return err
	}
	if env.GasLimit, err = o.u64("currentGasLimit", true); err != nil {
		return err
	}
	if env.Number, err = o.u64("currentNumber", true); err != nil {
		return err
	}
	if env.Timestamp, err = o.u64("currentTimestamp", true); err != nil {
		return err
	}
	// The fillers' default base fee: 0x10 at genesis gives 0x0a here.
	env.BaseFee.SetUint64(10)
	if bf, err := o.u256("currentBaseFee", false); err != nil {
		return err
	} else if bf != nil {
		env.BaseFee = *bf
	}
	if o.has("currentRandom") {
		if env.PrevRandao, err = o.hash("currentRandom", false); err != nil {
			return err
		}
	}
	if env.ExcessBlobGas, err = o.u64("currentExcessBlobGas", false); err != nil {
		return err
	}
	return nil
}

func parseTx(msg json.RawMessage, tx *TxTemplate) error {
	o, err := newObj("transaction", msg)
	if err != nil {
		return err
	}
	// Sender: explicit, or derived from the secret key.
	sender, hasSender, err := o.address("sender", false)
	if err != nil {
		return err
	}
	if hasSender {
		tx.Sender = sender
	} else {
		key, ok, err := o.str("secretKey", false)
		if err != nil {
			return err
		}
		if !ok {
			return errors.New("transaction: neither sender nor secretKey given")
		}
		if tx.Sender, err = senderFromKey(key); err != nil {
			return fmt.Errorf("transaction.secretKey: %w", err)
		}
	}
	to, ok, err := o.str("to", true)
	if err != nil {
		return err
	}
	if ok && to != "" {
		a, err := parseAddress(to)
		if err != nil {
			return fmt.Errorf("transaction.to: %w", err)
		}
		tx.To = &a
	}
	ns, _, err := o.str("nonce", true)
	if err != nil {
		return err
	}
	if tx.Nonce, err = parseUint(ns, 256); err != nil {
		return fmt.Errorf("transaction.nonce: %w", err)
	}
	if tx.GasPrice, err = o.u256("gasPrice", false); err != nil {
		return err
	}
	if tx.MaxFee, err = o.u256("maxFeePerGas", false); err != nil {
		return err
	}
	if tx.MaxTip, err = o.u256("maxPriorityFeePerGas", false); err != nil {
		return err
	}
	if tx.GasPrice == nil && tx.MaxFee == nil {
		return errors.New("transaction: neither gasPrice nor maxFeePerGas given")
	}
	if tx.GasPrice != nil && tx.MaxFee != nil {
		return errors.New("transaction: both gasPrice and maxFeePerGas given")
	}
	data, err := o.strings("data", true)
	if err != nil {
		return err
	}
	for i, d := range data {
		b, err := parseHexBytes(d)
		if err != nil {
			return fmt.Errorf("transaction.data[%d]: %w", i, err)
		}
		tx.Data = append(tx.Data, b)
	}
	gas, err := o.strings("gasLimit", true)
	if err != nil {
		return err
	}
	for i, g := range gas {
		v, err := parseUint(g, 64)
		if err != nil {
			return fmt.Errorf("transaction.gasLimit[%d]: %w", i, err)
		}
		tx.GasLimit = append(tx.GasLimit, v.Uint64())
	}
	vals, err := o.strings("value", true)
	if err != nil {
		return err
	}
	for i, v := range vals {
		// "0x:bigint 0x..." marks a deliberately oversized value: the
		// transaction cannot be encoded, so it is invalid (not the file).
		s := strings.TrimPrefix(v, "0x:bigint ")
		n, err := parseUint(s, 1<<20)
		if err != nil {
			return fmt.Errorf("transaction.value[%d]: %w", i, err)
		}
		u, overflow := uint256.FromBig(n)
		if overflow {
			u = nil
		}
		tx.Value = append(tx.Value, u)
	}
	if err := parseAccessLists(o, tx); err != nil {
		return err
	}
	if o.has("blobVersionedHashes") {
		hs, err := o.strings("blobVersionedHashes", false)
		if err != nil {
			return err
		}
		tx.HasBlobs = true
		tx.BlobHashes = make([]host.Hash, 0, len(hs))
		for i, h := range hs {
			v, err := parseHash(h)
			if err != nil {
				return fmt.Errorf("transaction.blobVersionedHashes[%d]: %w", i, err)
			}
			tx.BlobHashes = append(tx.BlobHashes, v)
		}
		if tx.BlobFeeCap, err = o.u256("maxFeePerBlobGas", true); err != nil {
			return err
		}
	}
	return parseAuthList(o, tx)
}

func parseAccessLists(o *obj, tx *TxTemplate) error {
	v, ok, err := o.get("accessLists", false)
	if !ok || err != nil {
		return err
	}
	var lists []json.RawMessage
	if err := json.Unmarshal(v, &lists); err != nil {
		return errors.New("transaction.accessLists: expected a list")
	}
	tx.HasAccess = true
	for i, l := range lists {
		if bytes.Equal(bytes.TrimSpace(l), []byte("null")) {
			tx.AccessLists = append(tx.AccessLists, nil)
			continue
		}
		var entries []struct {
			Address     string   `json:"address"`
			StorageKeys []string `json:"storageKeys"`
		}
		if err := json.Unmarshal(l, &entries); err != nil {
			return fmt.Errorf("transaction.accessLists[%d]: expected a list of {address, storageKeys}", i)
		}
		al := accessList{}
		for j, e := range entries {
			a, err := parseAddress(e.Address)
			if err != nil {
				return fmt.Errorf("transaction.accessLists[%d][%d].address: %w", i, j, err)
			}
			t := accessTuple{Address: a}
			for k, s := range e.StorageKeys {
				h, err := parseHash(s)
				if err != nil {
					return fmt.Errorf("transaction.accessLists[%d][%d].storageKeys[%d]: %w", i, j, k, err)
				}
				t.Keys = append(t.Keys, h)
			}
			al = append(al, t)
		}
		tx.AccessLists = append(tx.AccessLists, al)
	}
	return nil
}

func parseAuthList(o *obj, tx *TxTemplate) error {
	v, ok, err := o.get("authorizationList", false)
	if !ok || err != nil {
		return err
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		return errors.New("transaction.authorizationList: expected a list")
	}
	tx.HasAuths = true
	for i, m := range list {
		a, err := newObj(fmt.Sprintf("transaction.authorizationList[%d]", i), m)
		if err != nil {
			return err
		}
		var auth authorization
		cid, err := a.u256("chainId", true)
		if err != nil {
			return err
		}
		auth.ChainID = *cid
		if auth.Address, _, err = a.address("address", true); err != nil {
			return err
		}
		if auth.Nonce, err = a.u64("nonce", true); err != nil {
			return err
		}
		vv, err := a.u64("v", true)
		if err != nil {
			return err
		}
		if vv > 255 {
			return fmt.Errorf("transaction.authorizationList[%d].v: %d does not fit a byte", i, vv)
		}
		auth.V = uint8(vv)
		r, err := a.u256("r", true)
		if err != nil {
			return err
		}
		s, err := a.u256("s", true)
		if err != nil {
			return err
		}
		auth.R, auth.S = *r, *s
		tx.Auths = append(tx.Auths, auth)
	}
	return nil
}

func parsePost(msg json.RawMessage, tx *TxTemplate) (map[string][]PostEntry, error) {
	var forks map[string][]json.RawMessage
	if err := json.Unmarshal(msg, &forks); err != nil {
		return nil, errors.New("post: expected an object of fork name to list of entries")
	}
	out := make(map[string][]PostEntry, len(forks))
	for fork, entries := range forks {
		for i, m := range entries {
			path := fmt.Sprintf("post.%s[%d]", fork, i)
			o, err := newObj(path, m)
			if err != nil {
				return nil, err
			}
			var p PostEntry
			if p.Root, err = o.hash("hash", true); err != nil {
				return nil, err
			}
			if p.Logs, err = o.hash("logs", true); err != nil {
				return nil, err
			}
			if p.ExpectException, _, err = o.str("expectException", false); err != nil {
				return nil, err
			}
			idxMsg, _, err := o.get("indexes", true)
			if err != nil {
				return nil, err
			}
			var idx struct{ Data, Gas, Value *int }
			if err := json.Unmarshal(idxMsg, &idx); err != nil || idx.Data == nil || idx.Gas == nil || idx.Value == nil {
				return nil, fmt.Errorf("%s.indexes: expected {data, gas, value} integers", path)
			}
			p.Data, p.Gas, p.Val = *idx.Data, *idx.Gas, *idx.Value
			for _, c := range []struct {
				name string
				i, n int
			}{{"data", p.Data, len(tx.Data)}, {"gas", p.Gas, len(tx.GasLimit)}, {"value", p.Val, len(tx.Value)}} {
				if c.i < 0 || c.i >= c.n {
					return nil, fmt.Errorf("%s.indexes.%s: %d out of range (the transaction has %d)", path, c.name, c.i, c.n)
				}
			}
			if tx.HasAccess && p.Data >= len(tx.AccessLists) {
				return nil, fmt.Errorf("%s.indexes.data: %d has no entry in transaction.accessLists (%d entries)", path, p.Data, len(tx.AccessLists))
			}
			out[fork] = append(out[fork], p)
		}
	}
	return out, nil
}
