package amd64

import "golang.org/x/sys/cpu"

// hasBMI2 says the host has BMI2's shifts (SHLX/SHRX/SARX: any count register, no
// flags), used for variable shifts when present (without them variable shifts borrow
// RCX for the count), and its RORX (a rotate from any source into another register),
// used for fused rotates (fuse.go).
var hasBMI2 = cpu.X86.HasBMI2

// UseBMI2 turns the use of BMI2 on (when the host has it) or off for modules created
// afterwards, and returns the previous setting. Tests use it to run the code paths of
// hosts without BMI2.
func UseBMI2(on bool) (was bool) {
	was, hasBMI2 = hasBMI2, on && cpu.X86.HasBMI2
	return was
}
