package main

// Parsing --sig: a Solidity signature "name(types)" with an optional return list
// "name(types)(types)", validated here so that go-ethereum's accounts/abi only ever
// sees well-formed, canonical types (its own selector parser panics on some inputs and
// accepts types such as uint7).

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// signature is a parsed --sig.
type signature struct {
	name    string
	inputs  abi.Arguments
	outputs abi.Arguments
	returns bool // a return list was given (possibly empty)
}

// selector is the 4-byte function selector: keccak256 of the canonical signature.
func (s *signature) selector() []byte {
	return abi.NewMethod(s.name, s.name, abi.Function, "", false, false, s.inputs, nil).ID
}

// maxTypeDepth bounds the nesting of tuples and arrays in a signature.
const maxTypeDepth = 32

func parseSignature(sig string) (*signature, error) {
	p := &sigParser{s: strings.TrimSpace(sig)}
	name := p.identifier()
	if name == "" {
		return nil, fmt.Errorf("--sig %q: want name(types), e.g. 'transfer(address,uint256)'", sig)
	}
	if !p.peek('(') {
		return nil, fmt.Errorf("--sig %q: want name(types) with parentheses, e.g. '%s()'", sig, name)
	}
	ins, err := p.list(0)
	if err != nil {
		return nil, fmt.Errorf("--sig %q: %w", sig, err)
	}
	out := &signature{name: name}
	var outs []abi.ArgumentMarshaling
	if p.peek('(') {
		out.returns = true
		if outs, err = p.list(0); err != nil {
			return nil, fmt.Errorf("--sig %q: return types: %w", sig, err)
		}
	}
	if p.i != len(p.s) {
		return nil, fmt.Errorf("--sig %q: unexpected %q after the signature", sig, p.s[p.i:])
	}
	if out.inputs, err = arguments(ins); err != nil {
		return nil, fmt.Errorf("--sig %q: %w", sig, err)
	}
	if out.outputs, err = arguments(outs); err != nil {
		return nil, fmt.Errorf("--sig %q: return types: %w", sig, err)
	}
	return out, nil
}

func arguments(ms []abi.ArgumentMarshaling) (abi.Arguments, error) {
	args := abi.Arguments{}
	for _, m := range ms {
		t, err := abi.NewType(m.Type, "", m.Components)
		if err != nil {
			return nil, err
		}
		args = append(args, abi.Argument{Name: m.Name, Type: t})
	}
	return args, nil
}

type sigParser struct {
	s string
	i int
}

func (p *sigParser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *sigParser) skipSpace() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *sigParser) identifier() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.i > start && c >= '0' && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

// list parses "(type,type,...)" at p.i.
func (p *sigParser) list(depth int) ([]abi.ArgumentMarshaling, error) {
	if depth > maxTypeDepth {
		return nil, fmt.Errorf("types nested more than %d deep", maxTypeDepth)
	}
	p.i++ // '('
	p.skipSpace()
	var out []abi.ArgumentMarshaling
	if p.peek(')') {
		p.i++
		return out, nil
	}
	for {
		p.skipSpace()
		if p.i == len(p.s) {
			return nil, fmt.Errorf("missing ')'")
		}
		m, err := p.typ(depth)
		if err != nil {
			return nil, err
		}
		m.Name = "v" + strconv.Itoa(len(out))
		out = append(out, m)
		p.skipSpace()
		switch {
		case p.peek(','):
			p.i++
		case p.peek(')'):
			p.i++
			return out, nil
		case p.i == len(p.s):
			return nil, fmt.Errorf("missing ')'")
		default:
			return nil, fmt.Errorf("unexpected %q at position %d", p.s[p.i], p.i)
		}
	}
}

// typ parses one type: an elementary type or a tuple, then array suffixes.
func (p *sigParser) typ(depth int) (abi.ArgumentMarshaling, error) {
	var m abi.ArgumentMarshaling
	if p.peek('(') {
		comps, err := p.list(depth + 1)
		if err != nil {
			return m, err
		}
		if len(comps) == 0 {
			return m, fmt.Errorf("empty tuple at position %d", p.i)
		}
		m.Type, m.Components = "tuple", comps
	} else {
		start := p.i
		name := p.identifier()
		t, err := canonicalType(name)
		if err != nil {
			if name == "" {
				return m, fmt.Errorf("missing type at position %d", start)
			}
			return m, err
		}
		m.Type = t
	}
	for n := 0; p.peek('['); n++ {
		if n+depth >= maxTypeDepth {
			return m, fmt.Errorf("types nested more than %d deep", maxTypeDepth)
		}
		end := strings.IndexByte(p.s[p.i:], ']')
		if end < 0 {
			return m, fmt.Errorf("missing ']'")
		}
		size := p.s[p.i+1 : p.i+end]
		if size != "" {
			v, err := strconv.ParseUint(size, 10, 31)
			if err != nil || v == 0 || size[0] == '0' {
				return m, fmt.Errorf("array size %q: want a positive decimal number", size)
			}
		}
		m.Type += "[" + size + "]"
		p.i += end + 1
	}
	return m, nil
}

// canonicalType checks an elementary Solidity type and returns its canonical name:
// uint and int are uint256 and int256, as in Solidity.
func canonicalType(t string) (string, error) {
	switch t {
	case "address", "bool", "string", "bytes":
		return t, nil
	case "uint", "int":
		return t + "256", nil
	}
	for _, k := range []struct {
		prefix   string
		min, max int
		step     int
	}{{"uint", 8, 256, 8}, {"int", 8, 256, 8}, {"bytes", 1, 32, 1}} {
		rest, ok := strings.CutPrefix(t, k.prefix)
		if !ok || rest == "" || rest[0] < '0' || rest[0] > '9' {
			continue
		}
		n, err := strconv.Atoi(rest)
		if err != nil || rest[0] == '0' || n < k.min || n > k.max || n%k.step != 0 {
			if k.step == 8 {
				return "", fmt.Errorf("type %s: the size must be a multiple of 8 from 8 to 256", t)
			}
			return "", fmt.Errorf("type %s: the size must be from 1 to 32", t)
		}
		return t, nil
	}
	if strings.HasPrefix(t, "fixed") || strings.HasPrefix(t, "ufixed") || t == "function" {
		return "", fmt.Errorf("type %s is not supported on the command line", t)
	}
	return "", fmt.Errorf("unknown type %q", t)
}
