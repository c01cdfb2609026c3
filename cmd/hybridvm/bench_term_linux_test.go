package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestBenchProgressOnTerminal: with stderr a terminal the progress line is drawn there
// (and erased at the end); with stderr a pipe or file nothing but errors goes to it.
func TestBenchProgressOnTerminal(t *testing.T) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening a pseudo-terminal: %v", err)
	}
	defer master.Close()
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
	read := make(chan string)
	go func() {
		var buf bytes.Buffer
		io.Copy(&buf, master) // until the terminal side closes
		read <- buf.String()
	}()
	args := []string{"bench", "--runs", "2", "--round", "1ms", "--filter", "^ecall", "calls"}
	var out bytes.Buffer
	code := mainArgs(args, &out, tty)
	tty.Close()
	drawn := <-read
	if code != 0 || !strings.Contains(drawn, "calls: ecall-roundtrip (1/1): run 2/2, aot") || !strings.HasSuffix(drawn, "\r\x1b[K") {
		t.Errorf("terminal: exit %d, stderr %q", code, drawn)
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("progress on stdout: %q", out.String())
	}
	f, err := os.Create(t.TempDir() + "/stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out.Reset()
	if code := mainArgs(args, &out, f); code != 0 {
		t.Errorf("file: exit %d", code)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("%d bytes on a stderr that is not a terminal", st.Size())
	}
}
