// Command riscv is the RISC-V kernel benchmark harness behind `make bench-riscv`
// (scripts/bench-riscv.sh): it runs every kernel of bench/kernels natively (gcc -O2),
// on hybridvm's JIT and interpreter (`hybridvm exec --engine ...`) and under
// qemu-riscv64-static, checks that all print the same line, and prints a table of
// times (best of -runs) with ratios to native and geometric means. The time is the
// child's CPU time (user + system) by default, which a busy machine disturbs far
// less than wall time; -wall measures wall time instead.
//
// It imports nothing from the project: it measures the CLI as a user runs it.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

type runner struct {
	name string
	cmd  func(kernel string) []string
}

func main() {
	kernelDir := flag.String("kernels", "bench/kernels", "directory with the kernels' RISC-V ELFs")
	nativeDir := flag.String("native", "bench/kernels/.bin/native", "directory with the native builds")
	hvm := flag.String("hybridvm", "bin/hybridvm", "the hybridvm binary")
	qemu := flag.String("qemu", "qemu-riscv64-static", "qemu-user binary (empty: skip)")
	runs := flag.Int("runs", 3, "runs per measurement (the best counts)")
	engines := flag.String("engines", "jit,interp", "hybridvm engines to run")
	only := flag.String("only", "", "comma-separated kernels (default: all)")
	flag.BoolVar(&useWall, "wall", false, "measure wall time instead of CPU time")
	var extra multiFlag
	flag.Var(&extra, "also", "another hybridvm build to compare, as label=path:engine (repeatable)")
	flag.Parse()

	kernels := []string{"fib", "sieve", "sha256", "keccak", "matmul", "crc32", "branchy", "divrem"}
	if *only != "" {
		kernels = strings.Split(*only, ",")
	}
	// The null program measures each runner's start-up: a do-nothing native binary
	// (/bin/true) and testdata/riscv/exec/exitcode.elf (3 instructions) on the others.
	nullELF := filepath.Join(filepath.Dir(*kernelDir), "..", "testdata", "riscv", "exec", "exitcode.elf")
	runners := []runner{{"native", func(k string) []string {
		if k == nullKernel {
			return []string{"/bin/true"}
		}
		return []string{filepath.Join(*nativeDir, k)}
	}}}
	elf := func(k string) string {
		if k == nullKernel {
			return nullELF
		}
		return filepath.Join(*kernelDir, k+".elf")
	}
	for _, e := range strings.Split(*engines, ",") {
		e := e
		runners = append(runners, runner{e, func(k string) []string {
			return []string{*hvm, "exec", "--engine", e, elf(k)}
		}})
	}
	for _, x := range extra {
		label, rest, ok1 := strings.Cut(x, "=")
		path, engine, ok2 := strings.Cut(rest, ":")
		if !ok1 || !ok2 {
			fmt.Fprintf(os.Stderr, "-also %q: want label=path:engine\n", x)
			os.Exit(2)
		}
		runners = append(runners, runner{label, func(k string) []string {
			return []string{path, "exec", "--engine", engine, elf(k)}
		}})
	}
	if *qemu != "" {
		runners = append(runners, runner{"qemu", func(k string) []string { return []string{*qemu, elf(k)} }})
	}

	times := make([][]float64, len(kernels))
	failed := false
	for i, k := range kernels {
		times[i] = make([]float64, len(runners))
		for j := range times[i] {
			times[i][j] = math.Inf(1)
		}
		var want string
		// Round-robin over the runners, so a busy moment hurts all of them alike.
		for n := 0; n < *runs; n++ {
			for j, r := range runners {
				out, d, err := run(r.cmd(k))
				if err != nil {
					fmt.Fprintf(os.Stderr, "%s on %s: %v\n%s", k, r.name, err, out)
					failed = true
					continue
				}
				if j == 0 && n == 0 {
					want = out
				} else if out != want {
					fmt.Fprintf(os.Stderr, "%s on %s printed %q, native printed %q\n", k, r.name, out, want)
					failed = true
				}
				times[i][j] = math.Min(times[i][j], d.Seconds())
			}
		}
		for j, r := range runners {
			fmt.Fprintf(os.Stderr, "%-8s %-7s %8.3fs\n", k, r.name, times[i][j])
		}
	}
	startup := make([]float64, len(runners))
	for j, r := range runners {
		startup[j] = math.Inf(1)
		for n := 0; n < *runs+2; n++ {
			if _, d, err := run(r.cmd(nullKernel)); err == nil || isExit42(err) {
				startup[j] = math.Min(startup[j], d.Seconds())
			}
		}
	}
	printTable(kernels, runners, times, startup)
	if failed {
		os.Exit(1)
	}
}

