package rvgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Toolchain programs. Variables so that tests or callers can point elsewhere.
var (
	GCC  = "riscv64-unknown-elf-gcc"
	QEMU = "qemu-riscv64-static"
)

// ErrNoToolchain and ErrNoQEMU are returned (wrapped) when the tools are not installed.
var (
	ErrNoToolchain = errors.New("RISC-V toolchain not found (Debian: apt-get install gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)")
	ErrNoQEMU      = errors.New("qemu-riscv64-static not found (Debian: apt-get install qemu-user-static)")
)

// HaveToolchain and HaveQEMU report whether the tools are on PATH.
func HaveToolchain() bool { _, err := exec.LookPath(GCC); return err == nil }
func HaveQEMU() bool      { _, err := exec.LookPath(QEMU); return err == nil }

// Build assembles and links asm (a Generate result, or any exec-mode assembly with a
// _start) into a static RV64IMAC ELF. It links without relaxation, so gp is never
// used implicitly (generated programs treat it as an ordinary random register).
func Build(asm string) ([]byte, error) {
	if !HaveToolchain() {
		return nil, fmt.Errorf("rvgen: %s: %w", GCC, ErrNoToolchain)
	}
	dir, err := os.MkdirTemp("", "rvgen-build-")
	if err != nil {
		return nil, fmt.Errorf("rvgen: %w", err)
	}
	defer os.RemoveAll(dir)
	src, out := filepath.Join(dir, "prog.s"), filepath.Join(dir, "prog.elf")
	if err := os.WriteFile(src, []byte(asm), 0o644); err != nil {
		return nil, fmt.Errorf("rvgen: %w", err)
	}
	cmd := exec.Command(GCC, "-march=rv64imac", "-mabi=lp64", "-nostdlib", "-nostartfiles", "-static",
		"-Wl,--no-relax", "-Wl,--build-id=none", "-o", out, src)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("rvgen: assembling with %s: %v\n%s", GCC, err, stderr.String())
	}
	elf, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("rvgen: %w", err)
	}
	return elf, nil
}

// RunTimeout bounds RunQEMU. Generated programs finish in milliseconds.
var RunTimeout = 20 * time.Second

// RunQEMU runs a static RV64 ELF under qemu-riscv64-static and returns its stdout and
// exit status. A program killed by a signal or by the timeout is an error (exit is -1).
func RunQEMU(elf []byte) (stdout []byte, exit int, err error) {
	return RunQEMUContext(context.Background(), elf)
}

// RunQEMUContext is RunQEMU with a context; RunTimeout applies on top of it.
func RunQEMUContext(ctx context.Context, elf []byte) (stdout []byte, exit int, err error) {
	if !HaveQEMU() {
		return nil, -1, fmt.Errorf("rvgen: %s: %w", QEMU, ErrNoQEMU)
	}
	f, err := os.CreateTemp("", "rvgen-*.elf")
	if err != nil {
		return nil, -1, fmt.Errorf("rvgen: %w", err)
	}
	defer os.Remove(f.Name())
	_, werr := f.Write(elf)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return nil, -1, fmt.Errorf("rvgen: %w", werr)
	}
	if err := os.Chmod(f.Name(), 0o755); err != nil {
		return nil, -1, fmt.Errorf("rvgen: %w", err)
	}

	ctx, cancel := context.WithTimeout(ctx, RunTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, QEMU, f.Name())
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return out.Bytes(), -1, fmt.Errorf("rvgen: %s did not finish: %w", QEMU, ctx.Err())
	}
	if runErr != nil {
		var ee *exec.ExitError
		if !errors.As(runErr, &ee) {
			return nil, -1, fmt.Errorf("rvgen: running %s: %w", QEMU, runErr)
		}
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return out.Bytes(), -1, fmt.Errorf("rvgen: guest killed by %v; stderr: %s", ws.Signal(), stderr.String())
		}
		return out.Bytes(), ee.ExitCode(), nil
	}
	return out.Bytes(), 0, nil
}
