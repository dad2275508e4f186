package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/opaqueany"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	sdkpb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var (
	artifactType       = reflect.TypeOf((*component.Artifact)(nil)).Elem()
	deploymentType     = reflect.TypeOf((*component.Deployment)(nil)).Elem()
	releaseType        = reflect.TypeOf((*component.Release)(nil)).Elem()
	releaseManagerType = reflect.TypeOf((*component.ReleaseManager)(nil)).Elem()
)

// stepBuild is App.Build up to the push: builder, then registry, then the
// build operation (access info first when there is a registry).
func (r *lcRun) stepBuild(ctx context.Context) error {
	st := &BuildStep{}
	r.rep.Steps.Build, r.cur = st, &st.StepCommon
	st.ConfigVars = varNames(nil)

	b, err := r.create("build.builder", "builder", r.cfg.Build, nil)
	if err != nil {
		return err
	}
	r.buildComps = append(r.buildComps, b)
	var reg *comp
	if r.cfg.Registry != nil {
		if reg, err = r.create("build.registry", "registry", r.cfg.Registry, nil); err != nil {
			return err
		}
		r.buildComps = append(r.buildComps, reg)
	}
	st.HasRegistry = reg != nil

	step := r.ui.StepGroup().Add("Running build v1")
	defer step.Done()
	log := r.log.Named("build")

	args := []argmapper.Arg{argmapper.Named("HasRegistry", reg != nil)}
	if reg != nil {
		// Each AccessInfoFunc() call is one AccessSpec RPC; Waypoint makes
		// two before the Access call (or before failing).
		ra, ok := reg.value.(component.RegistryAccess)
		if ok && ra.AccessInfoFunc() != nil {
			raw, err := r.call(ctx, log, nil, b.labels, ra.AccessInfoFunc())
			if err != nil {
				return err
			}
			args = append(args, argmapper.Typed(raw))
			pm, ok := raw.(interface{ TypedAny() *opaqueany.Any })
			if !ok {
				return errors.New("AccessInfoFunc didn't provide a typed any")
			}
			st.AccessInfo = anyOut(pm.TypedAny())
			args = append(args, argNamedAny("access_info", pm.TypedAny()))
		} else if ok && ra != nil && ra.AccessInfoFunc() == nil {
			return status.Error(codes.Internal, "The plugin requested does not "+
				"define an AccessInfoFunc() in its Registry plugin. This is an internal "+
				"error and should be reported to the author of the plugin.")
		}
	}

	raw, err := r.call(ctx, log, artifactType, b.labels, b.value.(component.Builder).BuildFunc(), args...)
	if err != nil {
		return err
	}
	if st.Result, err = resultOut(raw, b.labels); err != nil {
		return err
	}
	if r.build, err = recordOf(raw); err != nil {
		return err
	}
	if r.build.any == nil {
		return errors.New("build returned no result Any: the push/deploy after it fails with \"arg cannot be nil\"")
	}
	return nil
}

// stepPush is App.PushBuild: a fresh registry (configured with artifact.*)
// and a fresh builder; without a registry the build artifact is reused.
func (r *lcRun) stepPush(ctx context.Context) error {
	st := &PushStep{Registry: r.cfg.Registry != nil}
	r.rep.Steps.Push, r.cur = st, &st.StepCommon
	st.ConfigVars = varNames(nil)

	vars := map[string]cty.Value{}
	r.templateVar(vars, "artifact", r.build)

	var reg *comp
	var err error
	if r.cfg.Registry != nil {
		st.ConfigVars = varNames(vars)
		if reg, err = r.create("push.registry", "registry", r.cfg.Registry, vars); err != nil {
			return err
		}
		defer r.close(reg)
	}
	b, err := r.create("push.builder", "builder", r.cfg.Build, nil)
	if err != nil {
		return err
	}
	defer r.close(b)

	step := r.ui.StepGroup().Add("Running push build v1")
	defer step.Done()

	var raw interface{} = r.build.any
	labels := r.labels
	if reg != nil {
		labels = reg.labels
		raw, err = r.call(ctx, r.log.Named("push"), artifactType, reg.labels,
			reg.value.(component.Registry).PushFunc(),
			argNamedAny("artifact", r.build.any))
		if err != nil {
			return err
		}
	}
	if st.Result, err = resultOut(raw, labels); err != nil {
		return err
	}
	r.push, err = recordOf(raw)
	return err
}

