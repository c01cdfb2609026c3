#!/usr/bin/env bash
# Installs what hybridvm's tests, examples and benchmarks need beyond Go, from Debian's
# packages: the RISC-V cross toolchain (builds the test programs and examples) and
# qemu-user-static (qemu-riscv64-static is the differential-testing reference for RISC-V,
# qemu-aarch64-static runs the arm64 build of the tests) and the arm64 binutils (the
# arm64 backend's encoding tables are checked against aarch64-linux-gnu-objdump). Idempotent: installs only what
# is missing. Needs root or sudo when something is missing.
set -euo pipefail

need=()
command -v riscv64-unknown-elf-gcc >/dev/null || need+=(gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf)
command -v qemu-riscv64-static >/dev/null || need+=(qemu-user-static)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v aarch64-linux-gnu-objdump >/dev/null || need+=(binutils-aarch64-linux-gnu)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)           # native kernels of hybridvm bench riscv
command -v objdump >/dev/null || need+=(binutils)  # amd64 encoding tables' text
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${need[*]}" >&2; exit 1; }
	sudo=sudo
fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $(printf '%s\n' "${need[@]}" | sort -u) >/dev/null
