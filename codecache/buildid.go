package codecache

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"os"
	"sync"
)

// BuildID identifies the running executable's build: a digest of the Go build ID the
// linker writes into the ELF note .note.go.buildid (it changes with every change to
// any compiled package), or "" when the executable cannot be read or has none. It is
// part of every file's header, so code cached by one build of a program is never run
// by another, even if a backend's Version was not raised after a change.
func BuildID() string {
	buildOnce.Do(func() { buildID = readBuildID() })
	return buildID
}

var (
	buildOnce sync.Once
	buildID   string
)

func readBuildID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := elf.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	sec := f.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	data, err := sec.Data()
	if err != nil || len(data) == 0 {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:12])
}
