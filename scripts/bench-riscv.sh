#!/usr/bin/env bash
# make bench-riscv: a thin call of `hybridvm bench riscv` (bench/README.md), which
# builds the kernels natively (gcc -O2) and runs them beside hybridvm's engines and
# qemu-riscv64. The environment variables of the former script still work:
#
#   RUNS=5 ./scripts/bench-riscv.sh                 runs per case and contender
#   ENGINES=jit,aot,interp ./scripts/bench-riscv.sh
#   ONLY=fib,sieve ./scripts/bench-riscv.sh         some kernels (--filter)
#   ./scripts/bench-riscv.sh --format benchstat     any further flags of hybridvm bench
set -euo pipefail
cd "$(dirname "$0")/.."

go build -o bin/hybridvm ./cmd/hybridvm
args=()
[ -n "${RUNS:-}" ] && args+=(--runs "$RUNS")
[ -n "${ENGINES:-}" ] && args+=(--engines "$ENGINES")
[ -n "${ONLY:-}" ] && args+=(--filter "^(${ONLY//,/|})/")
exec bin/hybridvm bench "${args[@]}" "$@" riscv
