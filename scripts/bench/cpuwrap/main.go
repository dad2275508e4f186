// Command cpuwrap stands in for a plugin executable in the benchmark's
// real-CLI runs (scripts/bench_cli.ts) and tells how much CPU the plugin
// used. Installed as .waypoint/plugins/waypoint-plugin-<name> (a symlink to
// this binary), it runs the real plugin,
// .waypoint/real-plugins/waypoint-plugin-<name>, as its child with the same
// arguments, environment and stdin/stdout/stderr (the very file descriptors,
// so go-plugin's handshake line and its stdio streams go straight through),
// forwards SIGINT and SIGTERM to it, waits for it, exits as it did, and
// appends one line per launch to .waypoint/cpu.log:
//
//	start <wrapper pid> <plugin name> <unix ms>
//	exit <wrapper pid> <plugin name> <user µs> <system µs> <max RSS KiB> <wall µs> <status>
//
// The times are the child's rusage: the plugin and every process it waited
// for (e.g. `go build` and the compiler under it), not what it left running
// (a deployed app). A wrapper killed with SIGKILL (go-plugin's Kill after its
// grace period) takes the plugin with it (PR_SET_PDEATHSIG), as a plugin
// killed directly would go; that launch has a start line and no exit line.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

func main() {
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		fail(err)
	}
	name := filepath.Base(self)
	dotWaypoint := filepath.Dir(filepath.Dir(self))
	real := filepath.Join(dotWaypoint, "real-plugins", name)
	logPath := filepath.Join(dotWaypoint, "cpu.log")

	// Before the child starts, so no signal meant for it is missed.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)

	cmd := &exec.Cmd{
		Path:   real,
		Args:   append([]string{os.Args[0]}, os.Args[1:]...),
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		// Pdeathsig fires when the thread that forked the child ends: keep this one.
		SysProcAttr: &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	}
	runtime.LockOSThread()
	started := time.Now()
	appendLine(logPath, fmt.Sprintf("start %d %s %d", os.Getpid(), name, started.UnixMilli()))
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err = cmd.Wait()
	wall := time.Since(started)
	st := cmd.ProcessState
	if st == nil {
		fail(err)
	}
	ru, _ := st.SysUsage().(*syscall.Rusage)
	var user, sys, rss int64
	if ru != nil {
		user = ru.Utime.Sec*1e6 + int64(ru.Utime.Usec)
		sys = ru.Stime.Sec*1e6 + int64(ru.Stime.Usec)
		rss = int64(ru.Maxrss)
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	appendLine(logPath, fmt.Sprintf("exit %d %s %d %d %d %d %s",
		os.Getpid(), name, user, sys, rss, wall.Microseconds(), statusWord(ws)))
	if ws.Signaled() {
		// Die of the same signal, so the host sees what it would have seen.
		signal.Reset(ws.Signal())
		syscall.Kill(os.Getpid(), ws.Signal())
		time.Sleep(100 * time.Millisecond)
		os.Exit(128 + int(ws.Signal()))
	}
	os.Exit(ws.ExitStatus())
}

func statusWord(ws syscall.WaitStatus) string {
	if ws.Signaled() {
		return fmt.Sprintf("signal:%d", int(ws.Signal()))
	}
	return fmt.Sprintf("code:%d", ws.ExitStatus())
}

// appendLine writes one line with a single write to a file opened with
// O_APPEND, so lines of plugins running at once never interleave.
func appendLine(path, line string) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return // a plugin's launch matters more than its accounting
	}
	f.Write([]byte(line + "\n"))
	f.Close()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cpuwrap:", err)
	os.Exit(1)
}
