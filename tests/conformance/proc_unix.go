//go:build !windows

package main

import "syscall"

// processGone reports whether pid no longer exists. go-plugin reaps the child
// inside Kill, so a zombie does not linger and signal 0 is conclusive.
func processGone(pid int) bool {
	if pid <= 0 {
		return true
	}
	return syscall.Kill(pid, 0) == syscall.ESRCH
}