// stepDeploy is App.Deploy: the platform is created in Init (where the
// generation id is computed), the operation gets its id, then Do creates
// the platform again and deploys.
func (r *lcRun) stepDeploy(ctx context.Context) error {
	st := &DeployStep{DeclaredResources: []*ResourceOut{}}
	r.rep.Steps.Deploy, r.cur = st, &st.StepCommon

	vars := map[string]cty.Value{}
	r.templateVar(vars, "artifact", r.push)
	dc := &component.DeploymentConfig{ServerAddr: "localhost:9701"}
	entrypointVar(vars, dc)
	st.ConfigVars = varNames(vars)

	deployArgs := func() []argmapper.Arg {
		var args []argmapper.Arg
		if r.push.any != nil {
			args = append(args, argNamedAny("artifact", r.push.any))
		}
		return append(args, argmapper.Typed(dc))
	}

	p1, err := r.create("deploy.platform.init", "platform", r.cfg.Deploy, vars)
	if err != nil {
		return err
	}
	defer r.close(p1)
	if g, ok := p1.value.(component.Generation); ok {
		if f := g.GenerationFunc(); f != nil {
			raw, err := r.call(context.Background(), r.log, nil, p1.labels, g.GenerationFunc(), deployArgs()...)
			if err != nil {
				return err
			}
			id := raw.([]byte)
			st.Generation = &GenerationOut{ID: string(id), GenerationID: generationID(id)}
		}
	}

	// The server assigns the id and sequence and an entrypoint token.
	dc = &component.DeploymentConfig{
		Id:                    "01DEPLOY",
		Sequence:              1,
		ServerAddr:            dc.ServerAddr,
		ServerTls:             dc.ServerTls,
		ServerTlsSkipVerify:   dc.ServerTlsSkipVerify,
		EntrypointInviteToken: "token",
	}
	r.deployConfig = dc
	st.DeploymentConfig = &DeploymentConfigOut{
		ID: dc.Id, ServerAddr: dc.ServerAddr, EntrypointInviteToken: dc.EntrypointInviteToken, Sequence: dc.Sequence,
	}

	// Do's component lives until App.Deploy returns, after the step.
	var p2 *comp
	defer func() { r.close(p2) }()
	step := r.ui.StepGroup().Add("Running deploy v1")
	defer step.Done()

	r.close(p1)
	entrypointVar(vars, dc)
	if p2, err = r.create("deploy.platform", "platform", r.cfg.Deploy, vars); err != nil {
		return err
	}

	declared := &component.DeclaredResourcesResp{}
	raw, err := r.call(ctx, r.log.Named("deploy"), deploymentType, p2.labels,
		p2.value.(component.Platform).DeployFunc(),
		append(deployArgs(), argmapper.Typed(declared))...)
	if err != nil {
		return err
	}
	st.DeclaredResources = declaredOut(declared.DeclaredResources)

	if ep, ok := p2.value.(component.Execer); ok && ep.ExecFunc() != nil {
		st.HasExec = true
	}
	if lp, ok := p2.value.(component.LogPlatform); ok && lp.LogsFunc() != nil {
		st.HasLogs = true
	}

	if st.Result, err = resultOut(raw, p2.labels); err != nil {
		return err
	}
	if r.deploy, err = recordOf(raw); err != nil {
		return err
	}
	st.URL = r.deploy.url
	return nil
}

