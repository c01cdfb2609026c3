package amd64

import "github.com/hybridvm/hybridvm/codegen/internal/asm"

// CheckEncoding makes every unit compiled from now on be encoded twice, by the
// direct encoder (codegen/internal/asm/x86enc.go) and by golang-asm, and fail to
// compile unless the bytes agree; tests turn it on. It returns the previous setting.
func CheckEncoding(on bool) bool { return asm.CheckDirectEncoding(on) }
