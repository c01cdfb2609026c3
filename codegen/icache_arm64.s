#include "textflag.h"

// func flushICache(start, end uintptr)
TEXT ·flushICache(SB), NOSPLIT, $0-16
	MOVD start+0(FP), R0
	MOVD end+8(FP), R1
	WORD $0xd53b0022 // mrs x2, ctr_el0
	UBFX $16, R2, $4, R3 // DminLine: log2 of the data-cache line in words
	MOVD $4, R4
	LSL R3, R4, R3 // R3 = data-cache line bytes
	AND $15, R2, R5 // IminLine
	LSL R5, R4, R5 // R5 = instruction-cache line bytes
	SUB $1, R3, R6
	BIC R6, R0, R7
dloop:
	WORD $0xd50b7b27 // dc cvau, x7
	ADD R3, R7, R7
	CMP R1, R7
	BLO dloop
	WORD $0xd5033b9f // dsb ish
	SUB $1, R5, R6
	BIC R6, R0, R7
iloop:
	WORD $0xd50b7527 // ic ivau, x7
	ADD R5, R7, R7
	CMP R1, R7
	BLO iloop
	WORD $0xd5033b9f // dsb ish
	WORD $0xd5033fdf // isb
	RET
