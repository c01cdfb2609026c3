package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/machine"
)

func init() {
	register(command{
		name:    "exec",
		summary: "run a standalone RV64IMAC program (exec mode)",
		run:     runExec,
	})
}

func runExec(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	fs.SetOutput(stderr)
	engineName := fs.String("engine", machine.DefaultEngine().String(), "engine: interp, jit or aot")
	gas := fs.Int64("gas", 0, "gas limit (0: unlimited)")
	stats := fs.Bool("stats", false, "print instructions, gas and wall time to stderr")
	arenaMiB := fs.Uint64("arena", 0, "arena size in MiB (0: 1024)")
	trace := fs.Bool("trace", false, "write one line per executed instruction (pc, disassembly, gas left) to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: hybridvm exec [--engine E] [--gas N] [--stats] [--trace] PROGRAM.elf")
		fmt.Fprintln(stderr, "\nRuns a static RV64IMAC ELF: its writes to fds 1 and 2 appear on stdout and stderr,")
		fmt.Fprintln(stderr, "and hybridvm exits with the program's exit status. A guest fault or running out of")
		fmt.Fprintln(stderr, "gas exits with status 128 plus a reason on stderr.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	engine, err := machine.ParseEngine(*engineName)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm exec:", err)
		return 2
	}
	if *gas < 0 {
		fmt.Fprintln(stderr, "hybridvm exec: --gas must not be negative")
		return 2
	}
	if *arenaMiB > guest.MaxArenaSize>>20 {
		fmt.Fprintf(stderr, "hybridvm exec: --arena %d MiB is larger than the %d MiB maximum\n", *arenaMiB, guest.MaxArenaSize>>20)
		return 2
	}
	elf, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm exec:", err)
		return 1
	}
	cfg := machine.ExecConfig{Engine: engine, Gas: *gas, ArenaSize: *arenaMiB << 20, Stdout: stdout, Stderr: stderr}
	if *trace {
		cfg.Tracer = newInsnTracer(stderr)
	}
	start := time.Now()
	res, err := machine.Exec(elf, cfg)
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm exec: %s: %v\n", fs.Arg(0), err)
		return 1
	}
	if *stats {
		secs := wall.Seconds()
		fmt.Fprintf(stderr, "instructions: %d\ngas: %d\nwall: %s\nMIPS: %.1f\n", res.Instret, res.GasUsed, wall.Round(time.Microsecond), float64(res.Instret)/secs/1e6)
	}
	if res.Err != nil {
		fmt.Fprintf(stderr, "hybridvm exec: %v\n", res.Err)
		if errors.Is(res.Err, machine.ErrOutOfGas) {
			return 128 + 1
		}
		return 128 + 2
	}
	return res.Status & 0xFF
}
