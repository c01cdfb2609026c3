package harness

import (
	"bytes"
	"errors"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"time"
)

var (
	execLookPath = exec.LookPath
	// instrLine is compiled on first use: every hybridvm process links this package.
	instrLine = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^instructions: (\d+)$`) })
)

// execCombined runs a command and returns its combined output.
func execCombined(path string, args ...string) (string, error) {
	out, err := exec.Command(path, args...).CombinedOutput()
	return string(out), err
}

// procResult is how a benchmark process ended.
type procResult struct {
	stdout, stderr string
	exit           int
	time           time.Duration // user + system CPU time, or wall time
	instret        uint64        // from `hybridvm exec --stats`, 0 otherwise
}

// runProcess runs argv to completion and measures it. A process that could not start
// is an error; one that exits non-zero is not (the caller checks the status).
func runProcess(argv []string, wall bool) (procResult, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return procResult{}, err
	}
	res := procResult{stdout: out.String(), stderr: errOut.String(), time: elapsed}
	if ps := cmd.ProcessState; ps != nil {
		res.exit = ps.ExitCode()
		if !wall {
			res.time = ps.UserTime() + ps.SystemTime()
		}
	}
	if m := instrLine().FindStringSubmatch(res.stderr); m != nil {
		res.instret, _ = strconv.ParseUint(m[1], 10, 64)
	}
	return res, nil
}
