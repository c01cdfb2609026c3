// Command hybridvm runs RISC-V and EVM contracts against an embedded Ethereum-style state,
// runs standalone RV64IMAC programs, runs Ethereum state tests, and measures its engines
// against their peers (bench).
//
// Each subcommand lives in its own file and registers itself in init with register.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one subcommand: run receives the arguments after the subcommand's name and
// returns the process exit status.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

func register(c command) {
	if _, dup := commands[c.name]; dup {
		panic("BUG: subcommand registered twice: " + c.name)
	}
	commands[c.name] = c
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: hybridvm <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'hybridvm <command> -h' for a command's flags.")
}

func main() {
	os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
}

// mainArgs is main without the process: tests call it directly.
func mainArgs(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "hybridvm: unknown command %q\n", args[0])
		fmt.Fprintln(stderr, "Run 'hybridvm -h' for the list of commands.")
		return 2
	}
	return c.run(args[1:], stdout, stderr)
}
