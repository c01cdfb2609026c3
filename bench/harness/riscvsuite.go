package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hybridvm/hybridvm/machine"
)

// RISCVConfig configures the riscv suite.
type RISCVConfig struct {
	KernelDir  string   // the kernels: <k>.c and its committed RV64IMAC build <k>.elf (bench/kernels)
	StartupELF string   // a program that exits 42 at once (testdata/riscv/exec/exitcode.elf); no startup case without it
	Hybridvm   string   // the hybridvm binary whose `exec --engine E` runs the ELFs
	Engines    []string // hybridvm engines to run (jit, aot, interp)
	// Baseline, when set, is another hybridvm binary (an older build): each engine
	// E also runs on it as contender "E@base", in turns with the others, and the
	// ratio "E / E@base" compares the two builds on the same machine at the same
	// moments (a paired run: what holds on a noisy machine).
	Baseline string
	Scales   []int  // further SCALE values to build and run each kernel at
	Wall     bool   // time wall clock instead of the child's CPU time
	WorkDir  string // where the native and scaled builds go
}

// Flags of the kernels' two builds (bench/kernels/Makefile).
var (
	rvCFlags     = []string{"-O2", "-march=rv64imac", "-mabi=lp64", "-msmall-data-limit=0", "-ffreestanding", "-nostdlib", "-nostartfiles", "-static", "-Wall", "-Wextra", "-Werror", "-Wl,--build-id=none"}
	nativeCFlags = []string{"-O2", "-Wall", "-Wextra", "-Werror"}
)

// RISCVSuite is the riscv suite: each kernel of bench/kernels natively (gcc -O2),
// under qemu-riscv64, and on hybridvm's engines (`hybridvm exec`, a process per run, as
// a user runs it: start-up included), every one checked to print the same line and
// exit 0; plus "startup", a micro-case that does nothing, which measures each
// runner's start-up. A sample is one process; its time is the child's user + system
// CPU time (wall time with Wall).
func RISCVSuite(cfg RISCVConfig) (*Suite, error) {
	srcs, err := filepath.Glob(filepath.Join(cfg.KernelDir, "*.c"))
	if err != nil {
		return nil, err
	}
	if len(srcs) == 0 {
		return nil, fmt.Errorf("no kernels (*.c) in %s", cfg.KernelDir)
	}
	sort.Strings(srcs)
	s := &Suite{Name: "riscv", Bench: "RISCV", RateUnit: "MIPS", MicroNote: "startup, a program that does nothing"}
	s.Contenders = append([]string{"native"}, cfg.Engines...)
	if cfg.Baseline != "" {
		for _, e := range cfg.Engines {
			s.Contenders = append(s.Contenders, e+baseSuffix)
			s.Ratios = append(s.Ratios, Ratio{Num: e, Den: e + baseSuffix})
		}
	}
	s.Contenders = append(s.Contenders, "qemu")
	for _, e := range cfg.Engines {
		s.Ratios = append(s.Ratios, Ratio{Num: e, Den: "native"})
	}
	s.Ratios = append(s.Ratios, Ratio{Num: "qemu", Den: "native"})
	if _, err := os.Stat(cfg.StartupELF); err == nil {
		// The steady state: each side's start-up (the startup case) taken off.
		for _, e := range cfg.Engines {
			s.Ratios = append(s.Ratios, Ratio{Num: e, Den: "native", Less: "startup"})
		}
	}
	interp := slices.Contains(cfg.Engines, "interp")
	for _, e := range cfg.Engines {
		if e != "interp" {
			if interp {
				s.Ratios = append(s.Ratios, Ratio{Num: "interp", Den: e})
			}
			s.Ratios = append(s.Ratios, Ratio{Num: "qemu", Den: e})
		}
	}
	s.Notes = []string{
		"x / native: how many times longer x takes than the gcc -O2 build; interp / jit: how many times faster the JIT is.",
		"MIPS: millions of RISC-V instructions (counted by hybridvm) per second of the contender's time, for all contenders.",
		"Every run is a process: its start-up is included (see the startup case); x / native (less startup) takes each side's startup median off its median first: the steady state.",
	}
	if cfg.Baseline != "" {
		s.Notes = append(s.Notes, "E@base: engine E on the --baseline binary ("+cfg.Baseline+"), taken in turns with the others; E / E@base below 1 is the build measured being faster.")
	}
	r := &riscvRunner{cfg: cfg}
	for _, src := range srcs {
		name := strings.TrimSuffix(filepath.Base(src), ".c")
		elf := filepath.Join(cfg.KernelDir, name+".elf")
		if _, err := os.Stat(elf); err != nil {
			return nil, fmt.Errorf("kernel %s has no RISC-V build %s (make -C bench/kernels)", name, elf)
		}
		def := defaultScale(src)
		s.Cases = append(s.Cases, r.kernelCase(name, name, src, def, 0, func() (string, error) { return elf, nil }))
		for _, sc := range cfg.Scales {
			if sc == def {
				continue
			}
			out := filepath.Join(cfg.WorkDir, fmt.Sprintf("%s-scale%d.elf", name, sc))
			build := sync.OnceValues(func() (string, error) {
				return out, compile("riscv64-unknown-elf-gcc", rvCFlags, sc, src, out, "-lgcc")
			})
			v := r.kernelCase(fmt.Sprintf("%s/scale=%d", name, sc), name, src, sc, sc, build)
			v.Variant = true
			s.Cases = append(s.Cases, v)
		}
	}
	if _, err := os.Stat(cfg.StartupELF); err == nil {
		s.Cases = append(s.Cases, r.startupCase())
	}
	return s, nil
}

// scaleDefine is compiled on first use: every hybridvm process links this package.
var scaleDefine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^#define SCALE (\d+)`) })

