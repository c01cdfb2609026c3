package evm

import (
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"sync"
)

// JSONTracer writes one JSON object per executed instruction, byte for byte what
// go-ethereum's `evm --json` (logger.NewJSONLogger with its default configuration: no memory,
// no return data, stack on) writes:
//
//	{"pc":0,"op":96,"gas":"0x2540be400","gasCost":"0x3","memSize":0,"stack":[],"depth":1,"refund":0,"opName":"PUSH1"}
//
// with "error" appended when the step failed, and a summary line when a frame ends:
//
//	{"output":"","gasUsed":"0x3","error":"execution reverted"}
//
// It is safe for concurrent use (lines are not interleaved), though a trace is only
// meaningful for one transaction at a time.
type JSONTracer struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
	err error
}

// NewJSONTracer returns a tracer writing to w.
func NewJSONTracer(w io.Writer) *JSONTracer { return &JSONTracer{w: w} }

// Err returns the first write error, if any.
func (t *JSONTracer) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// OnOpcode implements Tracer.
func (t *JSONTracer) OnOpcode(pc uint64, op OpCode, gas, cost uint64, scope *Scope, depth int, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf[:0]
	b = append(b, `{"pc":`...)
	b = strconv.AppendUint(b, pc, 10)
	b = append(b, `,"op":`...)
	b = strconv.AppendUint(b, uint64(op), 10)
	b = append(b, `,"gas":"0x`...)
	b = strconv.AppendUint(b, gas, 16)
	b = append(b, `","gasCost":"0x`...)
	b = strconv.AppendUint(b, cost, 16)
	b = append(b, `","memSize":`...)
	b = strconv.AppendInt(b, int64(len(scope.Memory())), 10)
	b = append(b, `,"stack":[`...)
	for i, v := range scope.Stack() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, v.Hex()...)
		b = append(b, '"')
	}
	b = append(b, `],"depth":`...)
	b = strconv.AppendInt(b, int64(depth), 10)
	b = append(b, `,"refund":`...)
	b = strconv.AppendUint(b, scope.Host().GetRefund(), 10)
	b = append(b, `,"opName":"`...)
	b = append(b, op.String()...)
	b = append(b, '"')
	if err != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, err.Error())
	}
	b = append(b, "}\n"...)
	t.buf = b
	t.write(b)
}

// OnExit implements Tracer: it writes the frame's summary line.
func (t *JSONTracer) OnExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = appendSummary(t.buf[:0], output, gasUsed, err)
	t.write(t.buf)
}

func (t *JSONTracer) write(b []byte) {
	if t.err != nil {
		return
	}
	_, t.err = t.w.Write(b)
}

// appendSummary appends the line go-ethereum's JSON logger writes when a frame ends:
// {"output":"<hex, no prefix>","gasUsed":"0x..."} with "error" when err is not nil.
func appendSummary(b []byte, output []byte, gasUsed uint64, err error) []byte {
	b = append(b, `{"output":"`...)
	b = hex.AppendEncode(b, output)
	b = append(b, `","gasUsed":"0x`...)
	b = strconv.AppendUint(b, gasUsed, 16)
	b = append(b, '"')
	if err != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, err.Error())
	}
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string the way encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}
