# hybridvm — see README.md. Every target works from a fresh checkout with Go; targets that
# build RISC-V code or compare against qemu install their tools with scripts/install-deps.sh.

GO ?= go

.PHONY: demo test check examples testdata bench bench-riscv bench-evm deps build

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

# Benchmarks: go test -bench for the interpreter and the EVM, then the comparison tables.
bench: deps
	$(GO) test -run '^$$' -bench . -benchtime 3x ./interp ./machine ./runtime
	$(MAKE) bench-riscv
	$(MAKE) bench-evm

bench-riscv: deps
	./scripts/bench-riscv.sh

bench-evm:
	$(GO) run ./bench/evm
