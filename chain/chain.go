package chain

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/state"
)

// Chain is an in-memory block tree over the embedded state: every imported
// block keeps its post-state, so a block can be imported onto any known block
// (side chains and reorganisations, as in go-ethereum's blockchain tests). The
// last block imported becomes the head, as go-ethereum does after the merge.
//
// Each import copies its parent's state; Chain suits tests and short chains,
// not the replay of long ones.
type Chain struct {
	proc   *Processor
	blocks map[common.Hash]*node
	head   *node
}

type node struct {
	header *types.Header
	hash   common.Hash
	parent *node
	state  *state.State
}

// NewChain starts a chain at genesis, whose state is st (the chain keeps it:
// the caller must not change it). The genesis header's state root must be
// st's root.
func NewChain(proc *Processor, genesis *types.Header, st *state.State) (*Chain, error) {
	if root := st.Root(); root != genesis.Root {
		return nil, fmt.Errorf("genesis: %w: header %x, state %x", ErrStateRoot, genesis.Root, root)
	}
	n := &node{header: genesis, hash: genesis.Hash(), state: st}
	return &Chain{proc: proc, blocks: map[common.Hash]*node{n.hash: n}, head: n}, nil
}

// Head returns the head block's header.
func (c *Chain) Head() *types.Header { return c.head.header }

// State returns the post-state of the block with the given hash (nil when the
// block is unknown). The caller must not change it.
func (c *Chain) State(hash common.Hash) *state.State {
	if n := c.blocks[hash]; n != nil {
		return n.state
	}
	return nil
}

// Insert validates and executes block on top of its parent and makes it the
// head. An invalid block is not imported and leaves the chain as it was; the
// error names the block and wraps the reason (the package's Err* values, or
// ErrInvalidTx around the runtime's).
func (c *Chain) Insert(block *types.Block) (*Result, error) {
	res, err := c.insert(block)
	if err != nil {
		return nil, fmt.Errorf("block %d (%s): %w", block.NumberU64(), block.Hash().Hex(), err)
	}
	return res, nil
}

func (c *Chain) insert(block *types.Block) (*Result, error) {
	hash := block.Hash()
	if n := c.blocks[hash]; n != nil {
		c.head = n // already known: becomes the head again
		return nil, nil
	}
	header := block.Header()
	parent := c.blocks[header.ParentHash]
	if parent == nil {
		return nil, fmt.Errorf("%w: %x", ErrUnknownParent, header.ParentHash)
	}
	cfg := c.proc.ChainConfig()
	if err := VerifyHeader(cfg, parent.header, header); err != nil {
		return nil, err
	}
	if err := ValidateBody(cfg, block); err != nil {
		return nil, err
	}
	st := parent.state.Copy()
	res, err := c.proc.Process(block, st, parent.ancestorHash)
	if err != nil {
		return nil, err
	}
	if err := ValidateTxRoot(block); err != nil {
		return nil, err
	}
	if err := ValidateResult(block, res, st.Root()); err != nil {
		return nil, err
	}
	n := &node{header: header, hash: hash, parent: parent, state: st}
	c.blocks[hash] = n
	c.head = n
	return res, nil
}

// ancestorHash returns the hash of the ancestor of n (n included) with the
// given number, or zero: the BLOCKHASH of a child of n.
func (n *node) ancestorHash(number uint64) common.Hash {
	for a := n; a != nil; a = a.parent {
		switch num := a.header.Number.Uint64(); {
		case num == number:
			return a.hash
		case num < number:
			return common.Hash{}
		}
	}
	return common.Hash{}
}
