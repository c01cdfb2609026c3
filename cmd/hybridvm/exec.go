package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hybridvm/hybridvm/codecache"
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

const execUsage = `usage: hybridvm exec [--engine E] [--gas N] [--arena MIB] [--cache-dir DIR [--cache-limit SIZE]] [--stats] [--trace] PROGRAM.elf

Runs a static RV64IMAC ELF (at most 256 MiB) in exec mode (docs/abi.md, "Exec mode"):
its writes to fds 1 and 2 appear on stdout and stderr, and hybridvm exits with the
program's exit status.

Exit status: the program's own (0-255); 2 bad usage or a file that is not a loadable
RV64 ELF (missing, text, another machine, 32-bit); 128+1 out of gas; 128+2 a guest
fault, with the reason on stderr.

flags:
`

// maxExecFile bounds the ELF file exec reads (a variable so tests can lower it).
var maxExecFile int64 = 256 << 20

func runExec(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("exec", stderr)
	engineName := fs.String("engine", machine.DefaultEngine().String(), "engine: interp, jit, aot or tiered")
	gas := fs.Int64("gas", 0, "gas limit (0: unlimited)")
	stats := fs.Bool("stats", false, "print instructions, gas and wall time to stderr")
	arenaMiB := fs.Uint64("arena", 0, "arena size in MiB (0: 1024)")
	cacheDir := fs.String("cache-dir", "", "keep native code in `DIR`: a native engine compiles the whole program on first use (as aot) and writes it there, and later runs load it instead of translating")
	var cacheLimit byteSize
	cacheLimitFlag(fs, &cacheLimit)
	trace := fs.Bool("trace", false, "write one line per executed instruction (pc, disassembly, gas left) to stderr")
	files, status, ok := parseCommandLine(fs, args, execUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(files) != 1 {
		return usageError(stderr, "exec", "want exactly one program, got %d", len(files))
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
	elf, err := readFileLimited(files[0], maxExecFile)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm exec:", err)
		return 2
	}
	cfg := machine.ExecConfig{Engine: engine, Gas: *gas, ArenaSize: *arenaMiB << 20, Stdout: stdout, Stderr: stderr}
	if *cacheDir != "" {
		d, err := codecache.Open(*cacheDir, stderr)
		if err != nil {
			fmt.Fprintln(stderr, "hybridvm exec: --cache-dir:", err)
			return 2
		}
		d.SetLimit(int64(cacheLimit))
		cfg.Cache = machine.NewCache(1)
		cfg.Cache.SetDisk(d)
		if engine == machine.EngineJIT || engine == machine.EngineTiered {
			cfg.Engine = machine.EngineAOT // whole-program code is what the directory keeps
		}
	}
	if *trace {
		cfg.Tracer = newInsnTracer(stderr)
	}
	start := time.Now()
	res, err := machine.Exec(elf, cfg)
	wall := time.Since(start)
	if err != nil {
		fmt.Fprintf(stderr, "hybridvm exec: %s: %v\n", files[0], err)
		return 2
	}
	if *stats {
		secs := wall.Seconds()
		fmt.Fprintf(stderr, "instructions: %d\ngas: %d\nwall: %s\nMIPS: %.1f\n", res.Instret, res.GasUsed, wall.Round(time.Microsecond), float64(res.Instret)/secs/1e6)
		if cfg.Cache != nil {
			n := cfg.Cache.Stats().Native
			fmt.Fprintf(stderr, "translated: %d instructions\nloaded from --cache-dir: %d blocks\n", n.Insts, n.LoadedBlocks)
		}
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
