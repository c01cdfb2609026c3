#!/usr/bin/env bash
# Rebuilds sol/*.json from Hybrid.sol with solc 0.8.37 from the npm registry (needs Node.js
# and npm; the built files are committed, so tests need neither).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm install --silent --prefix "$tmp" solc@0.8.37 >/dev/null
NODE_PATH="$tmp/node_modules" node build-sol.js
