package main

// Serve mode (`serve = true` in the platform's config): deploy also starts
// the deployed binary as a web app, in the background in a session of its
// own, on a free loopback port given in PORT, and waits until it answers
// HTTP; destroy stops its process group (see stopApp); status asks it for a
// page. This is the work the TypeScript localdeploy example does, so that
// the benchmark's real-CLI rows compare plugins doing the same thing.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// freePort asks the OS for a free TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// answers reports whether something answers an HTTP GET on the port.
func answers(port int) bool {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(c, "GET / HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n", port)
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "HTTP/1.")
}

// appEnv is this process's environment without the plugin protocol's
// variables, then the deployment's, then PORT.
func appEnv(deployment map[string]string, port int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "WAYPOINT_PLUGIN=") || strings.HasPrefix(kv, "PLUGIN_") {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range deployment {
		env = append(env, k+"="+v)
	}
	return append(env, fmt.Sprintf("PORT=%d", port))
}

// startApp runs binary in dir, its output appended to dir/app.log, and
// waits until it answers on a free port. On failure nothing is left running.
func startApp(binary, dir string, deployment map[string]string, timeout time.Duration) (pid, port int, err error) {
	port, err = freePort()
	if err != nil {
		return 0, 0, err
	}
	log, err := os.OpenFile(filepath.Join(dir, "app.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, 0, err
	}
	defer log.Close()
	cmd := exec.Command(binary)
	cmd.Dir = dir
	cmd.Env = appEnv(deployment, port)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(timeout)
	for !answers(port) {
		select {
		case err := <-exited:
			return 0, 0, fmt.Errorf("the app exited (%v) before it answered on port %d", err, port)
		default:
		}
		if time.Now().After(deadline) {
			stopApp(cmd.Process.Pid, binary)
			return 0, 0, fmt.Errorf("the app did not answer on port %d within %s", port, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cmd.Process.Pid, port, nil
}

// stopApp stops the app started from binary and everything it started:
// SIGTERM to its process group, then SIGKILL if a process of the group still
// runs after 5 s. It does nothing when pid is no longer that app (gone,
// exited, or a recycled pid), as the TypeScript localdeploy's stopApp does.
func stopApp(pid int, binary string) error {
	if pid <= 0 || !isApp(pid, binary) {
		return nil
	}
	if err := syscall.Kill(-pid, syscall.SIGTERM); errors.Is(err, syscall.ESRCH) {
		return nil
	} else if err != nil {
		return err
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if !groupRuns(pid) {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return syscall.Kill(-pid, syscall.SIGKILL)
}

// procStat is what /proc/<pid>/stat says of a process: its state letter and
// its process group; ok is false when there is no such process (or no /proc).
func procStat(pid int) (state byte, pgrp int, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 3 {
		return 0, 0, false
	}
	pgrp, err = strconv.Atoi(f[2])
	return f[0][0], pgrp, err == nil
}

// exited reports whether a process state is one of a process that has
// ended: a zombie waiting for its parent to reap it, or dead.
func exited(state byte) bool { return state == 'Z' || state == 'X' || state == 'x' }

// hasProc reports whether this system has a Linux /proc to read.
func hasProc() bool {
	_, err := os.Stat("/proc/self/stat")
	return err == nil
}

// isApp reports whether pid is still the app started from binary: a process
// that has not ended, whose command line starts with binary (exec.Command
// gives the path as argv[0]). Without /proc, whether pid exists.
func isApp(pid int, binary string) bool {
	if !hasProc() {
		return syscall.Kill(pid, 0) == nil
	}
	if state, _, ok := procStat(pid); !ok || exited(state) {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	argv0, _, _ := bytes.Cut(cmdline, []byte{0})
	return string(argv0) == binary
}

// groupRuns reports whether a process of the group led by pgid still runs.
// kill(-pgid, 0) alone cannot tell: it succeeds while the group holds only
// zombies, and the app is not this process's child (it was started by the
// deploy's plugin process, long gone), so its zombie waits for whatever
// adopted it, init or a subreaper, to reap it: at once on most machines,
// after a second or two under some container inits (and never under some).
// Waiting for that added 1-2 s, as the reaper's timing fell, to every
// `waypoint up` that pruned an old deployment, so an ended process counts as
// gone here.
func groupRuns(pgid int) bool {
	if syscall.Kill(-pgid, 0) != nil {
		return false
	}
	if !hasProc() {
		return true
	}
	if state, _, ok := procStat(pgid); ok && !exited(state) {
		return true // the leader runs: no need to look further
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return true
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if state, pgrp, ok := procStat(pid); ok && pgrp == pgid && !exited(state) {
			return true
		}
	}
	return false
}
