package hybridvm_test

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

const modulePath = "github.com/hybridvm/hybridvm"

// TestArchitectureImports checks the package table of docs/architecture.md against
// go list: every package of the module has a row, and each row's "imports (project)"
// column is exactly the project packages it imports ("–" for none; "any" is not
// checked). In the table the root package is written "root `hybridvm`".
func TestArchitectureImports(t *testing.T) {
	goTool := testtools.Need(t, "go")[0]
	// The imports of both native architectures (machine picks its backend by build
	// constraints), whatever this test runs on.
	actual := map[string][]string{}
	for _, arch := range []string{"amd64", "arm64"} {
		cmd := exec.Command(goTool, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...")
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+arch)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("go list (%s): %v", arch, err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Fields(line)
			imps := actual[shortName(f[0])]
			for _, imp := range f[1:] {
				if (imp == modulePath || strings.HasPrefix(imp, modulePath+"/")) && !slices.Contains(imps, shortName(imp)) {
					imps = append(imps, shortName(imp))
				}
			}
			slices.Sort(imps)
			actual[shortName(f[0])] = imps
		}
	}

	doc, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := packageRows(t, string(doc))
	documented := map[string]bool{}
	for _, r := range rows {
		for _, pkg := range r.pkgs {
			imps, ok := actual[pkg]
			if !ok {
				if _, err := os.Stat(pkg); err != nil {
					t.Errorf("docs/architecture.md lists %q: neither a package of the module nor a folder", pkg)
				}
				continue
			}
			documented[pkg] = true
			if r.any {
				continue
			}
			if !slices.Equal(imps, r.imports) {
				t.Errorf("docs/architecture.md: %s imports %v, go list says %v", pkg, r.imports, imps)
			}
		}
	}
	for pkg := range actual {
		if !documented[pkg] {
			t.Errorf("package %s has no row in docs/architecture.md", pkg)
		}
	}
}

// shortName turns an import path of the module into the table's names ("hybridvm" for
// the root package).
func shortName(path string) string {
	if path == modulePath {
		return "hybridvm"
	}
	return strings.TrimPrefix(path, modulePath+"/")
}

type packageRow struct {
	pkgs, imports []string // sorted
	any           bool
}

var backticked = regexp.MustCompile("`([^`]+)`")

// packageRows parses the table under "## Packages".
func packageRows(t *testing.T, doc string) []packageRow {
	t.Helper()
	_, sect, ok := strings.Cut(doc, "## Packages\n")
	if !ok {
		t.Fatal(`docs/architecture.md has no "## Packages" section`)
	}
	sect, _, _ = strings.Cut(sect, "\n## ")
	var rows []packageRow
	for _, line := range strings.Split(sect, "\n") {
		cols := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| `") && !strings.HasPrefix(line, "| root `") {
			continue
		}
		if len(cols) < 3 {
			t.Fatalf("malformed row: %s", line)
		}
		last := strings.TrimSuffix(strings.TrimSpace(cols[len(cols)-1]), "|")
		r := packageRow{pkgs: names(cols[0]), imports: names(last), any: strings.TrimSpace(last) == "any"}
		if len(r.imports) == 0 && !r.any && strings.TrimSpace(last) != "–" {
			t.Errorf("row %s: imports column %q is neither a list, – nor any", cols[0], last)
			continue
		}
		rows = append(rows, r)
	}
	if len(rows) < 10 {
		t.Fatalf("only %d package rows found in docs/architecture.md", len(rows))
	}
	return rows
}

// names returns the backticked names of a column, sorted, with folder slashes trimmed.
func names(col string) []string {
	var ns []string
	for _, m := range backticked.FindAllStringSubmatch(col, -1) {
		ns = append(ns, strings.TrimSuffix(m[1], "/"))
	}
	slices.Sort(ns)
	return ns
}

