package state

import (
	"runtime"
	"sync/atomic"
)

// spinRW is a readers-writer lock for critical sections of well under a
// microsecond (a view copying an account or a slot out of the base; the
// committer applying one transaction). It spins, yielding the processor,
// instead of parking goroutines: parking and waking cost more than such a
// section, and sync.RWMutex parks a reader that meets a writer.
//
// state is the number of readers inside, plus writerBit while a writer holds
// or wants the lock (a waiting writer keeps new readers out, so it is not
// starved).
type spinRW struct {
	state atomic.Int64
}

const writerBit = 1 << 40

func (l *spinRW) RLock() {
	for {
		if l.state.Add(1) < writerBit {
			return
		}
		l.state.Add(-1)
		for l.state.Load() >= writerBit {
			runtime.Gosched()
		}
	}
}

func (l *spinRW) RUnlock() { l.state.Add(-1) }

// Lock takes the lock for the only writer there is (the committer).
func (l *spinRW) Lock() {
	l.state.Add(writerBit)
	for l.state.Load() != writerBit {
		runtime.Gosched()
	}
}

func (l *spinRW) Unlock() { l.state.Add(-writerBit) }
