//go:build !unix

package store

import "os"

// flock takes no lock where there is no flock: keycheck is deployed on
// Linux (and runs on macOS); elsewhere, refusing a second process on one
// file is left to the person running it.
func flock(*os.File) error { return nil }
