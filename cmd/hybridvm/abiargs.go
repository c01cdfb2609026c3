package main

import (
	"fmt"
	"math/big"
	"reflect"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

// encodeCall ABI-encodes a call from a parsed --sig such as "transfer(address,uint256)"
// and its arguments as strings: the 4-byte selector followed by the encoded arguments.
// With selector false (constructor arguments) only the arguments are encoded. Encoding
// is go-ethereum's accounts/abi; this file only turns command-line strings into the Go
// values it packs.
func encodeCall(sig *signature, args []string, selector bool) ([]byte, error) {
	if len(sig.inputs) != len(args) {
		return nil, fmt.Errorf("--sig %s takes %d arguments, %d given", sig.name, len(sig.inputs), len(args))
	}
	values := make([]any, len(args))
	for i, in := range sig.inputs {
		v, err := parseABIValue(in.Type, strings.TrimSpace(args[i]))
		if err != nil {
			return nil, fmt.Errorf("argument %d (%s) %q: %w", i+1, in.Type.String(), args[i], err)
		}
		values[i] = v
	}
	packed, err := sig.inputs.Pack(values...)
	if err != nil {
		return nil, fmt.Errorf("--sig: encoding the arguments: %w", err)
	}
	if !selector {
		return packed, nil
	}
	return append(sig.selector(), packed...), nil
}

// parseABIValue converts s into the Go value go-ethereum's encoder expects for t.
func parseABIValue(t abi.Type, s string) (any, error) {
	v, err := parseReflect(t, s)
	if err != nil {
		return nil, err
	}
	return v.Interface(), nil
}

func parseReflect(t abi.Type, s string) (reflect.Value, error) {
	switch t.T {
	case abi.AddressTy:
		if !common.IsHexAddress(s) {
			return reflect.Value{}, fmt.Errorf("not a 20-byte hex address")
		}
		return reflect.ValueOf(common.HexToAddress(s)), nil
	case abi.BoolTy:
		switch s {
		case "true":
			return reflect.ValueOf(true), nil
		case "false":
			return reflect.ValueOf(false), nil
		}
		return reflect.Value{}, fmt.Errorf("want true or false")
	case abi.StringTy:
		return reflect.ValueOf(s), nil
	case abi.BytesTy:
		b, err := hexutil.Decode(with0x(s))
		if err != nil {
			return reflect.Value{}, fmt.Errorf("want hex bytes: %w", err)
		}
		return reflect.ValueOf(b), nil
	case abi.FixedBytesTy:
		b, err := hexutil.Decode(with0x(s))
		if err != nil {
			return reflect.Value{}, fmt.Errorf("want hex bytes: %w", err)
		}
		if len(b) > t.Size {
			return reflect.Value{}, fmt.Errorf("%d bytes do not fit bytes%d", len(b), t.Size)
		}
		arr := reflect.New(t.GetType()).Elem()
		reflect.Copy(arr, reflect.ValueOf(b))
		return arr, nil
	case abi.IntTy, abi.UintTy:
		n, ok := new(big.Int).SetString(s, 0)
		if !ok {
			return reflect.Value{}, fmt.Errorf("not an integer (decimal, or hex with 0x)")
		}
		signed := t.T == abi.IntTy
		lo, hi := new(big.Int), new(big.Int).Lsh(big.NewInt(1), uint(t.Size))
		if signed {
			hi.Rsh(hi, 1)
			lo.Neg(hi)
		}
		if n.Cmp(lo) < 0 || n.Cmp(hi) >= 0 {
			return reflect.Value{}, fmt.Errorf("out of range for %s", t.String())
		}
		goType := t.GetType()
		if goType == reflect.TypeOf(&big.Int{}) {
			return reflect.ValueOf(n), nil
		}
		v := reflect.New(goType).Elem()
		if signed {
			v.SetInt(n.Int64())
		} else {
			v.SetUint(n.Uint64())
		}
		return v, nil
	case abi.SliceTy, abi.ArrayTy:
		items, err := splitList(s, '[', ']')
		if err != nil {
			return reflect.Value{}, err
		}
		if t.T == abi.ArrayTy && len(items) != t.Size {
			return reflect.Value{}, fmt.Errorf("%d elements, %s has %d", len(items), t.String(), t.Size)
		}
		var out reflect.Value
		if t.T == abi.SliceTy {
			out = reflect.MakeSlice(t.GetType(), len(items), len(items))
		} else {
			out = reflect.New(t.GetType()).Elem()
		}
		for i, it := range items {
			ev, err := parseReflect(*t.Elem, it)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("element %d: %w", i, err)
			}
			out.Index(i).Set(ev)
		}
		return out, nil
	case abi.TupleTy:
		items, err := splitList(s, '(', ')')
		if err != nil {
			return reflect.Value{}, err
		}
		if len(items) != len(t.TupleElems) {
			return reflect.Value{}, fmt.Errorf("%d fields, the tuple has %d", len(items), len(t.TupleElems))
		}
		out := reflect.New(t.TupleType).Elem()
		for i, it := range items {
			ev, err := parseReflect(*t.TupleElems[i], it)
			if err != nil {
				return reflect.Value{}, fmt.Errorf("field %d: %w", i, err)
			}
			out.Field(i).Set(ev)
		}
		return out, nil
	}
	return reflect.Value{}, fmt.Errorf("type %s is not supported on the command line", t.String())
}

// splitList splits "[a,b,[c,d]]" (or a parenthesised tuple) at its top-level commas.
func splitList(s string, open, close byte) ([]string, error) {
	if len(s) < 2 || s[0] != open || s[len(s)-1] != close {
		return nil, fmt.Errorf("want %c...%c", open, close)
	}
	body := strings.TrimSpace(s[1 : len(s)-1])
	if body == "" {
		return nil, nil
	}
	var items []string
	depth, start := 0, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced %q", body[i])
			}
		case ',':
			if depth == 0 {
				items = append(items, strings.TrimSpace(body[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced brackets")
	}
	return append(items, strings.TrimSpace(body[start:])), nil
}

func with0x(s string) string {
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		return s
	}
	return "0x" + s
}
