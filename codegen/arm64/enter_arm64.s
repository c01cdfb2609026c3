#include "textflag.h"

// func enter(st unsafe.Pointer, code uintptr)
//
// The entry trampoline: R19 = st, then BL to the module's entry stub. Native code
// keeps this BL's return address in the frame slot at 8(RSP) (frameLR in unit.go),
// and the store check routine its own at 16(RSP) (frameLR2); it never moves RSP and
// never touches R28 (g) or R18 (the platform register). It clobbers every other
// general register, R29 included, which is saved at 24(RSP) and restored here.
TEXT ·enter(SB), NOSPLIT, $32-16
	MOVD R29, 24(RSP)
	MOVD st+0(FP), R19
	MOVD code+8(FP), R0
	CALL (R0)
	MOVD 24(RSP), R29
	RET
