//go:build linux

package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a pseudo-terminal: tty is the terminal a program writes
// to, pty the end that reads what a person would see.
func openPTY(t *testing.T) (tty, pty *os.File) {
	t.Helper()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { pty.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Fatalf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Fatalf("ptsname: %v", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tty, pty
}

// checkOnTerminal runs keycheck check with its standard output on a
// terminal, and returns what the terminal showed.
func checkOnTerminal(t *testing.T, environ []string, args ...string) string {
	t.Helper()
	tty, pty := openPTY(t)
	read := make(chan string)
	go func() {
		// Read as the check writes: a terminal buffers little. The read
		// ends (EIO) once the terminal end is closed.
		b, _ := io.ReadAll(pty)
		read <- string(b)
	}()
	getenv := func(k string) string { v, _ := lookupEnv(environ, k); return v }
	var errOut bytes.Buffer
	checkCmd(context.Background(), args, strings.NewReader(""), tty, &errOut, getenv, environ)
	tty.Close()
	return strings.ReplaceAll(<-read, "\r\n", "\n")
}

// TestCheckCodeInBoldOnATerminal: on a terminal, code is in bold (and
// still without backticks); with NO_COLOR or TERM=dumb, or anywhere but a
// terminal, the output is plain text.
func TestCheckCodeInBoldOnATerminal(t *testing.T) {
	key := "HIAPI_API_KEY=" + goodKey + "\n"
	bold := boldOn + `printf '%s' "$HIAPI_API_KEY" | od -c | tail -3` + boldOff
	out := checkOnTerminal(t, []string{key, "TERM=xterm-256color"})
	if !strings.Contains(out, bold) {
		t.Errorf("no command in bold on a terminal:\n%q", out)
	}
	if strings.Contains(out, "`") {
		t.Errorf("a backtick on the terminal:\n%s", out)
	}
	for _, env := range [][]string{{key, "TERM=xterm", "NO_COLOR=1"}, {key, "TERM=dumb"}} {
		if out := checkOnTerminal(t, env); strings.Contains(out, "\x1b") || !strings.Contains(out, "✗ whitespace") {
			t.Errorf("%s: not plain text:\n%q", env[1:], out)
		}
	}
	// A file, as in "keycheck check > out.txt" or a CI log.
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var errOut bytes.Buffer
	env := []string{key, "TERM=xterm"}
	checkCmd(context.Background(), nil, strings.NewReader(""), f, &errOut, func(k string) string { v, _ := lookupEnv(env, k); return v }, env)
	f.Close()
	b, _ := os.ReadFile(f.Name())
	if bytes.Contains(b, []byte("\x1b")) || !bytes.Contains(b, []byte("✗ whitespace")) {
		t.Errorf("a file gets styles:\n%q", b)
	}
}
