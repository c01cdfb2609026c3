/*
 * deploy_blob.S — the code a deploy ELF returns: 0xFF ‖ runtime ELF.
 * Assemble with -DHV_RUNTIME_ELF='"path/to/runtime.elf"'.
 */
#ifndef HV_RUNTIME_ELF
#error "define HV_RUNTIME_ELF as the quoted path of the runtime ELF"
#endif
	.section .rodata.hv_runtime_code, "a", @progbits
	.globl hv_runtime_code
	.globl hv_runtime_code_end
hv_runtime_code:
	.byte 0xFF
	.incbin HV_RUNTIME_ELF
hv_runtime_code_end:
