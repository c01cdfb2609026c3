// Package harness is `hybridvm bench`: it measures hybridvm's engines and their peers
// side by side on one suite of cases, and writes the result as a table, JSON, Go
// benchmark lines (for benchstat) and plots.
//
// A Suite is a list of Cases and the Contenders that run each of them (gcc -O2 native,
// qemu, hybridvm's engines, go-ethereum). Run first prepares every case on every
// contender, which checks its output against the reference (a case that fails is
// reported as a failure and never timed), then takes the samples: each case runs
// Options.Runs times, the contenders taking turns, so that a burst of load on the
// machine hits all of them alike. A Report keeps every sample; the table gives each
// contender's minimum, median and spread, the ratios between contenders on the
// medians, and geometric means of the ratios with and without the micro-cases.
//
// The suites are riscv (riscvsuite.go), evm (evmsuite.go) and calls
// (callssuite.go); bench/README.md explains each.
package harness