// createReleaser is App.createReleaser: the release stanza's release
// manager, else the platform's default releaser (served by the platform
// plugin on a broker id), else nothing.
func (r *lcRun) createReleaser(ctx context.Context, role string, vars map[string]cty.Value) (*comp, string, error) {
	if r.cfg.Release != nil {
		c, err := r.create(role+".releasemanager", "releasemanager", r.cfg.Release, vars)
		return c, "releasemanager", err
	}
	child := map[string]cty.Value{}
	for k, v := range vars {
		child[k] = v
	}
	entrypointVar(child, &component.DeploymentConfig{ServerAddr: "localhost:9701"})
	pc, err := r.create(role+".platform", "platform", r.cfg.Deploy, child)
	if err != nil {
		return nil, "", err
	}
	pr, ok := pc.value.(component.PlatformReleaser)
	if !ok || pr.DefaultReleaserFunc() == nil {
		r.close(pc)
		return nil, "none", nil
	}
	raw, err := r.call(ctx, r.log, releaseManagerType, pc.labels, pr.DefaultReleaserFunc())
	if err != nil {
		r.close(pc)
		return nil, "", err
	}
	pc.value = raw
	return pc, "default", nil
}

func (r *lcRun) releaseVars() map[string]cty.Value {
	vars := map[string]cty.Value{}
	r.templateVar(vars, "artifact", r.push)
	r.templateVar(vars, "deploy", r.deploy)
	return vars
}

// stepRelease is App.Release with the deployment as named `target`.
func (r *lcRun) stepRelease(ctx context.Context) error {
	st := &ReleaseStep{DeclaredResources: []*ResourceOut{}}
	r.rep.Steps.Release, r.cur = st, &st.StepCommon

	vars := r.releaseVars()
	st.ConfigVars = varNames(vars)
	c, kind, err := r.createReleaser(ctx, "release", vars)
	if err != nil {
		return err
	}
	defer r.close(c)
	st.Releaser = kind

	step := r.ui.StepGroup().Add("Running release v1")
	defer step.Done()

	// Waypoint records a release even when there is no releaser.
	r.release = &record{}
	if c == nil {
		st.Unimplemented = true
		return nil
	}
	declared := &component.DeclaredResourcesResp{}
	raw, err := r.call(ctx, r.log.Named("release"), releaseType, c.labels,
		c.value.(component.ReleaseManager).ReleaseFunc(),
		argNamedAny("target", r.deploy.any),
		argmapper.Typed(declared))
	if err != nil {
		return err
	}
	st.DeclaredResources = declaredOut(declared.DeclaredResources)
	if st.Result, err = resultOut(raw, c.labels); err != nil {
		return err
	}
	if r.release, err = recordOf(raw); err != nil {
		return err
	}
	st.URL = raw.(component.Release).URL()
	return nil
}

// stepStatus is App.DeploymentStatusReport, then App.ReleaseStatusReport
// when a release manager (release stanza) released something.
func (r *lcRun) stepStatus(ctx context.Context) error {
	st := &StatusStep{}
	r.rep.Steps.Status, r.cur = st, &st.StepCommon

	vars := map[string]cty.Value{}
	r.templateVar(vars, "artifact", r.push)
	entrypointVar(vars, &component.DeploymentConfig{ServerAddr: "localhost:9701"})
	st.ConfigVars = varNames(vars)
	var err error
	if st.Deployment, err = r.statusReport(ctx, "status.platform", "platform", r.cfg.Deploy, vars, r.deploy.any); err != nil {
		return err
	}

	switch {
	case r.release == nil:
		st.Release = &StatusOut{Skipped: "no release step ran", Resources: []*StatusResourceOut{}}
	case r.cfg.Release == nil:
		// The status reporter is a release manager created from the
		// stanza; without one Waypoint returns an empty report and
		// starts nothing (a default releaser is never asked).
		st.Release = &StatusOut{Skipped: "no release stanza", Resources: []*StatusResourceOut{}}
	default:
		rvars := r.releaseVars()
		st.Release, err = r.statusReport(ctx, "status.releasemanager", "releasemanager", r.cfg.Release, rvars, r.release.any)
	}
	return err
}

