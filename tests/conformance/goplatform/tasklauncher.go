package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
)

type TaskConfig struct {
	// StateDir holds each task's exit-status and output files.
	StateDir string `hcl:"state_dir,optional"`
	// PollMs is how often watch checks for the exit status.
	PollMs int `hcl:"poll_ms,optional"`
}

// TaskLauncher runs a task as a local process. Start, watch and stop each
// run in a fresh plugin process (Waypoint opens the plugin once per job),
// so the task outlives the process that started it: a wrapper shell writes
// the exit status to a file that watch polls for.
type TaskLauncher struct {
	config TaskConfig
}

func (t *TaskLauncher) Config() (interface{}, error) { return &t.config, nil }

func (t *TaskLauncher) StartTaskFunc() interface{} { return t.start }
func (t *TaskLauncher) WatchTaskFunc() interface{} { return t.watch }
func (t *TaskLauncher) StopTaskFunc() interface{}  { return t.stop }

func (t *TaskLauncher) stateDir() (string, error) {
	d := t.config.StateDir
	if d == "" {
		d = filepath.Join(os.TempDir(), "goplatform-tasks")
	}
	d, err := filepath.Abs(d)
	if err != nil {
		return "", err
	}
	return d, os.MkdirAll(d, 0o755)
}

// The wrapper runs "$@" and records its status; "exec" is not used so that
// the status can be written after the command ends.
const wrapper = `"$@"; echo $? > "$WPTASK_STATUS.tmp" && mv "$WPTASK_STATUS.tmp" "$WPTASK_STATUS"`

func (t *TaskLauncher) start(ctx context.Context, log hclog.Logger, tli *component.TaskLaunchInfo) (*TaskState, error) {
	argv := append(append([]string{}, tli.Entrypoint...), tli.Arguments...)
	if len(argv) == 0 {
		return nil, errors.New("task has neither an entrypoint nor arguments")
	}
	dir, err := t.stateDir()
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "task-*.out")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	status := strings.TrimSuffix(f.Name(), ".out") + ".status"

	cmd := exec.Command("/bin/sh", append([]string{"-c", wrapper, "task"}, argv...)...)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), "WPTASK_STATUS="+status, "WPTASK_OCI_URL="+tli.OciUrl)
	keys := make([]string, 0, len(tli.EnvironmentVariables))
	for k := range tli.EnvironmentVariables {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+tli.EnvironmentVariables[k])
	}
	// Own process group, so stop can signal the wrapper and the task, and
	// so the plugin's shutdown does not take the task with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	// Reap it if it ends while this plugin process is still alive; after
	// that, init inherits it.
	go cmd.Wait()
	log.Info("task started", "pid", pid, "argv", argv, "oci_url", tli.OciUrl)
	return &TaskState{Pid: int64(pid), StatusFile: status, OutputFile: f.Name()}, nil
}

func (t *TaskLauncher) watch(ctx context.Context, ui terminal.UI, log hclog.Logger, st *TaskState) (*component.TaskResult, error) {
	poll := time.Duration(t.config.PollMs) * time.Millisecond
	if poll <= 0 {
		poll = 20 * time.Millisecond
	}
	s := ui.Status()
	defer s.Close()
	s.Update(fmt.Sprintf("Waiting for task %d", st.Pid))
	var code int
	for {
		b, err := os.ReadFile(st.StatusFile)
		if err == nil {
			if code, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil {
				return nil, fmt.Errorf("bad status file %s: %w", st.StatusFile, err)
			}
			break
		}
		if !os.IsNotExist(err) {
			return nil, err
		}
		if !alive(int(st.Pid)) {
			// The wrapper may have written the status just now; otherwise
			// it was killed (stop) before it could.
			if _, err := os.Stat(st.StatusFile); err == nil {
				continue
			}
			code = -1
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
	if f, err := os.Open(st.OutputFile); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			ui.Output("task: %s", sc.Text())
		}
		f.Close()
	}
	if code == 0 {
		s.Step(terminal.StatusOK, fmt.Sprintf("Task %d exited with 0", st.Pid))
	} else {
		s.Step(terminal.StatusError, fmt.Sprintf("Task %d exited with %d", st.Pid, code))
	}
	return &component.TaskResult{ExitCode: code}, nil
}

func (t *TaskLauncher) stop(ctx context.Context, log hclog.Logger, st *TaskState) error {
	err := syscall.Kill(-int(st.Pid), syscall.SIGTERM)
	if errors.Is(err, syscall.ESRCH) {
		log.Info("task already gone", "pid", st.Pid)
		return nil
	}
	if err != nil {
		return err
	}
	log.Info("task signalled", "pid", st.Pid)
	return nil
}

// alive reports whether pid is a running (not zombie) process.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no procfs: trust kill(0)
	}
	// The state follows the parenthesised command name.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}
