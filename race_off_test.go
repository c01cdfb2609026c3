//go:build !race

package hybridvm

const raceEnabled = false
