package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func init() {
	register(command{
		name:    "version",
		summary: "print the module version and the VCS commit it was built from",
		run:     runVersion,
	})
}

const versionUsage = `usage: hybridvm version

Prints the module version ("(devel)" for a build from a checkout), the VCS commit and
its time ("unknown" when the build recorded none, as with go run or go test), whether
the tree had local changes, and the Go version.

`

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", stderr)
	rest, status, ok := parseCommandLine(fs, args, versionUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(rest) > 0 {
		return usageError(stderr, "version", "unexpected arguments %q", rest)
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprint(stdout, versionText(bi))
	return 0
}

// versionText formats build information; bi may be nil.
func versionText(bi *debug.BuildInfo) string {
	version, revision, when, modified := "(devel)", "unknown", "unknown", ""
	goVersion := runtime.Version()
	if bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					modified = " (modified)"
				}
			}
		}
	}
	return fmt.Sprintf("hybridvm %s\ncommit %s%s\ncommit time %s\n%s\n", version, revision, modified, when, goVersion)
}
