package amd64

import "sort"

// chooseRegs assigns the mappable host registers to the most used guest registers
// (use counts come from a static scan of the program, see translate). Guest registers
// that are never used get none; ties go to the lower register number so the choice
// is deterministic.
func chooseRegs(use [32]int) regMap {
	order := make([]int, 0, 31)
	for g := 1; g < 32; g++ {
		order = append(order, g)
	}
	sort.SliceStable(order, func(i, j int) bool { return use[order[i]] > use[order[j]] })
	var m regMap
	for i, g := range order {
		if i == len(mappable) || use[g] == 0 {
			break
		}
		m.host[g] = mappable[i]
	}
	return m
}

// defaultUse is the register ranking used when a program gives no counts: the
// registers compiled RV64 code uses most (sp, ra, a0-a5, s0).
var defaultUse = func() (u [32]int) {
	for i, g := range []int{2, 10, 15, 14, 11, 1, 12, 13, 8} {
		u[g] = 100 - i
	}
	return u
}()
