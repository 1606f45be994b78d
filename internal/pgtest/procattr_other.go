//go:build !linux

package pgtest

import "syscall"

// dieWithParent can do nothing outside Linux: there, a test binary killed
// before Main stops the cluster leaves its server running until stopped by
// hand (pg_ctl stop -D <dir>/data).
func dieWithParent(*syscall.SysProcAttr) {}
