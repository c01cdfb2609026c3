#!/usr/bin/env bash
# Translation cost as a count, not a time: the x86 instructions one whole-program
# translation (BenchmarkTranslate in ./translate: AOT of the ERC20 runtime and of every
# kernel) executes, under valgrind, per program and per guest instruction. Timings on a
# shared 2-core host move by ±20% from run to run; this count moves by about 1%,
# so it tells apart two builds a few percent apart (run it in each checkout).
#
#   scripts/translate-count.sh [program ...]    (default: all of BenchmarkTranslate's)
#
# Each figure is (instructions of 31 translations - those of 21) / 10: the benchmark
# runs once before its N, and the first translations fill the builder and unit pools.
# GOGC=off and GOMAXPROCS=1 keep the collector and idle threads out of the count.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "translate-count: needs valgrind (apt-get install valgrind)" >&2; exit 1; }

bin=$(mktemp -d)/translate.test
trap 'rm -rf "$(dirname "$bin")"' EXIT
go test -c -o "$bin" ./translate

progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
	progs=(erc20 branchy crc32 divrem fib keccak matmul sha256 sieve)
fi

count() { # program N: instructions of the benchmark run with -test.benchtime Nx
	# Valgrind lacks RDTSCP, which the Go runtime executes now and then on an idle
	# thread: a run killed by SIGILL reports no benchmark line and is run again.
	local out
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		out=$( (cd translate && GOGC=off GOMAXPROCS=1 valgrind --tool=cachegrind --cache-sim=no \
			--cachegrind-out-file=/dev/null "$bin" -test.run '^$' -test.bench "Translate/$1\$" \
			-test.benchtime "$2x" 2>&1) | awk '/I *refs/ { gsub(",", "", $4); print $4 }
			/insns/ { for (i = 1; i < NF; i++) if ($(i+1) == "insns") print "insns", $i }')
		if grep -q insns <<<"$out"; then
			echo "$out"
			return
		fi
	done
}

printf '%-8s %14s %8s %18s\n' program 'x86 instrs' 'guest' 'per guest instr'
for p in "${progs[@]}"; do
	a=$(count "$p" 21)
	b=$(count "$p" 31)
	ia=$(echo "$a" | grep -v insns | tail -1)
	ib=$(echo "$b" | grep -v insns | tail -1)
	g=$(echo "$b" | awk '/insns/ { print int($2) }' | tail -1)
	if [ -z "$ia" ] || [ -z "$ib" ] || [ -z "$g" ]; then
		echo "translate-count: no count for $p (is it one of BenchmarkTranslate's programs?)" >&2
		exit 1
	fi
	per=$(( (ib - ia) / 10 ))
	printf '%-8s %14d %8d %18d\n' "$p" "$per" "$g" $(( per / g ))
done
