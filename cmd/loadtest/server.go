package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// build compiles ./cmd/keycheck into dir, as a person would deploy it.
func build(ctx context.Context, dir string, stderr io.Writer) (string, error) {
	bin := filepath.Join(dir, "keycheck")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/keycheck")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		stderr.Write(out.Bytes())
		return "", fmt.Errorf("go build ./cmd/keycheck (run loadtest from the repository root): %w", err)
	}
	return bin, nil
}

// server is keycheck running as a child process, as "keycheck serve".
type server struct {
	cmd  *exec.Cmd
	URL  string
	Args []string
	logs *logTail
	done chan struct{}
	// exitErr is the process's end, valid once done is closed.
	exitErr error
}

// startServer starts keycheck serve on a free loopback port and waits for
// /healthz. A port taken between choosing and binding it is retried.
func startServer(ctx context.Context, bin string, args []string, verbose io.Writer) (*server, error) {
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		s := &server{
			URL:  "http://" + addr,
			Args: append([]string{"serve", "--addr", addr}, args...),
			logs: &logTail{echo: verbose},
			done: make(chan struct{}),
		}
		s.cmd = exec.Command(bin, s.Args...)
		s.cmd.Stdout = io.Discard
		s.cmd.Stderr = s.logs
		s.cmd.Env = cleanEnv()
		s.cmd.SysProcAttr = childAttr()
		if err := s.cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting keycheck: %w", err)
		}
		go func() {
			s.exitErr = s.cmd.Wait()
			close(s.done)
		}()
		err = s.waitHealthy(ctx, 30*time.Second)
		if err == nil {
			return s, nil
		}
		s.stop()
		lastErr = err
		if ctx.Err() != nil || !strings.Contains(s.logs.String(), "address already in use") {
			break
		}
	}
	return nil, lastErr
}

// cleanEnv is this process's environment without KEYCHECK_* variables, so
// a setting in the shell cannot change what is measured.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KEYCHECK_") {
			env = append(env, kv)
		}
	}
	return env
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func (s *server) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-s.done:
			return fmt.Errorf("keycheck exited before answering /healthz (%v); its log:\n%s", s.exitErr, s.logs.String())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := c.Get(s.URL + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("keycheck did not answer /healthz within %s; its log:\n%s", limit, s.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends keycheck as SIGTERM does in production (live tests save
// themselves, the database closes), and kills it if that takes too long.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// alive reports whether the process is still running.
func (s *server) alive() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// rss returns the process's resident memory now and its high-water mark.
func (s *server) rss() (cur, peak int64, err error) {
	return readRSS(s.cmd.Process.Pid)
}

// logTail keeps the last 64 KiB of the server's log and counts its
// warnings and errors: a measurement taken while the server complained is
// reported as such.
type logTail struct {
	echo io.Writer

	mu       sync.Mutex
	buf      []byte
	warnings int
	errors   int
}

var (
	levelWarn  = regexp.MustCompile(`(?m)level=WARN\b`)
	levelError = regexp.MustCompile(`(?m)level=ERROR\b`)
)

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.warnings += len(levelWarn.FindAllIndex(p, -1))
	l.errors += len(levelError.FindAllIndex(p, -1))
	l.buf = append(l.buf, p...)
	if over := len(l.buf) - 64<<10; over > 0 {
		l.buf = append(l.buf[:0], l.buf[over:]...)
	}
	if l.echo != nil {
		l.echo.Write(p)
	}
	return len(p), nil
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}

func (l *logTail) counts() (warnings, errs int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.warnings, l.errors
}

// lastErrors returns up to n ERROR lines of the log, for the report.
func (l *logTail) lastErrors(n int) []string {
	var out []string
	for _, line := range strings.Split(l.String(), "\n") {
		if levelError.MatchString(line) {
			out = append(out, line)
		}
	}
	if len(out) > n {
		out = out[len(out)-n:]
	}
	return out
}
