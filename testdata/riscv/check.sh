#!/usr/bin/env bash
# check.sh — runs the exec-mode test programs under qemu-riscv64-static and checks
# each one's exit status (and stdout where it matters). Run from testdata/riscv
# (`make check`). The expected statuses are qemu's: a guest killed by a signal shows
# as 128 + signal (SIGILL 132, SIGBUS 135, SIGSEGV 139); timeout(1) gives 124.
# What hybridvm itself must do with each program is in README.md.
set -u
QEMU=${QEMU:-qemu-riscv64-static}
if ! command -v "$QEMU" >/dev/null; then
	echo "check.sh: $QEMU not found (apt-get install qemu-user-static)" >&2
	exit 2
fi

fails=0
# expect ELF STATUS [STDOUT]
expect() {
	local elf=$1 want=$2 want_out=${3-} out status
	out=$(timeout 10 "$QEMU" "$elf" 2>/tmp/hv-check-stderr.$$)
	status=$?
	if [ "$status" != "$want" ]; then
		echo "FAIL $elf: exit status $status, want $want"
		sed 's/^/    stderr: /' /tmp/hv-check-stderr.$$
		fails=$((fails + 1))
	elif [ -n "$want_out" ] && [ "$out" != "$want_out" ]; then
		echo "FAIL $elf: stdout $(printf %q "$out"), want $(printf %q "$want_out")"
		fails=$((fails + 1))
	else
		echo "ok   $elf (exit $status)${out:+: $out}"
	fi
	rm -f /tmp/hv-check-stderr.$$
}

# ISA tests: exit 0 and a "checks passed" line. csr is interpreter-only: qemu-user
# runs in user mode, where machine CSRs are illegal (SIGILL) — not run here.
for t in rv64i rv64m rv64a rv64c misaligned fencei; do
	out=$(timeout 10 "$QEMU" "isa/$t.elf")
	status=$?
	case "$out" in
	"$t: "*" checks passed") ;;
	*) status="$status (stdout $(printf %q "$out"))" ;;
	esac
	if [ "$status" = 0 ]; then echo "ok   isa/$t.elf: $out"; else echo "FAIL isa/$t.elf: exit $status"; fails=$((fails + 1)); fi
done
echo "skip isa/csr.elf (interpreter only: machine CSRs trap under qemu-user)"

expect exec/hello.elf 0 "hello, world"
expect exec/exitcode.elf 42
expect exec/bss_zero.elf 0 "bss ok"
expect gas/gas.elf 55

# Hostile programs: under qemu, the faults show as signals.
expect hostile/wild_load_low.elf 139
expect hostile/wild_load_high.elf 139
expect hostile/wild_store.elf 139
expect hostile/jump_data.elf 139
expect hostile/jump_zero.elf 139
expect hostile/illegal_zero.elf 132
expect hostile/misaligned_lrd.elf 135
expect hostile/misaligned_amoadd.elf 135
expect hostile/deep_recursion.elf 139
# qemu implements the D extension, so these run (proving they are real FP encodings);
# on hybridvm (RV64IMAC) they are illegal instructions.
expect hostile/illegal_fp.elf 0
expect hostile/illegal_cfld.elf 0
# Linux implements these calls, so the program continues and reports it; on hybridvm
# they are faults.
expect hostile/bad_ecall.elf 3
expect hostile/write_bad_ptr.elf 4
expect hostile/write_bad_fd.elf 5
# Runs forever: stopped by timeout (hybridvm: out of gas).
out=$(timeout 1 "$QEMU" hostile/infinite_loop.elf); status=$?
if [ "$status" = 124 ]; then echo "ok   hostile/infinite_loop.elf (still running after 1 s)"; else echo "FAIL hostile/infinite_loop.elf: exit $status, want timeout"; fails=$((fails + 1)); fi

if [ "$fails" -ne 0 ]; then
	echo "$fails check(s) failed"
	exit 1
fi
echo "all checks passed"
