package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	sdkpb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/protobuf/types/known/timestamppb"
)

type PlatformConfig struct {
	// Directory holds one sub-directory per deployment.
	Directory string `hcl:"directory"`
	// Label is copied into the deployment; handy to check which template
	// variables a configure saw (e.g. label = artifact.path).
	Label string `hcl:"label,optional"`
	// StatusTakesLastReport makes the status function ask for the
	// previous report, as Waypoint's core offers it (named last_report).
	StatusTakesLastReport bool `hcl:"status_takes_last_report,optional"`
	// Serve makes deploy start the deployed binary as a web app (see serve.go).
	Serve bool `hcl:"serve,optional"`
}

// Platform "deploys" a pushed file by copying it into a per-deployment
// directory. It implements every optional platform capability so that a
// host exercises all of them.
type Platform struct {
	config PlatformConfig
}

func (p *Platform) Config() (interface{}, error) { return &p.config, nil }

func (p *Platform) DeployFunc() interface{}           { return p.deploy }
func (p *Platform) DestroyFunc() interface{}          { return p.destroy }
func (p *Platform) DestroyWorkspaceFunc() interface{} { return p.destroyWorkspace }
func (p *Platform) StatusFunc() interface{} {
	if p.config.StatusTakesLastReport {
		return p.statusAfter
	}
	return p.status
}
func (p *Platform) ExecFunc() interface{}            { return p.exec }
func (p *Platform) LogsFunc() interface{}            { return p.logs }
func (p *Platform) GenerationFunc() interface{}      { return p.generation }
func (p *Platform) DefaultReleaserFunc() interface{} { return p.defaultReleaser }

// URL makes the deployment a component.DeploymentWithUrl: the SDK server
// copies it into Deploy.Resp.deployment.url.
func (d *Deployment) URL() string {
	if d.Url != "" {
		return d.Url
	}
	return "file://" + d.Dir
}

func (p *Platform) root() (string, error) { return filepath.Abs(p.config.Directory) }

const resourceName = "deployed-file"

func (p *Platform) deploy(
	ctx context.Context,
	ui terminal.UI,
	log hclog.Logger,
	art *PushedFile,
	dcfg *component.DeploymentConfig,
	dr *component.DeclaredResourcesResp,
) (*Deployment, error) {
	st := ui.Status()
	defer st.Close()

	root, err := p.root()
	if err != nil {
		return nil, err
	}
	id := dcfg.Id
	if id == "" {
		return nil, errors.New("deployment config carries no id")
	}
	dir := filepath.Join(root, id)
	dst := filepath.Join(dir, filepath.Base(art.Path))
	st.Update("Deploying " + art.Path)
	log.Info("deploying", "from", art.Path, "to", dst, "sequence", dcfg.Sequence, "server", dcfg.ServerAddr)
	if err := copyFile(art.Path, dst); err != nil {
		st.Step(terminal.StatusError, "Deploy failed")
		return nil, err
	}
	env := dcfg.Env()
	if err := os.WriteFile(filepath.Join(dir, "env"), []byte(envLines(env)), 0o644); err != nil {
		return nil, err
	}
	dr.DeclaredResources = append(dr.DeclaredResources, fileResource(dst))
	d := &Deployment{Id: id, Path: dst, Dir: dir, Label: p.config.Label}
	if p.config.Serve {
		st.Update("Starting " + dst)
		pid, port, err := startApp(dst, dir, env, 30*time.Second)
		if err != nil {
			os.RemoveAll(dir)
			st.Step(terminal.StatusError, "Deploy failed")
			return nil, err
		}
		d.Pid, d.Port, d.Url = int64(pid), int64(port), fmt.Sprintf("http://127.0.0.1:%d", port)
		dr.DeclaredResources = append(dr.DeclaredResources, &sdkpb.DeclaredResource{
			Name:                "app",
			Type:                "process",
			Platform:            "local",
			StateJson:           fmt.Sprintf(`{"pid":%d,"port":%d}`, pid, port),
			CategoryDisplayHint: sdkpb.ResourceCategoryDisplayHint_INSTANCE,
		})
		st.Step(terminal.StatusOK, "Started "+id+": it answers at "+d.Url)
		return d, nil
	}
	st.Step(terminal.StatusOK, "Deployed "+dst)
	return d, nil
}

func fileResource(path string) *sdkpb.DeclaredResource {
	return &sdkpb.DeclaredResource{
		Name:                resourceName,
		Type:                "file",
		Platform:            "filesystem",
		StateJson:           fmt.Sprintf(`{"path":%q}`, path),
		CategoryDisplayHint: sdkpb.ResourceCategoryDisplayHint_INSTANCE,
	}
}

func envLines(env map[string]string) string {
	var b strings.Builder
	for _, k := range []string{"WAYPOINT_DEPLOYMENT_ID", "WAYPOINT_SERVER_ADDR", "WAYPOINT_CEB_INVITE_TOKEN", "WAYPOINT_SERVER_DISABLE"} {
		if v, ok := env[k]; ok {
			fmt.Fprintf(&b, "%s=%s\n", k, v)
		}
	}
	return b.String()
}

func (p *Platform) destroy(
	ctx context.Context,
	ui terminal.UI,
	log hclog.Logger,
	d *Deployment,
	dr *component.DeclaredResourcesResp,
	ds *component.DestroyedResourcesResp,
) error {
	log.Info("destroying", "dir", d.Dir)
	if err := stopApp(int(d.Pid), d.Path); err != nil {
		return err
	}
	if err := os.RemoveAll(d.Dir); err != nil {
		return err
	}
	ds.DestroyedResources = append(ds.DestroyedResources, &sdkpb.DestroyedResource{
		Name:      resourceName,
		Type:      "file",
		Platform:  "filesystem",
		StateJson: fmt.Sprintf(`{"path":%q}`, d.Path),
	})
	ui.Output("Removed %s", d.Dir, terminal.WithSuccessStyle())
	return nil
}

