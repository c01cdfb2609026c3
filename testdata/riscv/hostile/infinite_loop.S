/*
 * infinite_loop.S — never ends: `1: j 1b`. Expected: out-of-gas under any gas limit
 * (each iteration costs 3 gas: one JAL); with unlimited gas the engine's instruction
 * budget or the caller's context deadline must stop it. Under qemu it runs forever.
 */
	.text
	.globl _start
_start:
1:	j	1b
