#include "textflag.h"

// func enter(st unsafe.Pointer, code uintptr)
//
// The entry trampoline: R15 = st + 128 (see stBias in emit.go), then CALL the
// module's entry stub. Native code uses little stack beyond the CALL's return address
// (16 bytes at most, within the NOSPLIT guard) and returns here with RET once it has
// stored an exit code. It clobbers every general register
// but RSP; BP is restored by this function's epilogue, and R14 (Go's g register) is
// restored here from the frame (the Go caller also reloads it after an ABI0 call).
// X15 is never touched.
TEXT ·enter(SB), NOSPLIT, $16-16
	MOVQ R14, g_save-8(SP)
	MOVQ st+0(FP), R15
	ADDQ $128, R15 // stBias (emit.go): R15 points 128 bytes into the state
	MOVQ code+8(FP), AX
	CALL AX
	MOVQ g_save-8(SP), R14
	RET
