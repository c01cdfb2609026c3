# hybridvm — see README.md. Every target works from a fresh checkout with Go; targets that
# build RISC-V code or compare against qemu install their tools with scripts/install-deps.sh.

GO ?= go

.PHONY: demo test check examples testdata bench bench-riscv bench-evm bench-calls bench-replay deps build

# The ERC20 demo: deploy, mint, transfer, approve, transferFrom, with gas and logs.
demo:
	$(GO) run ./examples/demo

# Everything CI runs (same as .ci/run).
test:
	./scripts/test.sh

build:
	$(GO) build -o bin/hybridvm ./cmd/hybridvm

deps:
	./scripts/install-deps.sh

# Formatting, vet, staticcheck, and cross-builds proving the pure-Go fallback builds on
# architectures without a native backend.
check:
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	GOARCH=arm64 $(GO) build ./...
	GOARCH=riscv64 $(GO) vet ./...

# Rebuild the example contracts and the RISC-V test programs (committed artifacts).
examples: deps
	$(MAKE) -C examples

testdata: deps
	$(MAKE) -C testdata/riscv

# Benchmarks: `hybridvm bench SUITE` (bench/README.md), one harness for every suite.
# Further flags through BENCHFLAGS, e.g. make bench-evm BENCHFLAGS='--runs 9 --format benchstat'.
bench: bench-riscv bench-evm bench-calls

bench-riscv: deps build
	bin/hybridvm bench $(BENCHFLAGS) riscv

bench-evm: build
	bin/hybridvm bench $(BENCHFLAGS) evm

bench-calls: build
	bin/hybridvm bench $(BENCHFLAGS) calls

# Generated chains (200 blocks of ~30M gas per workload by default) replayed by hybridvm
# and by go-ethereum: several minutes.
bench-replay: build
	bin/hybridvm bench $(BENCHFLAGS) replay
