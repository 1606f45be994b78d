package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/keycheck/keycheck/internal/wait"
)

// errNotInstalled: no initdb to make a cluster with.
var errNotInstalled = errors.New("pgtest: initdb not found")

// Cluster is a running throwaway PostgreSQL: a data directory in a temporary
// directory, a server listening on a free 127.0.0.1 port and on a unix
// socket in that directory, trusting every local connection.
type Cluster struct {
	dir  string // holds data/, the socket and server.log
	port int
	cmd  *exec.Cmd
	// exited is closed when the server process ends; err is why.
	exited chan struct{}
	err    error

	mu       sync.Mutex // guards admin and stopped
	admin    *pgx.Conn
	stopped  bool
	stopOnce sync.Once
	stopErr  error
}

// startTimeout bounds initdb and the server's start: a loaded CI machine
// may take seconds, a hung one must not hang the tests.
const startTimeout = 60 * time.Second

// start makes and starts a cluster: initdb, then postgres as a child of
// this process.
func start() (*Cluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	as, err := runAs()
	if err != nil {
		return nil, err
	}
	removeStale()
	dir, err := os.MkdirTemp("", "keycheck-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	c := &Cluster{dir: dir}
	if err := c.init(bin, as); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// init runs initdb and starts the server; on an error the caller removes dir.
func (c *Cluster) init(bin string, as *syscall.Credential) error {
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if as != nil {
		if err := os.Chown(c.dir, int(as.Uid), int(as.Gid)); err != nil {
			return fmt.Errorf("pgtest: give %s to the postgres user: %w", c.dir, err)
		}
	}
	data := filepath.Join(c.dir, "data")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: as}
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("pgtest: initdb: %w\n%s", err, out)
	}
	// A port taken between here and the server's bind fails the start,
	// which is then tried again on another.
	var err error
	for range 3 {
		if c.port, err = freePort(); err != nil {
			return err
		}
		if err = c.serve(ctx, bin, data, as); err == nil {
			return nil
		}
	}
	return err
}

// serve starts postgres on c.port and waits until it takes connections.
func (c *Cluster) serve(ctx context.Context, bin, data string, as *syscall.Credential) error {
	logf, err := os.OpenFile(filepath.Join(c.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(filepath.Join(bin, "postgres"), "-D", data,
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories="+c.dir,
		// Durability is worth nothing to a throwaway cluster, and costs
		// the tests most of their time.
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300",
	)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: as}
	dieWithParent(cmd.SysProcAttr)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	exited := make(chan struct{})
	c.cmd, c.exited = cmd, exited
	go func() {
		c.err = cmd.Wait()
		close(exited)
	}()
	for {
		conn, err := pgx.Connect(ctx, c.url("postgres"))
		if err == nil {
			c.admin = conn
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("pgtest: postgres exited at start (%v):\n%s", c.err, c.log())
		default:
		}
		if wait.For(ctx, 20*time.Millisecond) != nil {
			c.kill()
			return fmt.Errorf("pgtest: postgres did not answer within %v: %v\n%s", startTimeout, err, c.log())
		}
	}
}

// log returns the end of the server's log, for an error.
func (c *Cluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b))
}

// kill stops the server at once (an immediate shutdown: SIGQUIT, as
// pg_ctl stop -m immediate sends) and waits for it to exit.
func (c *Cluster) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
	case <-time.After(10 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.exited
	}
}

// Stop stops the server and removes its directory. Databases created in it
// are gone; a store on them fails from now on. Stop is idempotent.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.stopped = true
		if c.admin != nil {
			c.admin.Close(context.Background())
		}
		c.mu.Unlock()
		c.kill()
		c.stopErr = os.RemoveAll(c.dir)
	})
	return c.stopErr
}

// exec runs one statement on the cluster's admin connection.
func (c *Cluster) exec(ctx context.Context, sql string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return errors.New("the cluster is stopped")
	}
	_, err := c.admin.Exec(ctx, sql)
	return err
}

// url is the DSN of database db in c, over TCP as keycheck connects in
// production.
func (c *Cluster) url(db string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// binDir finds PostgreSQL's server binaries: initdb on PATH, or Debian's
// /usr/lib/postgresql/<version>/bin (not on PATH), the newest version.
func binDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(found) == 0 {
		return "", errNotInstalled
	}
	version := func(p string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(p))))
		return v
	}
	slices.SortFunc(found, func(a, b string) int { return version(a) - version(b) })
	return filepath.Dir(found[len(found)-1]), nil
}

// runAs says whom to run initdb and postgres as: nil for this process's
// user, or, for root (whom initdb refuses), the postgres user that
// Debian's package creates.
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: the tests run as root, whom initdb refuses, and there is no postgres user to run it as (%v): "+
			"install Debian's postgresql package, which creates it, or run the tests as another user", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("pgtest: postgres user: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// staleAfter is how old a cluster's directory with no server in it must be
// before another test binary removes it: one being made right now has no
// server yet either.
const staleAfter = 15 * time.Minute

// removeStale removes the directories of clusters whose test binary died
// before Main could (the kernel stopped their servers; see dieWithParent).
func removeStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "keycheck-pgtest-*"))
	for _, d := range dirs {
		info, err := os.Stat(d)
		if err != nil || time.Since(info.ModTime()) < staleAfter {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, "data", "postmaster.pid")); os.IsNotExist(err) {
			os.RemoveAll(d)
		}
	}
}

// freePort returns a 127.0.0.1 port nothing listens on right now.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
