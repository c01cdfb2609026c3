/*
 * The counter example's initcode (examples/counter/counter.initcode), embedded in
 * the factory's read-only data. COUNTER_INITCODE is its quoted path.
 */
#ifndef COUNTER_INITCODE
#define COUNTER_INITCODE "counter/counter.initcode"
#endif
	.section .rodata.counter_initcode, "a", @progbits
	.globl counter_initcode
	.globl counter_initcode_end
counter_initcode:
	.incbin COUNTER_INITCODE
counter_initcode_end:
