package chaingen

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

//go:embed sol/*.json
var solFiles embed.FS

// contract is a compiled Solidity contract.
type contract struct {
	ABI      abi.ABI
	Initcode []byte
	Runtime  []byte
}

func loadContract(name string) (*contract, error) {
	b, err := solFiles.ReadFile("sol/" + name + ".json")
	if err != nil {
		return nil, err
	}
	var j struct {
		ABI              json.RawMessage `json:"abi"`
		Bytecode         string          `json:"bytecode"`
		DeployedBytecode string          `json:"deployedBytecode"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, fmt.Errorf("chaingen: %s.json: %w", name, err)
	}
	a, err := abi.JSON(strings.NewReader(string(j.ABI)))
	if err != nil {
		return nil, fmt.Errorf("chaingen: %s ABI: %w", name, err)
	}
	c := &contract{ABI: a}
	if c.Initcode, err = hexutil.Decode(j.Bytecode); err != nil {
		return nil, fmt.Errorf("chaingen: %s bytecode: %w", name, err)
	}
	if c.Runtime, err = hexutil.Decode(j.DeployedBytecode); err != nil {
		return nil, fmt.Errorf("chaingen: %s deployed bytecode: %w", name, err)
	}
	return c, nil
}

// pack encodes a call; the arguments are the generator's own, so an error is a bug.
func (c *contract) pack(method string, args ...any) []byte {
	b, err := c.ABI.Pack(method, args...)
	if err != nil {
		panic(fmt.Sprintf("BUG: chaingen: packing %s: %v", method, err))
	}
	return b
}

// The contracts' addresses in the genesis.
var (
	token0Addr = common.HexToAddress("0x00000000000000000000000000000000000c0010")
	token1Addr = common.HexToAddress("0x00000000000000000000000000000000000c0011")
	poolAddr   = common.HexToAddress("0x00000000000000000000000000000000000c0020")
	nftAddr    = common.HexToAddress("0x00000000000000000000000000000000000c0030")
	ledgerAddr = common.HexToAddress("0x00000000000000000000000000000000000c0040")
	hotAddr    = common.HexToAddress("0x00000000000000000000000000000000000c0050")
)