func (r *lcRun) statusReport(
	ctx context.Context,
	role, typ string,
	use *useStanza,
	vars map[string]cty.Value,
	target *opaqueany.Any,
) (*StatusOut, error) {
	c, err := r.create(role, typ, use, vars)
	if err != nil {
		return nil, err
	}
	// Waypoint never closes this component when it has no StatusFunc; it
	// is stopped here at the end of the step either way.
	defer r.close(c)
	sr, ok := c.value.(component.Status)
	if !ok || sr.StatusFunc() == nil {
		return &StatusOut{Resources: []*StatusResourceOut{}}, nil
	}
	log := r.log.Named(strings.Split(role, ".")[1] + "_statusreport")
	// Core passes the latest stored report, unmarshalled from its Any, or a
	// nil pointer before the first one.
	var last *sdkpb.StatusReport
	if r.o.lastReport != "" {
		last = &sdkpb.StatusReport{
			Health:        sdkpb.StatusReport_Health(sdkpb.StatusReport_Health_value[r.o.lastReport]),
			HealthMessage: "an earlier report",
		}
	}
	raw, err := r.call(ctx, log, nil, c.labels, sr.StatusFunc(),
		argNamedAny("target", target),
		argmapper.Named("last_report", last))
	if err != nil {
		return nil, err
	}
	rep, ok := raw.(*sdkpb.StatusReport)
	if !ok || rep == nil {
		return nil, fmt.Errorf("status function returned %T, not a *StatusReport", raw)
	}
	return statusOut(rep), nil
}

// lockedBuffer collects exec output; Output RPCs may arrive concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// stepExec is App.Exec's plugin path (the virtual CEB's session): a fresh
// platform, then ExecFunc with deployment, image and the session.
func (r *lcRun) stepExec(ctx context.Context) error {
	st := &ExecStep{Args: append([]string{}, r.o.execArgs...), TTY: r.o.execTTY}
	r.rep.Steps.Exec, r.cur = st, &st.StepCommon

	vars := map[string]cty.Value{}
	r.templateVar(vars, "artifact", r.push)
	st.ConfigVars = varNames(vars)
	c, err := r.create("exec.platform", "platform", r.cfg.Deploy, vars)
	if err != nil {
		return err
	}
	defer r.close(c)
	ex, ok := c.value.(component.Execer)
	if !ok || ex.ExecFunc() == nil {
		return nil
	}
	st.Implemented = true

	var stdout, stderr lockedBuffer
	esi := &component.ExecSessionInfo{
		Input:       strings.NewReader(r.o.execInput),
		Output:      &stdout,
		Error:       &stderr,
		Arguments:   r.o.execArgs,
		Environment: []string{"A=B"},
	}
	if r.o.execTTY {
		ws := make(chan component.WindowSize, 1)
		ws <- component.WindowSize{Height: 40, Width: 120}
		esi.WindowSizeUpdates = ws
		esi.IsTTY = true
		esi.Term = "xterm-256color"
		esi.InitialWindowSize = component.WindowSize{Height: 24, Width: 80}
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	raw, err := r.call(ctx, r.log, nil, c.labels, ex.ExecFunc(),
		argNamedAny("deployment", r.deploy.any),
		argNamedAny("image", r.push.any),
		argmapper.Typed(esi))
	st.Stdout, st.Stderr = stdout.String(), stderr.String()
	if err != nil {
		return err
	}
	if res, ok := raw.(*component.ExecResult); ok {
		st.ExitCode = res.ExitCode
	}
	return nil
}

// stepLogs is App.Logs' plugin path: a platform configured with an empty
// evaluation context, then LogsFunc with the deployment and a LogViewer
// whose events are read until the call returns.
func (r *lcRun) stepLogs(ctx context.Context) error {
	st := &LogsStep{Events: []*LogEvOut{}, Limit: r.o.logsLimit}
	r.rep.Steps.Logs, r.cur = st, &st.StepCommon
	st.ConfigVars = varNames(nil)

	c, err := r.create("logs.platform", "platform", r.cfg.Deploy, nil)
	if err != nil {
		return err
	}
	defer r.close(c)
	lp, ok := c.value.(component.LogPlatform)
	if !ok || lp.LogsFunc() == nil {
		return nil
	}
	st.Implemented = true

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lv := &component.LogViewer{
		Output:     make(chan component.LogEvent, 10),
		StartingAt: time.Unix(0, 0).UTC(),
		Limit:      r.o.logsLimit,
	}
	st.StartingAt = lv.StartingAt.Format(time.RFC3339Nano)
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- fmt.Errorf("panic: %v", v)
			}
		}()
		_, err := r.call(ctx, r.log, nil, c.labels, lp.LogsFunc(),
			argNamedAny("deployment", r.deploy.any),
			argmapper.Typed(lv))
		done <- err
	}()
	add := func(ev component.LogEvent) {
		st.Events = append(st.Events, &LogEvOut{
			Partition: ev.Partition,
			Timestamp: ev.Timestamp.UTC().Format(time.RFC3339Nano),
			Contents:  ev.Message,
		})
	}
	for {
		select {
		case ev := <-lv.Output:
			add(ev)
		case err := <-done:
			for len(lv.Output) > 0 {
				add(<-lv.Output)
				st.LateEvents++
			}
			return err
		}
	}
}

