package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/replay"
)

// replayHook, when set (by tests), wraps the context replay imports under, and
// replayImported, when set, is called after each block imported: a test
// cancels the context there to interrupt a replay at a chosen block.
var (
	replayHook     func(context.Context) context.Context
	replayImported func()
)

// importBlocks imports blocks in order until one fails or ctx is cancelled, and
// returns the exit status: 0, 1 for a block that failed, 130 for an interruption.
func importBlocks(ctx context.Context, r *replay.Replayer, blocks []*types.Block, tty bool, stderr io.Writer) int {
	for i, b := range blocks {
		if i+1 < len(blocks) {
			r.Prefetch(blocks[i+1])
		}
		err := r.Import(ctx, b)
		if err == nil {
			if replayImported != nil {
				replayImported()
			}
			continue
		}
		if tty {
			fmt.Fprintln(stderr)
		}
		if errors.Is(err, context.Canceled) {
			if err := r.Flush(); err != nil { // the block before, hashed in the background
				fmt.Fprintln(stderr, "hybridvm replay:", err)
				return 1
			}
			fmt.Fprintf(stderr, "hybridvm replay: interrupted before block %d\n", b.NumberU64())
			return 130
		}
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 1
	}
	if err := r.Flush(); err != nil { // the last block's root
		if tty {
			fmt.Fprintln(stderr)
		}
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 1
	}
	return 0
}

// lazyFile is a buffered file created at its first write (--trace-bad: no file
// when every block is good).
type lazyFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
}

func (l *lazyFile) Write(p []byte) (int, error) {
	if l.f == nil {
		f, err := os.Create(l.path)
		if err != nil {
			return 0, err
		}
		l.f, l.w = f, bufio.NewWriterSize(f, 1<<20)
	}
	return l.w.Write(p)
}

// Close flushes and closes the file, if it was created (nil: nothing to close).
func (l *lazyFile) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.w.Flush()
	return errors.Join(err, l.f.Close())
}
