package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestRISCVSuiteShape: the cases, their default scales (read from the sources), the
// scaled variants, and ratios only between contenders that run.
func TestRISCVSuiteShape(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{"k.c": "#define SCALE 7\n", "plain.c": "int main(void) { return 0; }\n", "k.elf": "", "plain.elf": ""} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	startup := filepath.Join(dir, "exit42.elf")
	if err := os.WriteFile(startup, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := RISCVSuite(RISCVConfig{KernelDir: dir, StartupELF: startup, Engines: []string{"jit"}, Scales: []int{2, 7}, WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Cases {
		got = append(got, fmt.Sprintf("%s:%s:%d:%v:%v", c.Name, c.Group, c.Scale, c.Variant, c.Micro))
	}
	want := "[k:k:7:false:false k/scale=2:k:2:true:false plain:plain:0:false:false plain/scale=2:plain:2:true:false plain/scale=7:plain:7:true:false startup::0:false:true]"
	if fmt.Sprint(got) != want {
		t.Errorf("cases %v\nwant  %s", got, want)
	}
	var ratios []string
	for _, r := range s.Ratios {
		ratios = append(ratios, r.Name())
	}
	if fmt.Sprint(ratios) != "[jit / native qemu / native jit / native (less startup) qemu / jit]" || fmt.Sprint(s.Contenders) != "[native jit qemu]" {
		t.Errorf("ratios %v, contenders %v", ratios, s.Contenders)
	}
	if s, err := RISCVSuite(RISCVConfig{KernelDir: dir, StartupELF: filepath.Join(dir, "none.elf")}); err != nil || s.Cases[len(s.Cases)-1].Name == "startup" {
		t.Errorf("a startup case without its program: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "k.elf")); err != nil {
		t.Fatal(err)
	}
	if _, err := RISCVSuite(RISCVConfig{KernelDir: dir}); err == nil {
		t.Error("a kernel without its RISC-V build was accepted")
	}
	if _, err := RISCVSuite(RISCVConfig{KernelDir: t.TempDir()}); err == nil {
		t.Error("an empty kernel directory was accepted")
	}
}