// stepDestroy is App.Destroy: every release, every deployment, then the
// workspace destroyers of the release manager and of the platform.
func (r *lcRun) stepDestroy(ctx context.Context) error {
	st := &DestroyStep{}
	r.rep.Steps.Destroy, r.cur = st, &st.StepCommon
	app := r.cfg.App

	releaseDestroyed := false
	if r.release != nil {
		r.ui.Output(fmt.Sprintf("Destroying releases for application '%s'...", app), terminal.WithHeaderStyle())
		out, err := r.destroyRelease(ctx)
		st.Release = out
		if err != nil {
			return err
		}
		releaseDestroyed = true
	}

	r.ui.Output(fmt.Sprintf("Destroying deployments for application '%s'...", app), terminal.WithHeaderStyle())
	out, err := r.destroyDeployment(ctx)
	st.Deployment = out
	if err != nil {
		return err
	}

	if releaseDestroyed {
		if st.ReleaseWorkspace, err = r.destroyReleaseWorkspace(ctx); err != nil {
			return err
		}
	}
	st.DeploymentWorkspace, err = r.destroyDeployWorkspace(ctx)
	return err
}

func newDestroyOut() *DestroyOut {
	return &DestroyOut{DeclaredResources: []*ResourceOut{}, DestroyedResources: []*ResourceOut{}}
}

func (r *lcRun) destroyRelease(ctx context.Context) (*DestroyOut, error) {
	out := newDestroyOut()
	c, kind, err := r.createReleaser(ctx, "destroy.release", r.releaseVars())
	out.Releaser = kind
	if err != nil {
		return out, err
	}
	defer r.close(c)

	step := r.ui.StepGroup().Add("Running release destroy v1")
	defer step.Done()
	if c == nil {
		return out, nil
	}
	return out, r.callDestroy(ctx, c, r.log.Named("release"), "release", r.release.any, out)
}

