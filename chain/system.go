package chain

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

// systemCallGas is the gas of a system call (EIP-4788, EIP-2935, EIP-7002,
// EIP-7251): 30M, not charged to anyone and not counted in the block's gas.
const systemCallGas = 30_000_000

// depositTopic is the topic of the deposit contract's DepositEvent (EIP-6110).
var depositTopic = common.HexToHash("0x649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5")

// Request types (EIP-7685).
const (
	depositRequestType       = 0x00
	withdrawalRequestType    = 0x01
	consolidationRequestType = 0x02
)

// systemCall calls the contract at to from the system address as its own
// transaction (EIP-4788's procedure, shared by EIP-2935, EIP-7002 and
// EIP-7251): gas price zero, the target warm, the state finalised after.
func (p *Processor) systemCall(r *runtime.Runtime, db runtime.TxStateDB, blk *runtime.Block, fork host.Fork, to common.Address, input []byte) host.Result {
	db.BeginTx()
	if pr, ok := db.(runtime.TxPreparer); ok {
		// go-ethereum prepares its access list with zero sender and coinbase.
		pr.PrepareTx(common.Address{}, common.Address{}, nil, nil)
	}
	r.SetContext(host.TxContext{
		Origin:      params.SystemAddress,
		Coinbase:    blk.Coinbase,
		Number:      blk.Number,
		Timestamp:   blk.Timestamp,
		GasLimit:    blk.GasLimit,
		PrevRandao:  blk.PrevRandao,
		ChainID:     blk.ChainID,
		BaseFee:     blk.BaseFee,
		BlobBaseFee: runtime.BlobBaseFee(fork, blk.ExcessBlobGas),
	}, blk.GetHash)
	db.AddAddressToAccessList(to)
	msg := &host.Message{Kind: host.KindCall, Gas: systemCallGas, Sender: params.SystemAddress, Recipient: to, CodeAddress: to, Input: input}
	res := r.Call(msg)
	res.Output = append([]byte(nil), res.Output...)
	db.FinaliseTx()
	return res
}

// requests gathers the block's EIP-7685 requests (Prague): the deposits of
// the deposit contract's logs (EIP-6110), then what the withdrawal (EIP-7002)
// and consolidation (EIP-7251) queue contracts return. Empty lists are left out.
func (p *Processor) requests(r *runtime.Runtime, db runtime.TxStateDB, blk *runtime.Block, fork host.Fork, receipts types.Receipts) ([][]byte, error) {
	requests := [][]byte{}
	deposits := []byte{depositRequestType}
	for _, rc := range receipts {
		for _, l := range rc.Logs {
			if l.Address != p.cfg.Chain.DepositContractAddress || len(l.Topics) == 0 || l.Topics[0] != depositTopic {
				continue
			}
			req, err := types.DepositLogToRequest(l.Data)
			if err != nil {
				return nil, fmt.Errorf("%w: transaction %d: %v", ErrDeposits, rc.TransactionIndex, err)
			}
			deposits = append(deposits, req...)
		}
	}
	if len(deposits) > 1 {
		requests = append(requests, deposits)
	}
	queues := []struct {
		name string
		typ  byte
		addr common.Address
	}{
		{"withdrawal queue (EIP-7002)", withdrawalRequestType, params.WithdrawalQueueAddress},
		{"consolidation queue (EIP-7251)", consolidationRequestType, params.ConsolidationQueueAddress},
	}
	for _, q := range queues {
		if db.GetCodeSize(q.addr) == 0 {
			return nil, fmt.Errorf("%w: %s: no code at %v", ErrSystemCall, q.name, q.addr)
		}
		res := p.systemCall(r, db, blk, fork, q.addr, nil)
		if res.Status != host.StatusSuccess {
			return nil, fmt.Errorf("%w: %s: %v", ErrSystemCall, q.name, res.Err)
		}
		if len(res.Output) > 0 {
			requests = append(requests, append([]byte{q.typ}, res.Output...))
		}
	}
	return requests, nil
}
