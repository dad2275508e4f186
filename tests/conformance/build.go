package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/opaqueany"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/datadir"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/pluginclient"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/protomappers"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

type buildOpts struct {
	config      string
	app         string
	push        bool
	ui          string
	cancelAfter time.Duration
	// customUI replaces the -ui choice (uibench's counting UI);
	// onCallStart runs right before the Build call (after BuildSpec).
	customUI    terminal.UI
	onCallStart func()
}

const workspace = "default"

// buildRun is one `waypoint build`: the state Waypoint keeps on its Project
// and App objects, reduced to what a builder-only app touches.
type buildRun struct {
	*session
	o       *buildOpts
	cfg     *appConfig
	log     hclog.Logger
	ui      terminal.UI
	dir     *datadir.App
	mappers []*argmapper.Func // protomappers + mapper-plugin converters (App.mappers)
	labels  map[string]string // component labels after Waypoint's merge
	stage   string
}

func (h *host) build(o *buildOpts) (rep *Report) {
	start := time.Now()
	rep = newReport()
	r := &buildRun{session: &session{h: h, rep: rep}, o: o, log: h.logger("wphost")}

	ctx := context.Background()
	if o.customUI != nil {
		r.ui = o.customUI
	} else if o.ui == "console" {
		r.ui = terminal.ConsoleUI(ctx)
	} else {
		r.ui = terminal.NonInteractiveUI(ctx)
	}

	defer func() {
		if v := recover(); v != nil {
			rep.fail(r.stage, fmt.Errorf("panic: %v", v))
			rep.Panic = fmt.Sprintf("%v\n%s", v, debug.Stack())
		}
		r.killAll()
		// The CLI closes its UI last, after the runner released plugins.
		if c, ok := r.ui.(io.Closer); ok {
			c.Close()
		}
		rep.Timings.SessionMs = ms(time.Since(start))
	}()

	if err := r.run(ctx); err != nil {
		rep.fail(r.stage, err)
		var e *argmapper.ErrArgumentUnsatisfied
		if errors.As(err, &e) {
			rep.MissingArgs = missingArgs(e)
		}
		return rep
	}

	// Processes must be gone; a survivor is a plugin bug Waypoint would
	// leak (it never checks).
	r.stage = "kill"
	r.killAll()
	for _, p := range rep.Processes {
		if p.leaked() {
			rep.fail("kill", fmt.Errorf("%s process %d still running after Kill", p.Role, p.Pid))
			return rep
		}
	}
	rep.OK, rep.Stage = true, ""
	return rep
}

func (r *buildRun) run(ctx context.Context) error {
	r.stage = "config"
	cfg, err := loadConfig(r.o.config, r.o.app)
	if err != nil {
		return err
	}
	r.cfg, r.rep.App, r.rep.Use = cfg, cfg.App, cfg.Use
	r.log = r.h.logger("wphost.app." + cfg.App)

	// Waypoint's runner puts the project data dir at <project>/.waypoint.
	pdir, err := datadir.NewProject(filepath.Join(cfg.ProjectDir, ".waypoint"))
	if err != nil {
		return err
	}
	if r.dir, err = pdir.App(cfg.App); err != nil {
		return err
	}
	r.mappers, err = argmapper.NewFuncList(protomappers.All, argmapper.Logger(r.log))
	if err != nil {
		return err
	}
	r.labels = map[string]string{"waypoint/workspace": workspace}

	// P1: project load starts every `use`d plugin as a mapper plugin and
	// keeps it only if it advertises converters.
	r.stage = "mapper"
	p1, err := r.spawn("mapper", r.log.Named("mapper"))
	if err != nil {
		return err
	}
	mappers, err := pluginclient.Mappers(p1.client)
	if err != nil {
		return err
	}
	r.rep.Mappers = len(mappers)
	if len(mappers) == 0 {
		r.kill(p1)
	} else {
		r.mappers = append(r.mappers, mappers...)
	}

	// P2: the build component.
	r.stage = "dispense"
	builder, err := r.component("builder")
	if err != nil {
		return err
	}

	r.stage = "build"
	if err := r.callBuild(ctx, builder); err != nil {
		return err
	}

	if r.o.push {
		// P3: PushBuild creates a fresh builder component even when there is
		// no registry; it is configured but no build RPC is made.
		r.stage = "push"
		p3, err := r.component("push")
		if err != nil {
			return err
		}
		step := r.ui.StepGroup().Add("Running push build v1")
		step.Done()
		r.kill(p3.proc)
	}
	return nil
}

type builderInstance struct {
	proc  *proc
	value interface{}
}