var useWall bool

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func run(argv []string) (string, time.Duration, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if useWall || cmd.ProcessState == nil {
		return strings.TrimSpace(out.String()), wall, err
	}
	return strings.TrimSpace(out.String()), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), err
}

// nullKernel names the start-up measurement.
const nullKernel = "(start-up)"

func isExit42(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && ee.ExitCode() == 42
}

func printTable(kernels []string, runners []runner, times [][]float64, startup []float64) {
	var head, rule strings.Builder
	head.WriteString("| kernel |")
	rule.WriteString("| --- |")
	for j, r := range runners {
		if j == 0 {
			head.WriteString(" native (s) |")
			rule.WriteString(" ---: |")
			continue
		}
		fmt.Fprintf(&head, " %s (s) | %s / native |", r.name, r.name)
		rule.WriteString(" ---: | ---: |")
	}
	fmt.Println(head.String())
	fmt.Println(rule.String())
	logs := make([]float64, len(runners))
	for i, k := range kernels {
		fmt.Printf("| %s |", k)
		for j := range runners {
			t := times[i][j]
			if j == 0 {
				fmt.Printf(" %.3f |", t)
				continue
			}
			r := t / times[i][0]
			logs[j] += math.Log(r)
			fmt.Printf(" %.3f | %.2f× |", t, r)
		}
		fmt.Println()
	}
	fmt.Print("| **geometric mean** |  |")
	for j := 1; j < len(runners); j++ {
		fmt.Printf("  | **%.2f×** |", math.Exp(logs[j]/float64(len(kernels))))
	}
	fmt.Println()
	// The same with each process's start-up (the null program's time) taken out: the
	// speed of the code itself.
	var su, net []string
	for j, r := range runners {
		su = append(su, fmt.Sprintf("%s %.1f ms", r.name, startup[j]*1e3))
		if j == 0 {
			continue
		}
		var l float64
		for i := range kernels {
			l += math.Log((times[i][j] - startup[j]) / (times[i][0] - startup[0]))
		}
		net = append(net, fmt.Sprintf("%s %.2f×", r.name, math.Exp(l/float64(len(kernels)))))
	}
	fmt.Printf("\nstart-up (a null program): %s\n", strings.Join(su, ", "))
	fmt.Printf("geometric mean / native without start-up: %s\n", strings.Join(net, ", "))
	// Each hybridvm engine against the interpreter and qemu, on the geometric mean.
	ref := map[string]int{}
	for j, r := range runners {
		ref[r.name] = j
	}
	for j := 1; j < len(runners); j++ {
		name := runners[j].name
		if name == "interp" || name == "qemu" {
			continue
		}
		var parts []string
		for _, other := range []string{"interp", "qemu"} {
			if l, ok := ref[other]; ok {
				parts = append(parts, fmt.Sprintf("%.1f× faster than %s", math.Exp((logs[l]-logs[j])/float64(len(kernels))), other))
			}
		}
		if len(parts) > 0 {
			fmt.Printf("\n%s: %s (geometric means)", name, strings.Join(parts, ", "))
		}
	}
	fmt.Println()
}
