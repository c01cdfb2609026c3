package machine

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

const riscvTestdata = "../testdata/riscv"

func readELF(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(riscvTestdata, rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestISA runs the self-checking ISA test programs: each exits 0 when every check
// passes, or with the number of the failing check (its name on stderr).
func TestISA(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(riscvTestdata, "isa", "*.elf"))
	if len(files) < 7 {
		t.Fatalf("found %d ISA test programs in %s, want at least 7", len(files), riscvTestdata)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			var stderr bytes.Buffer
			res := runProgram(t, readELF(t, filepath.Join("isa", name)), ExecConfig{Stderr: &stderr})
			if !res.Exited || res.Status != 0 {
				t.Fatalf("exit %v status %d err %v stderr %q", res.Exited, res.Status, res.Err, stderr.String())
			}
		})
	}
}

// TestISAUnderQEMU runs the same programs under qemu-riscv64-static, the reference the
// tests were written against; csr needs machine mode, which qemu-user does not give.
func TestISAUnderQEMU(t *testing.T) {
	qemu := testtools.Need(t, "qemu-riscv64-static")[0]
	files, _ := filepath.Glob(filepath.Join(riscvTestdata, "isa", "*.elf"))
	for _, f := range files {
		if strings.HasSuffix(f, "csr.elf") {
			continue
		}
		out, err := exec.Command(qemu, f).CombinedOutput()
		if err != nil {
			t.Errorf("%s under qemu: %v\n%s", filepath.Base(f), err, out)
		}
	}
}

func TestExecPrograms(t *testing.T) {
	var out, errOut bytes.Buffer
	res := runProgram(t, readELF(t, "exec/hello.elf"), ExecConfig{Stdout: &out, Stderr: &errOut})
	if !res.Exited || res.Status != 0 || out.String() != "hello, world\n" || errOut.Len() == 0 {
		t.Errorf("hello: exit %v %d stdout %q stderr %q", res.Exited, res.Status, out.String(), errOut.String())
	}
	res = runProgram(t, readELF(t, "exec/exitcode.elf"), ExecConfig{})
	if !res.Exited || res.Status != 42 {
		t.Errorf("exitcode: exit %v %d", res.Exited, res.Status)
	}
	res = runProgram(t, readELF(t, "exec/bss_zero.elf"), ExecConfig{})
	if !res.Exited || res.Status != 0 {
		t.Errorf("bss_zero: exit %v %d err %v", res.Exited, res.Status, res.Err)
	}
}

// TestHandComputedGas: testdata/riscv/gas/gas.S documents its gas (168) and instruction
// count (60) computed by hand from docs/abi.md's weights.
func TestHandComputedGas(t *testing.T) {
	elf := readELF(t, "gas/gas.elf")
	res := runProgram(t, elf, ExecConfig{})
	if !res.Exited || res.Status != 55 || res.Instret != 60 || res.GasUsed != 168 {
		t.Errorf("exit %v %d instret %d gas %d, want exit 55, 60 instructions, 168 gas", res.Exited, res.Status, res.Instret, res.GasUsed)
	}
	res = runProgram(t, elf, ExecConfig{Gas: 167})
	if !errors.Is(res.Err, ErrOutOfGas) {
		t.Errorf("with 167 gas: %v, want out of gas", res.Err)
	}
	res = runProgram(t, elf, ExecConfig{Gas: 168})
	if !res.Exited || res.Status != 55 {
		t.Errorf("with exactly 168 gas: exit %v %d err %v", res.Exited, res.Status, res.Err)
	}
}

// TestHostilePrograms: every hostile program ends as the guest fault (or out of gas)
// its source documents, never a host error.
func TestHostilePrograms(t *testing.T) {
	tests := []struct {
		file string
		want guest.FaultKind // FaultNone: out of gas
	}{
		{"bad_ecall", guest.FaultSyscall},
		{"deep_recursion", guest.FaultStore},
		{"illegal_cfld", guest.FaultIllegal},
		{"illegal_fp", guest.FaultIllegal},
		{"illegal_zero", guest.FaultIllegal},
		{"infinite_loop", guest.FaultNone},
		{"jump_data", guest.FaultFetch},
		{"jump_zero", guest.FaultFetch},
		{"misaligned_amoadd", guest.FaultMisaligned},
		{"misaligned_lrd", guest.FaultMisaligned},
		{"wild_load_high", guest.FaultLoad},
		{"wild_load_low", guest.FaultLoad},
		{"wild_store", guest.FaultStore},
		{"write_bad_fd", guest.FaultSyscall},
		{"write_bad_ptr", guest.FaultSyscall},
	}
	files, _ := filepath.Glob(filepath.Join(riscvTestdata, "hostile", "*.elf"))
	if len(files) != len(tests) {
		t.Errorf("%d hostile programs, %d expectations: add the new ones here", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := runProgram(t, readELF(t, "hostile/"+tt.file+".elf"), ExecConfig{Gas: 50_000_000})
			if tt.want == guest.FaultNone {
				if !errors.Is(res.Err, ErrOutOfGas) || res.GasUsed > 50_000_000 {
					t.Errorf("err %v gas %d, want out of gas", res.Err, res.GasUsed)
				}
				return
			}
			var f *guest.Fault
			if !errors.As(res.Err, &f) || f.Kind != tt.want {
				t.Errorf("err %v (exited %v), want %v", res.Err, res.Exited, tt.want)
			}
		})
	}
}
