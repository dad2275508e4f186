package main

// Serve mode (`serve = true` in the platform's config): deploy also starts
// the deployed binary as a web app, in the background in a session of its
// own, on a free loopback port given in PORT, and waits until it answers
// HTTP; destroy stops its process group; status asks it for a page. This is
// the work the TypeScript localdeploy example does, so that the benchmark's
// real-CLI rows compare plugins doing the same thing.

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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
			stopApp(cmd.Process.Pid)
			return 0, 0, fmt.Errorf("the app did not answer on port %d within %s", port, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return cmd.Process.Pid, port, nil
}

// stopApp sends SIGTERM to the app's process group, then SIGKILL after 5 s.
func stopApp(pid int) error {
	if pid <= 0 {
		return nil
	}
	if err := syscall.Kill(-pid, syscall.SIGTERM); errors.Is(err, syscall.ESRCH) {
		return nil
	} else if err != nil {
		return err
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if syscall.Kill(-pid, 0) != nil {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return syscall.Kill(-pid, syscall.SIGKILL)
}
