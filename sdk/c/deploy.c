/*
 * deploy.c — the generic deployer: the main() of a contract's deploy ELF.
 *
 * RISC-V initcode is 0xFF ‖ u32be(1 + len(deployELF)) ‖ 0xFF ‖ deployELF ‖ args
 * (docs/abi.md, "Code and initcode"). The deploy ELF runs with calldata = args; it
 * must return 0xFF ‖ runtimeELF, which becomes the account's code.
 *
 * This file calls the constructor hook with the arguments, then returns the blob
 * that deploy_blob.S embeds (.incbin of the runtime ELF after a 0xFF byte).
 * A contract that needs a constructor defines hv_constructor in its own
 * <name>_ctor.c, linked into the deploy ELF only; otherwise the weak empty one runs.
 */
#include "hybridvm.h"

extern const uint8_t hv_runtime_code[];     /* 0xFF ‖ runtime ELF */
extern const uint8_t hv_runtime_code_end[];

__attribute__((weak)) void hv_constructor(const uint8_t *args, uint64_t len) {
	(void)args;
	(void)len;
}

int main(void) {
	hv_constructor(hv_calldata(), hv_calldata_size());
	hv_return(hv_runtime_code, (uint64_t)(hv_runtime_code_end - hv_runtime_code));
}