// component mirrors componentCreator.create: spawn, dispense, list mappers,
// then configure from the `use` body. Errors before configure are reported
// under the caller's stage; configure errors under "configure" (P2) or
// "push" (P3).
func (r *buildRun) component(role string) (*builderInstance, error) {
	p, err := r.spawn(role, r.log.Named("builder"))
	if err != nil {
		return nil, err
	}
	raw, err := p.rpc.Dispense("builder")
	if err != nil {
		return nil, err
	}
	if _, err := pluginclient.Mappers(p.client); err != nil {
		return nil, err
	}

	if role == "builder" {
		r.stage = "configure"
	}
	diags := component.Configure(raw, r.cfg.Body, r.evalContext())
	for _, d := range diags {
		s := d.Summary
		if d.Detail != "" {
			s += ": " + d.Detail
		}
		r.rep.ConfigureDiagnostics = append(r.rep.ConfigureDiagnostics, s)
	}
	if diags.HasErrors() {
		r.kill(p)
		return nil, diags
	}
	return &builderInstance{proc: p, value: raw}, nil
}

// evalContext is what componentCreator.labels gives a component: a child
// context exposing the merged labels.
func (r *buildRun) evalContext() *hcl.EvalContext {
	v, err := gocty.ToCtyValue(r.labels, cty.Map(cty.String))
	if err != nil {
		panic(err)
	}
	return &hcl.EvalContext{Variables: map[string]cty.Value{"labels": v}}
}

// callBuild is buildOperation.Do + App.callDynamicFunc + the result handling
// of App.doOperation.
func (r *buildRun) callBuild(ctx context.Context, b *builderInstance) error {
	step := r.ui.StepGroup().Add("Running build v1")
	defer step.Done()
	defer r.ui.Status().Close()

	bldr, ok := b.value.(component.Builder)
	if !ok {
		return fmt.Errorf("dispensed builder is %T, not a component.Builder", b.value)
	}

	if r.o.cancelAfter > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		t := time.AfterFunc(r.o.cancelAfter, cancel)
		defer t.Stop()
	}

	log := r.log.Named("build")
	start := time.Now()
	f := bldr.BuildFunc()
	fn, ok := f.(*argmapper.Func)
	if !ok {
		// BuildFunc returns a plain func when BuildSpec failed; Waypoint
		// wraps it, and calling it yields the error.
		var err error
		if fn, err = argmapper.NewFunc(f, argmapper.Logger(log)); err != nil {
			return err
		}
	}
	if r.o.onCallStart != nil {
		r.o.onCallStart()
	}
	res := fn.Call(
		argmapper.Named("HasRegistry", false),
		argmapper.ConverterFunc(r.mappers...),
		argmapper.Typed(
			ctx,
			log,
			&component.Source{App: r.cfg.App, Path: r.cfg.AppPath},
			&component.JobInfo{
				Id:        "01WPHOSTCONFORMANCEJOB00",
				Local:     true,
				Workspace: workspace,
				Project:   r.cfg.Project,
				App:       r.cfg.App,
			},
			r.dir,
			r.ui,
		),
		argmapper.Named("labels", &component.LabelSet{Labels: r.labels}),
	)
	r.rep.Timings.BuildCallMs = ms(time.Since(start))
	if err := res.Err(); err != nil {
		return err
	}

	raw := res.Out(0)
	want := reflect.TypeOf((*component.Artifact)(nil)).Elem()
	if t := reflect.TypeOf(raw); t == nil || !t.Implements(want) {
		return fmt.Errorf("operation expected result type %s, got %T", want, raw)
	}
	return r.recordResult(raw)
}

// recordResult extracts what Waypoint stores for a build, through the same
// public interfaces doOperation uses on the SDK's artifact wrapper.
func (r *buildRun) recordResult(raw interface{}) error {
	res := &Result{}
	r.rep.Result = res

	a, err := component.ProtoAny(raw)
	if err != nil {
		return err
	}
	if a != nil {
		res.TypeURL = a.TypeUrl
		res.ValueBase64 = base64.StdEncoding.EncodeToString(a.Value)
		res.Fields = decodeFields(a.Value)
	}
	if m, ok := raw.(json.Marshaler); ok {
		b, err := m.MarshalJSON()
		if err != nil {
			return err
		}
		res.JSON = string(b)
	}
	if t, ok := raw.(component.Template); ok {
		if b, err := json.Marshal(t.TemplateData()); err == nil {
			json.Unmarshal(b, &res.TemplateData)
		}
	}
	res.Labels = map[string]string{}
	if l, ok := raw.(interface{ Labels() map[string]string }); ok && l.Labels() != nil {
		res.Labels = l.Labels()
	}
	res.StoredLabels = map[string]string{}
	for _, m := range []map[string]string{r.labels, res.Labels} {
		for k, v := range m {
			res.StoredLabels[k] = v
		}
	}
	if a == nil {
		// Waypoint accepts this, but the push/deploy that follows fails
		// with "arg cannot be nil" (protocol.md §4.6).
		return fmt.Errorf("build returned no result Any")
	}
	return nil
}

var anyType = reflect.TypeOf((*opaqueany.Any)(nil))

func missingArgs(e *argmapper.ErrArgumentUnsatisfied) []string {
	var out []string
	for _, v := range e.Args {
		s := v.String()
		if v.Type == anyType && v.Subtype != "" {
			s = v.Subtype
		}
		out = append(out, s)
	}
	return out
}
