//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// flock takes an exclusive flock on f without waiting, or returns
// errLocked. An flock belongs to the open file, so a second open of the
// same file is refused even within one process.
func flock(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
	}); err != nil {
		return err
	}
	if errors.Is(ferr, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return ferr
}
