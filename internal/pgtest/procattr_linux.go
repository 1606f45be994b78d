package pgtest

import "syscall"

// dieWithParent has the kernel stop the server (SIGQUIT: PostgreSQL's
// immediate shutdown) when the test binary dies, however it dies, so a
// killed test run leaves no server behind. (Strictly, when the thread that
// started it ends; Go ends threads only for goroutines that lock one.)
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGQUIT }
