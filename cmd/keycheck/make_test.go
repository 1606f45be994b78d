package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// repoRoot is the checkout holding the Makefile and scripts.
const repoRoot = "../.."

// TestMakeRunLeavesSettingsToTheEnvironment: "make run" and "make demo"
// pass no flag that would override a KEYCHECK_* setting (a flag wins over
// the environment), so KEYCHECK_ADDR=… make run listens there.
func TestMakeRunLeavesSettingsToTheEnvironment(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	for _, target := range []string{"run", "demo"} {
		cmd := exec.Command("make", "-n", target)
		cmd.Dir = repoRoot
		cmd.Env = append(os.Environ(), "KEYCHECK_ADDR=127.0.0.1:18099", "KEYCHECK_DB=/tmp/elsewhere.db")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make -n %s: %v\n%s", target, err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if !strings.Contains(line, "serve") && !strings.Contains(line, "demo.sh") {
				continue
			}
			for _, flag := range []string{"--addr", "--db", "--hiapi-url", "--live-per-hour", "--checks-per-minute", "--poll-every"} {
				if strings.Contains(line, flag) {
					t.Errorf("make %s passes %s, which overrides the environment: %s", target, flag, line)
				}
			}
		}
	}
}

// demoScript is scripts/demo.sh, as "make demo" runs it, with this test
// binary as keycheck.
type demoScript struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	addr chan string
	done chan struct{}
}

// runDemoScript starts the script in dir with env added to a clean
// KEYCHECK_* environment; keycheck listens on a free port.
func runDemoScript(t *testing.T, dir string, env ...string) *demoScript {
	t.Helper()
	script, err := filepath.Abs(filepath.Join(repoRoot, "scripts", "demo.sh"))
	if err != nil {
		t.Fatal(err)
	}
	d := &demoScript{out: &syncBuffer{}, addr: make(chan string, 1), done: make(chan struct{})}
	d.cmd = exec.Command("bash", script, os.Args[0])
	d.cmd.Dir = dir
	d.cmd.Env = append(os.Environ(), append([]string{"KEYCHECK_TEST_AS_MAIN=1", "KEYCHECK_SESSION_KEYS=",
		"KEYCHECK_ADDR=127.0.0.1:0", "KEYCHECK_DB=", "FRESH=", "KEYCHECK_HIAPI_URL="}, env...)...)
	d.cmd.Stderr = d.out
	stdout, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			d.out.Write([]byte(sc.Text() + "\n"))
			if rest, ok := strings.CutPrefix(sc.Text(), "keycheck is running at http://"); ok {
				d.addr <- strings.Fields(rest)[0]
			}
		}
		io.Copy(io.Discard, stdout)
		d.cmd.Wait()
		close(d.done)
	}()
	t.Cleanup(func() {
		select {
		case <-d.done:
		default:
			d.cmd.Process.Kill()
			<-d.done
		}
	})
	return d
}

// serving waits until keycheck serves and returns its base URL.
func (d *demoScript) serving(t *testing.T) string {
	t.Helper()
	select {
	case a := <-d.addr:
		return "http://" + a
	case <-d.done:
		t.Fatalf("make demo ended before serving:\n%s", d.out.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("make demo did not serve:\n%s", d.out.String())
	}
	return ""
}

// stop sends SIGTERM, as Ctrl-C does, and waits for the end.
func (d *demoScript) stop(t *testing.T) {
	t.Helper()
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.exit(t)
}

func (d *demoScript) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-d.done:
		return d.cmd.ProcessState.ExitCode()
	case <-time.After(30 * time.Second):
		t.Fatalf("make demo did not end:\n%s", d.out.String())
		return -1
	}
}

// TestDemoKeepsItsDatabase: make demo's runs survive a restart, FRESH=1
// starts over, and FRESH=1 never deletes a database the person named.
func TestDemoKeepsItsDatabase(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	dir := t.TempDir()
	c := newClient(t)
	d := runDemoScript(t, dir)
	base := d.serving(t)
	resp, b := (&recorder{}).do(t, c, jsonReq(t, http.MethodPost, base+"/api/v1/runs", map[string]any{"key": goodKey}))
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /api/v1/runs: %d %s", resp.StatusCode, b)
	}
	var r apiRun
	if err := json.Unmarshal([]byte(b), &r); err != nil {
		t.Fatal(err)
	}
	d.stop(t)
	if _, err := os.Stat(filepath.Join(dir, ".demo", "keycheck.db")); err != nil {
		t.Fatalf("make demo keeps no database in .demo/: %v", err)
	}

	d = runDemoScript(t, dir)
	base = d.serving(t)
	if code, _ := get(t, c, base+"/api/v1/runs/"+r.ID); code != http.StatusOK {
		t.Errorf("after a restart the demo's run answers %d, want 200", code)
	}
	d.stop(t)

	d = runDemoScript(t, dir, "FRESH=1")
	base = d.serving(t)
	if code, _ := get(t, c, base+"/api/v1/runs/"+r.ID); code != http.StatusNotFound {
		t.Errorf("after FRESH=1 the old run answers %d, want 404", code)
	}
	d.stop(t)

	mine := filepath.Join(dir, "mine.db")
	if err := os.WriteFile(mine, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	d = runDemoScript(t, dir, "FRESH=1", "KEYCHECK_DB="+mine)
	if code := d.exit(t); code != 2 {
		t.Errorf("FRESH=1 with KEYCHECK_DB set exited %d, want 2:\n%s", code, d.out.String())
	}
	if b, err := os.ReadFile(mine); err != nil || string(b) != "precious" {
		t.Errorf("FRESH=1 touched KEYCHECK_DB=%s: %q %v", mine, b, err)
	}
}
