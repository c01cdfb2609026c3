package main

// Reading and writing files from the command line: every read goes through a limit
// (a device or FIFO reports no useful size), and every write is atomic through a
// temporary file with a recognisable name next to the target.

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Read limits.
const (
	// maxCodeFile bounds --code, --input and --abi files and initcode's ELF file
	// (RISC-V initcode may be up to 512 KiB; hex text doubles that).
	maxCodeFile = 16 << 20
	// maxStateFile bounds --state and --prestate files.
	maxStateFile = 256 << 20
)

// readFileLimited reads name, or fails if it holds more than max bytes. It reads
// through the limit rather than trusting the size the file reports, so /dev/zero, a
// FIFO or /dev/stdin cannot make it read without end.
func readFileLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory", name)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than the %d-byte limit", name, max)
	}
	return data, nil
}

// tempMarker is part of every temporary file name the command line writes: a file
// named ".<target>.hybridvm-tmp-<random>" next to <target> is a save that did not
// finish, and removeStaleTemps deletes it.
const tempMarker = ".hybridvm-tmp-"

func tempPrefix(target string) string {
	return filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+tempMarker)
}

// removeStaleTemps deletes the temporary files an interrupted save of target left.
func removeStaleTemps(target string) {
	matches, _ := filepath.Glob(globEscape(tempPrefix(target)) + "*")
	for _, m := range matches {
		if suffix := m[len(tempPrefix(target)):]; isHexString(suffix) {
			os.Remove(m)
		}
	}
}

func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`*?[\`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func isHexString(s string) bool {
	_, err := hex.DecodeString(s)
	return s != "" && err == nil
}

// resolveSymlinks follows path through symbolic links to the file they name, which
// need not exist yet. A save writes that file and leaves the links in place.
func resolveSymlinks(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// writeFileAtomic writes data to path: to a temporary file next to the file path
// names (through symbolic links), synced, then renamed over it, so a crash leaves
// the old file or the new one, never part of one. An existing file keeps its mode;
// a new one gets 0644.
func writeFileAtomic(path string, data []byte) error {
	target, err := resolveSymlinks(path)
	if err != nil {
		return err
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	var rnd [8]byte
	rand.Read(rnd[:])
	name := tempPrefix(target) + hex.EncodeToString(rnd[:])
	tmp, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(mode)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(name, target)
	}
	if werr != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