// TestDocCitations: comments and documents cite only files inside the repository, and a
// section of docs/abi.md that they name by its heading exists.
func TestDocCitations(t *testing.T) {
	abi, err := os.ReadFile("docs/abi.md")
	if err != nil {
		t.Fatal(err)
	}
	headings := map[string]bool{}
	for _, line := range strings.Split(string(abi), "\n") {
		if h, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " "); ok && strings.HasPrefix(line, "##") {
			headings[strings.TrimSpace(h)] = true
		}
	}
	// Design notes outside the repository (spelt in pieces so this file does not match).
	outside := regexp.MustCompile(`\b(ABI|ARCHITECTURE|CONVENTIONS)\.md\b|shared/` + `design`)
	section := regexp.MustCompile("docs/abi\\.md`?(?:,\\s*|\\s+\\(?)\"([^\"]{1,80})\"")
	continuation := regexp.MustCompile(`\s*\n\s*(?://|\*|#)?\s*`)
	text := map[string]bool{".go": true, ".md": true, ".c": true, ".h": true, ".S": true, ".ld": true, ".mk": true, ".sh": true, ".sol": true}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !text[filepath.Ext(path)] && d.Name() != "Makefile" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range outside.FindAllString(string(b), -1) {
			t.Errorf("%s cites %q, which is not in the repository", path, m)
		}
		for _, m := range section.FindAllStringSubmatch(string(b), -1) {
			if name := continuation.ReplaceAllString(m[1], " "); !headings[name] {
				t.Errorf("%s cites docs/abi.md section %q, which does not exist", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadmeFigures: the README quotes the benchmark pages' recorded runs, not figures
// of its own: the kernel table's rows are bench/riscv/README.md's, and the EVM headline
// is computed from bench/evm/README.md's table.
func TestReadmeFigures(t *testing.T) {
	readme := readDoc(t, "README.md")
	riscv := readDoc(t, "bench/riscv/README.md")
	rows := func(doc string, width int) map[string][]string {
		m := map[string][]string{}
		for _, line := range strings.Split(doc, "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "|") {
				continue
			}
			cols := strings.Split(strings.Trim(line, "|"), "|")
			if len(cols) == width && !strings.HasPrefix(strings.TrimSpace(cols[0]), "---") {
				for i := range cols {
					cols[i] = strings.Trim(strings.TrimSpace(cols[i]), "*")
				}
				m[cols[0]] = cols
			}
		}
		return m
	}
	// README: kernel, native, jit, jit/native, jit/native less startup, interp/native, qemu/native.
	// bench/riscv: kernel, native, jit, jit/native, jit/native less startup, aot, aot/native,
	// interp, interp/native, qemu, qemu/native.
	ours, theirs := rows(readme, 7), rows(riscv, 11)
	n := 0
	for kernel, r := range ours {
		if kernel == "kernel" {
			continue
		}
		b, ok := theirs[kernel]
		if !ok {
			continue // another table of the README
		}
		n++
		want := []string{b[0], b[1], b[2], b[3], b[4], b[8], b[10]}
		if !slices.Equal(r, want) {
			t.Errorf("README kernel row %v, bench/riscv/README.md's run says %v", r, want)
		}
	}
	if n != 9 {
		t.Errorf("%d kernel rows of the README found in bench/riscv/README.md, want 8 and the geometric mean", n)
	}
	jitVsInterp := regexp.MustCompile(`jit: ([0-9.]+)× faster than interp, ([0-9.]+)× faster than qemu`).FindStringSubmatch(riscv)
	if jitVsInterp == nil || !strings.Contains(readme, jitVsInterp[1]+"× faster than the interpreter; "+jitVsInterp[2]+"× faster than qemu") {
		t.Errorf("the README's JIT vs interpreter and qemu figures are not bench/riscv/README.md's %q", jitVsInterp)
	}

	// EVM: the geometric means with and without the JUMPDEST micro-cases, the slowest case.
	var all, real []float64
	slowest := 0.0
	for _, line := range strings.Split(readDoc(t, "bench/evm/README.md"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || !(strings.HasPrefix(f[0], "main/") || strings.HasPrefix(f[0], "micro/")) {
			continue
		}
		var r float64
		if _, err := fmt.Sscanf(f[len(f)-1], "%fx", &r); err != nil {
			t.Fatalf("bench/evm/README.md: %q: %v", line, err)
		}
		all = append(all, r)
		if !strings.Contains(strings.ToLower(f[0]), "jumpdest") {
			real = append(real, r)
			if slowest == 0 || r < slowest {
				slowest = r
			}
		}
	}
	if len(all) != 27 || len(real) != 25 {
		t.Fatalf("bench/evm/README.md: %d cases, %d without the JUMPDEST ones; want 27 and 25", len(all), len(real))
	}
	for _, want := range []string{
		fmt.Sprintf("%.2f× geth on the geometric mean of the 25 real cases", geomean(real)),
		fmt.Sprintf("(%.2f× with the two JUMPDEST micro-cases", geomean(all)),
		fmt.Sprintf("slowest case %.2f×", slowest),
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("README does not say %q (computed from bench/evm/README.md's table)", want)
		}
	}
}

func geomean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += math.Log(x)
	}
	return math.Exp(s / float64(len(xs)))
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
