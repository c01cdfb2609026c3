#!/usr/bin/env bash
# make bench-riscv: the RISC-V kernel suite (bench/kernels) natively (gcc -O2), on
# hybridvm's JIT and interpreter, and under qemu-riscv64-static, in one run, with a
# table of times, ratios to native and geometric means (bench/riscv).
#
#   RUNS=5 ./scripts/bench-riscv.sh              more runs per measurement (best counts)
#   ENGINES=jit,aot,interp ./scripts/bench-riscv.sh
#   ONLY=fib,sieve ./scripts/bench-riscv.sh
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in gcc riscv64-unknown-elf-gcc qemu-riscv64-static; do
	command -v "$tool" >/dev/null || { echo "bench-riscv: $tool not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
done

echo "== building the kernels (RISC-V ELFs and native gcc -O2 builds)" >&2
kernels="fib sieve sha256 keccak matmul crc32 branchy divrem"
make -s -C bench/kernels all $(for k in $kernels; do echo ".bin/native/$k"; done) >&2

echo "== building hybridvm" >&2
go build -o bin/hybridvm ./cmd/hybridvm

echo "== running (cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores)" >&2
go run ./bench/riscv -runs "${RUNS:-3}" -engines "${ENGINES:-jit,interp}" ${ONLY:+-only "$ONLY"}
