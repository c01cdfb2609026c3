//go:build race

package hybridvm

// raceEnabled: the race detector maps shadow memory of its own, so tests that count
// the process's mappings cannot.
const raceEnabled = true