// callDestroy is the component's DestroyFunc on the stored result target,
// passed as the named Any `what`. Waypoint skips it when there is no
// function or no stored result.
func (r *lcRun) callDestroy(ctx context.Context, c *comp, log hclog.Logger, what string, target *opaqueany.Any, out *DestroyOut) error {
	d, ok := c.value.(component.Destroyer)
	if !ok || d.DestroyFunc() == nil {
		return nil
	}
	if target == nil {
		r.warn("%s has no stored result: Waypoint logs an error and skips its destroy", what)
		return nil
	}
	declared := &component.DeclaredResourcesResp{}
	destroyed := &component.DestroyedResourcesResp{}
	_, err := r.call(ctx, log, nil, c.labels, d.DestroyFunc(),
		argNamedAny(what, target),
		argmapper.Typed(declared),
		argmapper.Typed(destroyed))
	if err != nil {
		return err
	}
	out.Called = true
	out.DeclaredResources = declaredOut(declared.DeclaredResources)
	out.DestroyedResources = destroyedOut(destroyed.DestroyedResources)
	return nil
}

func (r *lcRun) destroyVars() map[string]cty.Value {
	vars := map[string]cty.Value{}
	entrypointVar(vars, &component.DeploymentConfig{ServerAddr: "localhost:9701"})
	r.templateVar(vars, "artifact", r.push)
	return vars
}

func (r *lcRun) destroyDeployment(ctx context.Context) (*DestroyOut, error) {
	out := newDestroyOut()
	c, err := r.create("destroy.platform", "platform", r.cfg.Deploy, r.destroyVars())
	if err != nil {
		return out, err
	}
	defer r.close(c)

	err = func() error {
		step := r.ui.StepGroup().Add("Running deployment destroy v1")
		defer step.Done()
		return r.callDestroy(ctx, c, r.log.Named("deploy"), "deployment", r.deploy.any, out)
	}()
	if err != nil {
		return out, err
	}

	// What destroyDeploy prints afterwards: only when resources were
	// left behind.
	if len(out.DeclaredResources) > 0 {
		msg := fmt.Sprintf("These resources were not destroyed for app %q:\n", r.cfg.App)
		for _, res := range out.DeclaredResources {
			msg += "- " + res.Name + "\n"
		}
		r.ui.Output(msg, terminal.WithWarningStyle())
		if len(out.DestroyedResources) > 0 {
			msg = fmt.Sprintf("These resources were destroyed for app %q:\n", r.cfg.App)
			for _, res := range out.DestroyedResources {
				msg += "- " + res.Name + "\n"
			}
			r.ui.Output(msg, terminal.WithSuccessStyle())
		}
	}
	return out, nil
}

func (r *lcRun) destroyReleaseWorkspace(ctx context.Context) (*DestroyOut, error) {
	out := newDestroyOut()
	c, kind, err := r.createReleaser(ctx, "destroy.release.workspace", r.releaseVars())
	out.Releaser = kind
	if err != nil || c == nil {
		return out, err
	}
	return r.destroyWorkspace(ctx, c, "release", "release", r.release.any, out)
}

func (r *lcRun) destroyDeployWorkspace(ctx context.Context) (*DestroyOut, error) {
	out := newDestroyOut()
	c, err := r.create("destroy.platform.workspace", "platform", r.cfg.Deploy, r.destroyVars())
	if err != nil {
		return out, err
	}
	return r.destroyWorkspace(ctx, c, "deploy", "deployment", r.deploy.any, out)
}

// destroyWorkspace is the component's DestroyWorkspaceFunc on the stored
// result target (the named Any `what`), announced as the shared `kind`
// resources; c is closed afterwards.
func (r *lcRun) destroyWorkspace(ctx context.Context, c *comp, kind, what string, target *opaqueany.Any, out *DestroyOut) (*DestroyOut, error) {
	defer r.close(c)
	d, ok := c.value.(component.WorkspaceDestroyer)
	if !ok || d.DestroyWorkspaceFunc() == nil {
		return out, nil
	}
	r.ui.Output(fmt.Sprintf("Destroying shared %s resources for application '%s'...", kind, r.cfg.App), terminal.WithHeaderStyle())
	_, err := r.call(ctx, r.log, nil, c.labels, d.DestroyWorkspaceFunc(), argNamedAny(what, target))
	out.Called = err == nil
	return out, err
}
