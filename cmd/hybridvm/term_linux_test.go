package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/hybridvm/hybridvm/guest"
)

// openPTY opens a pseudo-terminal pair and returns its terminal side.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return tty
}

func TestIsTerminal(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Errorf("a file or a buffer is a terminal")
	}
	if !isTerminal(openPTY(t)) {
		t.Errorf("a pseudo-terminal is not a terminal")
	}
}

// TestInitcodeNotToTerminal: binary initcode is refused on a terminal (like gzip); hex
// text and -o FILE are fine.
func TestInitcodeNotToTerminal(t *testing.T) {
	dir := t.TempDir()
	deploy := filepath.Join(dir, "d.elf")
	if err := os.WriteFile(deploy, tinyDeployELF(), 0o644); err != nil {
		t.Fatal(err)
	}
	tty := openPTY(t)
	var stderr bytes.Buffer
	if st := mainArgs([]string{"initcode", deploy}, tty, &stderr); st != 2 || !strings.Contains(stderr.String(), "not writing binary initcode to a terminal") {
		t.Errorf("binary to a terminal: status %d, stderr %q", st, stderr.String())
	}
	stderr.Reset()
	if st := mainArgs([]string{"initcode", "--hex", deploy}, tty, &stderr); st != 0 {
		t.Errorf("--hex to a terminal: status %d, stderr %q", st, stderr.String())
	}
	out := filepath.Join(dir, "out.initcode")
	if st := mainArgs([]string{"initcode", "-o", out, deploy}, tty, &stderr); st != 0 {
		t.Errorf("-o with a terminal on stdout: status %d, stderr %q", st, stderr.String())
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, guest.EncodeInitcode(tinyDeployELF(), nil)) {
		t.Errorf("-o wrote %x", got)
	}
}
