package harness

import (
	"fmt"
	"io"
)

// progress rewrites one status line on a terminal; with no writer it does nothing, so
// that a pipe gets nothing extra.
type progress struct {
	w      io.Writer
	prefix string
	shown  bool
}

func newProgress(w io.Writer, suite string) *progress { return &progress{w: w, prefix: suite + ": "} }

func (p *progress) show(format string, args ...any) {
	if p.w == nil {
		return
	}
	// Carriage return, the line, then erase to its end.
	fmt.Fprintf(p.w, "\r%s%s\x1b[K", p.prefix, fmt.Sprintf(format, args...))
	p.shown = true
}

// done erases the line.
func (p *progress) done() {
	if p.w != nil && p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
