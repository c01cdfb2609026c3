#!/usr/bin/env bash
# The test command (README, .ci/run): installs what the tests need, then runs every test,
# each fuzz target briefly, and the arm64 build (native backend included) under
# qemu-aarch64-static. A missing tool or test data set is an error here, never a skip
# (the data: HYBRIDVM_TESTDATA, else ../shared/testdata; see scripts/fetch-testdata.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
export HYBRIDVM_REQUIRE_TOOLS=1

echo "== go vet"
go vet ./...

echo "== go test"
go test -count=1 ./...

echo "== go test -race (engines sharing compiled code across goroutines)"
go test -count=1 -race ./machine ./translate ./internal/corpus ./evm ./runtime

echo "== go test -race (parallel block execution: views, workers, the committer, state roots in the background)"
go test -count=1 -race -run 'Speculation|FeeCredits|Speculated|Cancelled|ParallelReplay|BeginRoot|OverlapRoot|BlockchainTestsParallel' ./state ./chain ./replay ./blocktest

echo "== fuzz (brief)"
fuzztime="${FUZZTIME:-10s}"
# fuzz_target PKG TARGET fuzzes one target for $fuzztime. Go 1.26's fuzzing coordinator
# can end a run that found nothing with a bare "context deadline exceeded" when a
# loaded machine's worker misses the stop at the end of -fuzztime (a race in Go's
# fuzzing engine, fixed in Go 1.27). Such a run wrote no failing input; it runs again,
# once. Any other failure, or the same one twice, fails the script.
fuzz_target() {
	local out
	if out=$(go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "$1" 2>&1); then
		echo "$out"
		return 0
	fi
	echo "$out"
	if grep -q 'context deadline exceeded' <<<"$out" && ! grep -q 'Failing input written' <<<"$out"; then
		echo "-- $1 $2: the fuzzing engine's end-of-run race (no failing input), once more"
		go test -run '^$' -fuzz "^$2\$" -fuzztime "$fuzztime" "$1"
		return
	fi
	return 1
}
# Every fuzz target in the module, found from the sources so none is forgotten.
grep -rl --include='*_test.go' -E '^func Fuzz[A-Za-z0-9_]+\(' . | while read -r file; do
	pkg="./$(dirname "${file#./}")"
	for target in $(grep -oE '^func Fuzz[A-Za-z0-9_]+' "$file" | sed 's/^func //'); do
		echo "-- $pkg $target"
		fuzz_target "$pkg" "$target"
	done
done

echo "== arm64 (native backend codegen/arm64) under qemu-aarch64-static"
# The corpus (translate's TestCorpus, internal/corpus, machine) compares jit, jit1 and
# aot with the interpreter on the arm64 backend here; the root package runs the hybrid
# scenarios and the host-bound tests on every arm64 engine. Go's fuzzing engine cannot
# start its workers under qemu-user, so translate's TestNativeVsInterpSweep stands in for
# FuzzNativeVsInterp there: 500 random programs from a fresh, logged seed.
# HYBRIDVM_EMULATOR tells the few tests qemu-user cannot host to skip, saying why (they
# run natively above): 1024-deep recursion (qemu keeps metadata for every page of every
# guest mapping, about 20 MiB per 1 GiB arena) and the bench suite that re-executes the
# test binary (that needs binfmt_misc). Packages run one at a time (-p 1) to keep qemu's
# memory down.
HYBRIDVM_EMULATOR=qemu-aarch64-static HYBRIDVM_SWEEP=500 GOARCH=arm64 CGO_ENABLED=0 \
	go test -count=1 -p 1 -exec qemu-aarch64-static ./riscv ./guest ./interp \
	./codegen/... ./translate ./machine ./internal/corpus ./riscvengine ./runtime ./cmd/hybridvm .

echo "== all tests passed"
