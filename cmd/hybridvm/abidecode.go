package main

// Decoding what a call returned: its output by the --sig return types (as `cast call`
// does), and revert data as Error(string), Panic(uint256), or a custom error that an
// --abi file declares.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// unpack decodes data by args. The data come from a contract, so whatever they hold
// is an error, never a crash.
func unpack(args abi.Arguments, data []byte) (vals []any, err error) {
	defer func() {
		if r := recover(); r != nil {
			vals, err = nil, fmt.Errorf("malformed ABI data: %v", r)
		}
	}()
	if len(args) == 0 {
		return []any{}, nil
	}
	return args.Unpack(data)
}

// decodeValues decodes data by args into JSON values (see jsonValue).
func decodeValues(args abi.Arguments, data []byte) ([]any, error) {
	vals, err := unpack(args, data)
	if err != nil {
		return nil, err
	}
	if len(vals) != len(args) {
		return nil, fmt.Errorf("decoded %d values for %d types", len(vals), len(args))
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = jsonValue(args[i].Type, reflect.ValueOf(v))
	}
	return out, nil
}

// jsonValue converts a decoded ABI value for JSON: integers as decimal strings (no
// precision is lost), addresses checksummed, bytes as 0x-hex, bools and strings as
// themselves, arrays and tuples as JSON arrays.
func jsonValue(t abi.Type, v reflect.Value) any {
	for v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	switch t.T {
	case abi.IntTy, abi.UintTy:
		if b, ok := v.Interface().(*big.Int); ok {
			return b.String()
		}
		return fmt.Sprint(v.Interface())
	case abi.AddressTy:
		if a, ok := v.Interface().(common.Address); ok {
			return a.Hex()
		}
	case abi.BoolTy, abi.StringTy:
		return v.Interface()
	case abi.BytesTy, abi.FixedBytesTy, abi.FunctionTy, abi.HashTy:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return hexutil.Encode(v.Bytes())
		}
		if v.Kind() == reflect.Array {
			b := make([]byte, v.Len())
			reflect.Copy(reflect.ValueOf(b), v)
			return hexutil.Encode(b)
		}
	case abi.SliceTy, abi.ArrayTy:
		out := make([]any, v.Len())
		for i := range out {
			out[i] = jsonValue(*t.Elem, v.Index(i))
		}
		return out
	case abi.TupleTy:
		out := make([]any, len(t.TupleElems))
		for i, et := range t.TupleElems {
			out[i] = jsonValue(*et, v.Field(i))
		}
		return out
	}
	return fmt.Sprint(v.Interface())
}

// The selectors of the errors Solidity itself raises.
var (
	errorStringSelector = []byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
	panicSelector       = []byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
)

// decodeRevert describes revert data: Error("..."), Panic(0x11) with the reason
// Solidity documents, or a custom error of abiErrors with its arguments. It returns ""
// when it cannot tell.
func decodeRevert(data []byte, contract *abi.ABI) string {
	if len(data) < 4 {
		return ""
	}
	switch sel := data[:4]; {
	case bytes.Equal(sel, errorStringSelector), bytes.Equal(sel, panicSelector):
		reason, err := abi.UnpackRevert(data)
		if err != nil {
			return ""
		}
		if bytes.Equal(sel, errorStringSelector) {
			return "Error(" + quoteJSON(reason) + ")"
		}
		code := new(big.Int).SetBytes(data[4:min(len(data), 36)])
		return fmt.Sprintf("Panic(%#x): %s", code, reason)
	}
	if contract == nil {
		return ""
	}
	for _, e := range contract.Errors {
		if !bytes.Equal(e.ID[:4], data[:4]) {
			continue
		}
		vals, err := decodeValues(e.Inputs, data[4:])
		if err != nil {
			return ""
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = e.Inputs[i].Name + ": " + formatValue(e.Inputs[i].Type, v)
		}
		return e.Name + "(" + strings.Join(parts, ", ") + ")"
	}
	return ""
}

// formatValue writes a value from jsonValue as text: strings quoted, numbers, bools
// and hex bare, arrays in brackets, tuples in parentheses.
func formatValue(t abi.Type, v any) string {
	list := func(elem func(i int) abi.Type, open, close string) string {
		x, _ := v.([]any)
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = formatValue(elem(i), e)
		}
		return open + strings.Join(parts, ", ") + close
	}
	switch t.T {
	case abi.StringTy:
		s, _ := v.(string)
		return quoteJSON(s)
	case abi.SliceTy, abi.ArrayTy:
		return list(func(int) abi.Type { return *t.Elem }, "[", "]")
	case abi.TupleTy:
		return list(func(i int) abi.Type { return *t.TupleElems[i] }, "(", ")")
	}
	return fmt.Sprint(v)
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// loadABI reads a Solidity JSON ABI (an array of entries), or a compiler artifact
// object with the ABI under "abi".
func loadABI(name string) (*abi.ABI, error) {
	data, err := readFileLimited(name, maxCodeFile)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var artifact struct {
			ABI json.RawMessage `json:"abi"`
		}
		if err := json.Unmarshal(t, &artifact); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if artifact.ABI == nil {
			return nil, fmt.Errorf("%s: an object without an \"abi\" field", name)
		}
		data = artifact.ABI
	}
	parsed, err := abi.JSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &parsed, nil
}
