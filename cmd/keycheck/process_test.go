package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/keycheck/keycheck/internal/pgtest"
)

// TestMain lets the test binary be keycheck itself: with
// KEYCHECK_TEST_AS_MAIN=1 in its environment it runs main on its
// arguments, so tests start keycheck as separate processes, as a person
// starts the binary, without a build step. The PostgreSQL cluster tests
// share (pgtest.DSN) stops after them.
func TestMain(m *testing.M) {
	if os.Getenv("KEYCHECK_TEST_AS_MAIN") == "1" {
		main()
	}
	pgtest.Main(m)
}

// keycheckProcess is "keycheck args..." in a process of its own.
type keycheckProcess struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
	code   int
}

// startProcess starts keycheck with args and, if ready is not "", waits
// for the line of its output that starts with ready and returns the rest
// of that line's first word (the address it listens on).
func startProcess(t *testing.T, ready string, args ...string) (*keycheckProcess, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "KEYCHECK_TEST_AS_MAIN=1", "KEYCHECK_SESSION_KEYS=")
	p := &keycheckProcess{t: t, cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if ready != "" && strings.HasPrefix(sc.Text(), ready) {
				lines <- strings.Fields(strings.TrimPrefix(sc.Text(), ready))[0]
			}
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.done)
	}()
	t.Cleanup(func() { p.signal(syscall.SIGKILL) })
	if ready == "" {
		return p, ""
	}
	select {
	case addr := <-lines:
		return p, addr
	case <-p.done:
		t.Fatalf("keycheck %v exited %d before it was ready:\n%s", args, p.code, p.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("keycheck %v printed no %q line:\n%s", args, ready, p.stderr.String())
	}
	return p, ""
}

// signal sends sig to the process, unless it has ended.
func (p *keycheckProcess) signal(sig os.Signal) {
	select {
	case <-p.done:
	default:
		p.cmd.Process.Signal(sig)
	}
}

// wait returns the exit code once the process ends.
func (p *keycheckProcess) wait() int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(30 * time.Second):
		p.t.Fatalf("keycheck %v did not exit:\n%s", p.cmd.Args[1:], p.stderr.String())
		return -1
	}
}
