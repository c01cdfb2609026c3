package hybridvm_test

import (
	"io/fs"
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
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	actual := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		var imps []string
		for _, imp := range f[1:] {
			if imp == modulePath || strings.HasPrefix(imp, modulePath+"/") {
				imps = append(imps, shortName(imp))
			}
		}
		slices.Sort(imps)
		actual[shortName(f[0])] = imps
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
		if h, ok := strings.CutPrefix(line, "## "); ok {
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
