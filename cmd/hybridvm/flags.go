package main

// Flag parsing shared by the subcommands: flags and positional arguments may be mixed,
// a negative number is a positional argument, -h prints the usage on stdout and exits
// 0, and a flag error is one line plus a hint, not the whole usage.

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet returns a flag set that prints nothing but the error line on stderr.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return fs
}

// printUsage writes a command's usage text followed by its flags' defaults.
func printUsage(w io.Writer, fs *flag.FlagSet, text string) {
	fmt.Fprint(w, text)
	out := fs.Output()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(out)
}

// parseCommandLine parses args with fs and returns the positional arguments. ok false
// means the command should exit with status: 0 after -h (the usage is on stdout), 2
// after a flag error (one line from the flag package, then a hint, on stderr).
//
// Unlike fs.Parse alone, flags may follow positional arguments, and an argument that
// starts with '-' followed by a digit ("-1", "-0x10") is positional: no flag name
// starts with a digit. Everything after "--" is positional.
func parseCommandLine(fs *flag.FlagSet, args []string, usage string, stdout, stderr io.Writer) (positional []string, status int, ok bool) {
	flags, positional := splitArgs(fs, args)
	if err := fs.Parse(flags); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs, usage)
			return nil, 0, false
		}
		fmt.Fprintf(stderr, "Run 'hybridvm %s -h' for usage.\n", fs.Name())
		return nil, 2, false
	}
	return positional, 0, true
}

// usageError reports a usage problem found after parsing in the same way.
func usageError(stderr io.Writer, cmd, format string, args ...any) int {
	fmt.Fprintf(stderr, "hybridvm %s: %s\n", cmd, fmt.Sprintf(format, args...))
	fmt.Fprintf(stderr, "Run 'hybridvm %s -h' for usage.\n", cmd)
	return 2
}

// splitArgs separates flags (with their values) from positional arguments.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if !isFlagArg(a) {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBoolFlag(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i]) // the flag's value, whatever it looks like
		}
	}
	return flags, positional
}

// isFlagArg reports whether a looks like a flag: "-x" or "--x", not "-", not "-1".
func isFlagArg(a string) bool {
	if len(a) < 2 || a[0] != '-' {
		return false
	}
	c := a[1]
	if c == '-' {
		if len(a) == 2 {
			return false
		}
		c = a[2]
	}
	return !(c >= '0' && c <= '9') && c != '.'
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
