//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package main

import "io"

// isTerminal reports false: on this system there is no portable test for a terminal.
func isTerminal(w io.Writer) bool { return false }
