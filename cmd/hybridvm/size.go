package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/hybridvm/hybridvm/codecache"
)

// byteSize is a flag holding a size in bytes, written as a number with an optional
// binary unit: 65536, 512K, 256M, 1G (KiB, MiB, GiB and KB, MB, GB, case-insensitive,
// are read as the same powers of 1024).
type byteSize int64

func (b *byteSize) String() string { return formatSize(int64(*b)) }

func (b *byteSize) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = byteSize(n)
	return nil
}

// parseSize parses a byteSize.
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	shift := 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"KIB", 10}, {"MIB", 20}, {"GIB", 30}, {"TIB", 40}, {"KB", 10}, {"MB", 20}, {"GB", 30}, {"TB", 40}, {"K", 10}, {"M", 20}, {"G", 30}, {"T", 40}, {"B", 0}} {
		if strings.HasSuffix(t, u.suffix) {
			t, shift = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("size %q: want a number of bytes, optionally with K, M or G (KiB, MiB, GiB)", s)
	}
	return n << shift, nil
}

// formatSize writes n in the largest unit that divides it.
func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"G", 30}, {"M", 20}, {"K", 10}} {
		if n != 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// cacheLimitFlag adds --cache-limit, into limit, to a command that has --cache-dir.
func cacheLimitFlag(fs *flag.FlagSet, limit *byteSize) {
	*limit = byteSize(codecache.DefaultLimit)
	fs.Var(limit, "cache-limit", "with --cache-dir: the most `SIZE` of files DIR keeps (e.g. 512M, 2G; 0: no limit), evicting the least recently used")
}
