#!/usr/bin/env bash
# Fetches the external test data that some tests and benchmarks read, at pinned commits,
# into the folder HYBRIDVM_TESTDATA names (or the first argument):
#
#   DIR/ethereum-tests/   ethereum/tests: GeneralStateTests (the Cancun state tests) and
#                         BlockchainTests/{ValidBlocks,InvalidBlocks} (the blockchain tests)
#   DIR/evm-benchmarks/   ipsilon/evm-benchmarks: benchmarks/{main,micro} (bench/evm)
#
# Then run the tests with the same variable:
#
#   HYBRIDVM_TESTDATA=$HOME/hybridvm-testdata scripts/fetch-testdata.sh
#   HYBRIDVM_TESTDATA=$HOME/hybridvm-testdata ./scripts/test.sh
#
# Without HYBRIDVM_TESTDATA the tests read ../shared/testdata beside the checkout
# (internal/testtools.DataRoot). A relative DIR is taken from the repository root, as the
# tests take it. The script downloads only the pinned commits (shallow, blobless, sparse)
# and leaves a folder already at its pinned commit alone but for the paths it checks out. It needs git 2.25 or later and
# access to github.com; ETHEREUM_TESTS_URL and EVM_BENCHMARKS_URL point at mirrors.
set -euo pipefail

# The commits of the data this project's tests were run against.
ethereum_tests_commit=4c87ebbf024a3e9ec842bcce90564f629a3bcd82 # 2024-10-24
evm_benchmarks_commit=d8b88f4046a87d6b902378cef752591f95427b43
ethereum_tests_url=${ETHEREUM_TESTS_URL:-https://github.com/ethereum/tests.git}
evm_benchmarks_url=${EVM_BENCHMARKS_URL:-https://github.com/ipsilon/evm-benchmarks.git}

cd "$(dirname "$0")/.."

dest=${HYBRIDVM_TESTDATA:-${1:-}}
if [ -z "$dest" ]; then
	echo "usage: HYBRIDVM_TESTDATA=DIR $0   (or: $0 DIR)" >&2
	exit 2
fi
case $dest in
/*) ;;
*) dest=$PWD/$dest ;;
esac

# fetch URL COMMIT DIR PATH...: makes DIR a sparse checkout of PATH... of URL at COMMIT.
fetch() {
	local url=$1 commit=$2 dir=$3
	shift 3
	if [ -d "$dir/.git" ] && [ "$(git -C "$dir" rev-parse -q --verify HEAD || true)" = "$commit" ]; then
		echo "fetch-testdata: $dir is at $commit"
		git -C "$dir" sparse-checkout set "$@" # paths added since it was fetched
		return
	fi
	if [ -e "$dir" ] && [ ! -d "$dir/.git" ]; then
		echo "fetch-testdata: $dir exists and is not a git checkout: move it away first" >&2
		exit 1
	fi
	echo "fetch-testdata: $url at $commit into $dir"
	mkdir -p "$dir"
	git -C "$dir" init -q
	if git -C "$dir" remote get-url origin >/dev/null 2>&1; then
		git -C "$dir" remote set-url origin "$url"
	else
		git -C "$dir" remote add origin "$url"
	fi
	git -C "$dir" fetch -q --depth 1 --filter=blob:none origin "$commit"
	git -C "$dir" sparse-checkout set "$@"
	git -C "$dir" -c advice.detachedHead=false checkout -q --force FETCH_HEAD
	local got
	got=$(git -C "$dir" rev-parse HEAD)
	if [ "$got" != "$commit" ]; then
		echo "fetch-testdata: $dir is at $got, want $commit" >&2
		exit 1
	fi
}

fetch "$ethereum_tests_url" "$ethereum_tests_commit" "$dest/ethereum-tests" \
	GeneralStateTests BlockchainTests/ValidBlocks BlockchainTests/InvalidBlocks
fetch "$evm_benchmarks_url" "$evm_benchmarks_commit" "$dest/evm-benchmarks" benchmarks
echo "fetch-testdata: done; run the tests with HYBRIDVM_TESTDATA=$dest"
