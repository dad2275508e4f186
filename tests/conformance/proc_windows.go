package main

import "os"

// processGone: on Windows FindProcess opens a handle, which fails once the
// process is gone and reaped.
func processGone(pid int) bool {
	if pid <= 0 {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return true
	}
	p.Release()
	return false
}
