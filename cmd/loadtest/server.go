package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keycheck/keycheck/internal/wait"
)

// server is keycheck serving as a child process, so its memory and CPU
// are its own; its output goes to files in dir.
type server struct {
	URL, dir string
	Args     []string
	cmd      *exec.Cmd
	cancel   context.CancelFunc
	done     chan struct{} // closed when it has exited
}

// buildKeycheck builds ./cmd/keycheck into dir, as a person would deploy
// it, and returns the binary's path.
func buildKeycheck(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "keycheck")
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/keycheck").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/keycheck (run loadtest from the repository root): %w\n%s", err, out)
	}
	return bin, nil
}

// startServer starts `bin serve` on a port of the kernel's choosing, read
// from the line it prints once it listens; its output goes to files in
// dir. Ending ctx, or stop, sends it SIGTERM as production does; it is
// killed 15 s later.
func startServer(ctx context.Context, bin, dir string, args ...string) (*server, error) {
	stdout, err1 := os.Create(filepath.Join(dir, "stdout"))
	stderr, err2 := os.Create(filepath.Join(dir, "log"))
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	defer stdout.Close() // the child has its own copies
	defer stderr.Close()
	ctx, cancel := context.WithCancel(ctx)
	s := &server{dir: dir, Args: append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), cancel: cancel, done: make(chan struct{})}
	s.cmd = exec.CommandContext(ctx, bin, s.Args...)
	s.cmd.Stdout, s.cmd.Stderr = stdout, stderr
	// A KEYCHECK_* setting in the shell must not change what is measured.
	s.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "KEYCHECK_") })
	s.cmd.Cancel = func() error { return s.cmd.Process.Signal(syscall.SIGTERM) }
	s.cmd.WaitDelay = 15 * time.Second
	if err := s.cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("starting keycheck: %w", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	for deadline := time.Now().Add(30 * time.Second); s.URL == ""; {
		b, _ := os.ReadFile(stdout.Name())
		// "keycheck is running at http://127.0.0.1:port (HiAPI: …)"
		if _, after, ok := strings.Cut(string(b), "keycheck is running at "); ok && strings.Contains(after, " ") {
			s.URL, _, _ = strings.Cut(after, " ")
		} else if !s.alive() || time.Now().After(deadline) || wait.For(ctx, 20*time.Millisecond) != nil {
			s.stop()
			return nil, fmt.Errorf("keycheck did not start (%v); its log:\n%s", s.cmd.ProcessState, s.logText())
		}
	}
	return s, nil
}

func (s *server) stop() {
	s.cancel()
	<-s.done
}

func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

func (s *server) logText() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "log"))
	return string(b)
}

// rss is keycheck's resident memory in bytes, from /proc/<pid>/status;
// zero without /proc.
func (s *server) rss() int64 {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	_, after, _ := strings.Cut(string(b), "VmRSS:")
	kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.SplitN(after, "\n", 2)[0], "kB")), 10, 64)
	return kb << 10
}

// clockTick is USER_HZ, the unit of /proc's CPU times: 100 on every Linux
// that Go supports.
const clockTick = 10 * time.Millisecond

// cpuTime is the user and system CPU a process has used so far: fields 14
// and 15 of /proc/<pid>/stat, counted after the command name (which may
// hold spaces).
func cpuTime(pid int) time.Duration {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// machineBusy is the CPU every process has used so far: user, nice,
// system and steal from /proc/stat (interrupts on loopback are mostly the
// load test's own packets).
func machineBusy() (busy time.Duration) {
	b, _ := os.ReadFile("/proc/stat")
	f := strings.Fields(strings.SplitN(string(b), "\n", 2)[0])
	for _, i := range []int{1, 2, 3, 8} {
		if i < len(f) {
			n, _ := strconv.ParseInt(f[i], 10, 64)
			busy += time.Duration(n) * clockTick
		}
	}
	return busy
}
