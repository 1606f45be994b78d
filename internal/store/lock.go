package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrInUse is returned by Open when another keycheck (another process, or
// another DB in this one) holds the database file. Two processes on one
// SQLite file each believe the other's running live tests were cut short:
// one shows them "interrupted", and its startup writes that over them.
var ErrInUse = errors.New("another keycheck is using this database file")

// The lock is an flock on a sidecar file, <db>.lock, held for the DB's
// life, not on the database file itself. SQLite guards the database file
// with POSIX (fcntl) locks, and closing any descriptor of a file drops all
// of a process's POSIX locks on it: a lock descriptor on the database file
// could only be closed after SQLite's last connection, and a refused second
// Open in the same process would have to close its descriptor at once,
// dropping the first DB's locks under it. The sidecar is keycheck's alone,
// so no descriptor of it ever touches SQLite's locks. A symlink to the
// database file is resolved first, so both names of it take one lock. The
// lock names a path, not the file: a database file deleted or replaced
// while keycheck runs is caught by checkFile instead.

// lockPath is the sidecar that locks the database file at path.
func lockPath(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	return path + ".lock"
}

// lock takes the exclusive lock on the database file at path, or returns
// an error wrapping ErrInUse that names the file. The lock lasts until the
// returned file is closed (or the process ends, even by a crash: no stale
// lock is ever left behind).
func lock(path string) (*os.File, error) {
	lp := lockPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock the database: %w", err)
	}
	switch err := flock(f); {
	case errors.Is(err, errLocked):
		f.Close()
		return nil, fmt.Errorf("%w (it holds %s). One SQLite file serves one keycheck process: "+
			"stop the other one, or give this one its own --db. "+
			"Several instances sharing their runs need PostgreSQL: --db postgres://…", ErrInUse, lp)
	case err != nil:
		f.Close()
		return nil, fmt.Errorf("lock the database with %s: %w", lp, err)
	}
	return f, nil
}

// errLocked is flock's answer when another holds the lock.
var errLocked = errors.New("locked")

// checkFile reports whether the database file at path is still the file
// opened (its identity is opened): a file deleted, moved or replaced while
// keycheck runs leaves keycheck writing to a file nobody else can open, and
// every run written since is lost when it stops.
func checkFile(path string, opened os.FileInfo) error {
	now, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the database file %s was deleted or moved since keycheck opened it: "+
			"what keycheck writes now is lost when it stops. Put the file back (or restore a backup) and restart keycheck", path)
	case err != nil:
		return fmt.Errorf("check the database file: %w", err)
	case !os.SameFile(now, opened):
		return fmt.Errorf("the database file %s was replaced since keycheck opened it: "+
			"keycheck still writes to the old file, which nothing else reads. Restart keycheck to use the new one", path)
	}
	return nil
}