// destroyWorkspace removes the deployment root once it is empty.
func (p *Platform) destroyWorkspace(ctx context.Context, ui terminal.UI, log hclog.Logger, d *Deployment) error {
	root, err := p.root()
	if err != nil {
		return err
	}
	if err := os.Remove(root); err != nil && !os.IsNotExist(err) {
		ui.Output("Kept %s: %s", root, err, terminal.WithWarningStyle())
		return nil
	}
	ui.Output("Removed workspace directory %s", root, terminal.WithSuccessStyle())
	return nil
}

func (p *Platform) status(
	ctx context.Context,
	log hclog.Logger,
	d *Deployment,
) (*sdkpb.StatusReport, error) {
	health, msg := sdkpb.StatusReport_READY, "file present"
	if _, err := os.Stat(d.Path); err != nil {
		health, msg = sdkpb.StatusReport_MISSING, err.Error()
	} else if d.Port > 0 && !answers(int(d.Port)) {
		health, msg = sdkpb.StatusReport_DOWN, d.Url+" does not answer"
	}
	now := timestamppb.Now()
	return &sdkpb.StatusReport{
		Health:        health,
		HealthMessage: msg,
		GeneratedTime: now,
		External:      false,
		Resources: []*sdkpb.StatusReport_Resource{{
			Name:                resourceName,
			Id:                  d.Id,
			Health:              health,
			HealthMessage:       msg,
			Platform:            "filesystem",
			Type:                "file",
			PlatformUrl:         "file://" + d.Path,
			CategoryDisplayHint: sdkpb.ResourceCategoryDisplayHint_INSTANCE,
			StateJson:           fmt.Sprintf(`{"path":%q}`, d.Path),
			CreatedTime:         now,
		}},
	}, nil
}

// statusAfter is status with the previous report; its message says what
// that report was.
func (p *Platform) statusAfter(
	ctx context.Context,
	log hclog.Logger,
	d *Deployment,
	last *sdkpb.StatusReport,
) (*sdkpb.StatusReport, error) {
	r, err := p.status(ctx, log, d)
	if err == nil {
		r.HealthMessage = fmt.Sprintf("%s (last report: %v)", r.HealthMessage, last)
	}
	return r, err
}

// exec runs `/bin/sh -c "<args>"` in the deployment directory with the
// session's stdin, stdout and stderr.
func (p *Platform) exec(
	ctx context.Context,
	log hclog.Logger,
	d *Deployment,
	esi *component.ExecSessionInfo,
) (*component.ExecResult, error) {
	// A terminal session's first window size is sent when the session opens;
	// report it before the command runs, so a short command cannot finish
	// (and the session close) before it has arrived.
	if esi.IsTTY {
		select {
		case ws, ok := <-esi.WindowSizeUpdates:
			if ok {
				fmt.Fprintf(esi.Error, "window %dx%d\n", ws.Width, ws.Height)
			}
		case <-time.After(2 * time.Second):
		case <-ctx.Done():
		}
	}
	// Window size updates share a goroutine with stdin in the SDK's client:
	// drain them so input never stalls.
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case ws, ok := <-esi.WindowSizeUpdates:
				if !ok {
					return
				}
				fmt.Fprintf(esi.Error, "window %dx%d\n", ws.Width, ws.Height)
			}
		}
	}()

	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", strings.Join(esi.Arguments, " "))
	cmd.Dir = d.Dir
	cmd.Stdin = esi.Input
	cmd.Stdout = esi.Output
	cmd.Stderr = esi.Error
	cmd.Env = append(os.Environ(), esi.Environment...)
	if esi.IsTTY {
		cmd.Env = append(cmd.Env, "TERM="+esi.Term)
	}
	// Stdin is a pipe fed by the host; do not let a host that never closes
	// it keep Wait from returning.
	cmd.WaitDelay = 2 * time.Second
	log.Info("exec", "args", esi.Arguments, "tty", esi.IsTTY)
	err := cmd.Run()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return &component.ExecResult{ExitCode: exitErr.ExitCode()}, nil
	}
	if err != nil {
		return nil, err
	}
	return &component.ExecResult{ExitCode: 0}, nil
}

// logs emits three events, then waits for them to leave: the SDK's
// LogViewer forwards events from a goroutine that dies with the call.
func (p *Platform) logs(ctx context.Context, log hclog.Logger, d *Deployment, lv *component.LogViewer) error {
	n := 3
	if lv.Limit > 0 && lv.Limit < n {
		n = lv.Limit
	}
	base := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		ev := component.LogEvent{
			Partition: d.Id,
			Timestamp: base.Add(time.Duration(i) * time.Second),
			Message:   fmt.Sprintf("line %d of %s", i, filepath.Base(d.Path)),
		}
		select {
		case lv.Output <- ev:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for len(lv.Output) > 0 {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	log.Info("logs sent", "events", n, "startingAt", lv.StartingAt, "limit", lv.Limit)
	return nil
}

func (p *Platform) generation(src *component.Source, job *component.JobInfo) ([]byte, error) {
	if p.config.Serve {
		// Each served deployment is a process of its own: no id, so Waypoint picks a random
		// generation and never treats a redeploy as in place.
		return nil, nil
	}
	return []byte(src.App + "/" + job.Workspace), nil
}

func (p *Platform) defaultReleaser(log hclog.Logger) (component.ReleaseManager, error) {
	log.Info("default releaser requested")
	return &ReleaseManager{config: ReleaseConfig{Marker: "RELEASED-default"}}, nil
}
