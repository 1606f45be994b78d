//go:build !linux

package main

import (
	"syscall"
	"time"
)

func childAttr() *syscall.SysProcAttr { return nil }

// readRSS needs Linux's /proc: elsewhere the memory figures read n/a.
func readRSS(pid int) (cur, peak int64, err error) { return 0, 0, errNoProc }

func cpuTime(pid int) (time.Duration, error) { return 0, errNoProc }

func selfCPU() time.Duration { return 0 }

func machineBusy() (time.Duration, error) { return 0, errNoProc }

func loadAvg() string { return "" }
