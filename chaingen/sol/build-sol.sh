#!/usr/bin/env bash
# Rebuilds *.json from Workloads.sol and Hybrid.sol with solc 0.8.37 from the npm
# registry (needs Node.js and npm; the built files are committed, so neither is needed
# otherwise).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --silent --prefix "$tmp" solc@0.8.37 >/dev/null
NODE_PATH="$tmp/node_modules" node build-sol.js