// defaultScale is the SCALE a kernel source defines when none is given, 0 if unknown.
func defaultScale(src string) int {
	b, err := os.ReadFile(src)
	if err != nil {
		return 0
	}
	m := scaleDefine().FindSubmatch(b)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}

type riscvRunner struct{ cfg RISCVConfig }

// kernelCase is one kernel at one scale; scale 0 means the default build (the
// committed ELF, no -DSCALE for the native build).
func (r *riscvRunner) kernelCase(name, group, src string, scaleValue, scale int, elf func() (string, error)) *Case {
	native := sync.OnceValues(func() (string, error) {
		out := filepath.Join(r.cfg.WorkDir, filepath.Base(name))
		if scale != 0 {
			out = filepath.Join(r.cfg.WorkDir, fmt.Sprintf("%s-scale%d", group, scale))
		}
		return out, compile("gcc", nativeCFlags, scale, src, out)
	})
	ref := &reference{}
	return &Case{
		Name: name, Group: group, Scale: scaleValue,
		Prepare: func(contender string) (Sampler, error) {
			var argv []string
			if contender == "native" {
				bin, err := native()
				if err != nil {
					return nil, err
				}
				argv = []string{bin}
			} else {
				e, err := elf()
				if err != nil {
					return nil, err
				}
				if argv, err = r.argv(contender, e); err != nil {
					return nil, err
				}
			}
			return r.checkedSampler(contender, argv, 0, true, ref)
		},
	}
}

// startupCase runs a program that does nothing: /bin/true natively, an ELF that exits
// 42 at once elsewhere.
func (r *riscvRunner) startupCase() *Case {
	ref := &reference{}
	return &Case{
		Name: "startup", Micro: true,
		Prepare: func(contender string) (Sampler, error) {
			if contender == "native" {
				t, err := lookPath("true")
				if err != nil {
					return nil, err
				}
				return r.checkedSampler(contender, []string{t}, 0, false, ref)
			}
			argv, err := r.argv(contender, r.cfg.StartupELF)
			if err != nil {
				return nil, err
			}
			return r.checkedSampler(contender, argv, 42, false, ref)
		},
	}
}

// argv is the command running elf on a contender other than native.
func (r *riscvRunner) argv(contender, elf string) ([]string, error) {
	if contender == "qemu" {
		q, err := lookPath("qemu-riscv64-static", "qemu-riscv64")
		if err != nil {
			return nil, err
		}
		return []string{q, elf}, nil
	}
	bin, engine := r.cfg.Hybridvm, contender
	if e, ok := strings.CutSuffix(contender, baseSuffix); ok {
		bin, engine = r.cfg.Baseline, e
	}
	if engine != "interp" && !machine.NativeAvailable() {
		return nil, Missing("a native backend for " + engine + " on this architecture")
	}
	return []string{bin, "exec", "--stats", "--engine", engine, elf}, nil
}

// baseSuffix names an engine's contender on RISCVConfig.Baseline.
const baseSuffix = "@base"

// reference is a case's expected output: the first contender's that ran it.
type reference struct {
	mu    sync.Mutex
	out   string
	owner string
}

// check compares out with the reference, setting it if there is none yet.
func (ref *reference) check(contender, out string) error {
	ref.mu.Lock()
	defer ref.mu.Unlock()
	if ref.owner == "" {
		ref.out, ref.owner = out, contender
		return nil
	}
	if out != ref.out {
		return fmt.Errorf("printed %q, %s printed %q", out, ref.owner, ref.out)
	}
	return nil
}

// checkedSampler runs argv once to check it (exit status, output against the
// reference) and returns a sampler that runs and checks it again each time. With
// work, a sample's work is the instruction count hybridvm reports.
func (r *riscvRunner) checkedSampler(contender string, argv []string, wantExit int, work bool, ref *reference) (Sampler, error) {
	run := func() (Sample, error) {
		res, err := runProcess(argv, r.cfg.Wall)
		if err != nil {
			return Sample{}, err
		}
		if res.exit != wantExit {
			return Sample{}, fmt.Errorf("%s exited with status %d, want %d%s", filepath.Base(argv[0]), res.exit, wantExit, tail(res.stderr))
		}
		if err := ref.check(contender, res.stdout); err != nil {
			return Sample{}, err
		}
		s := Sample{Ns: float64(res.time), Ops: 1}
		if work {
			s.Work = float64(res.instret)
		}
		return s, nil
	}
	if _, err := run(); err != nil {
		return nil, err
	}
	return run, nil
}

// tail is the end of a process's stderr for an error message.
func tail(stderr string) string {
	stderr = strings.TrimSpace(stderr)
	if stderr == "" {
		return ""
	}
	if len(stderr) > 200 {
		stderr = "…" + stderr[len(stderr)-200:]
	}
	return ": " + stderr
}

// lookPath finds the first of names on PATH, or returns a *MissingError naming them.
func lookPath(names ...string) (string, error) {
	for _, n := range names {
		if p, err := execLookPath(n); err == nil {
			return p, nil
		}
	}
	return "", Missing(strings.Join(names, " or "))
}

// compile builds src into out with cc and flags (and -DSCALE=scale when scale is not 0).
func compile(cc string, flags []string, scale int, src, out string, libs ...string) error {
	path, err := lookPath(cc)
	if err != nil {
		return err
	}
	args := append([]string{}, flags...)
	if scale != 0 {
		args = append(args, fmt.Sprintf("-DSCALE=%d", scale))
	}
	args = append(args, "-o", out, src)
	args = append(args, libs...)
	if msg, err := execCombined(path, args...); err != nil {
		return fmt.Errorf("building %s: %s: %v%s", filepath.Base(src), cc, err, tail(msg))
	}
	return nil
}
