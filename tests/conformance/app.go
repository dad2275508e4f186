package main

// The frame build, lifecycle, auth and task share: a session of plugin
// processes and a UI torn down on every exit path (scenario), and for the
// first three the state Waypoint's App keeps for one app (appRun): data
// directory, job info, converters, labels, and the way it creates
// components and calls their functions.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"reflect"

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

const workspace = "default"

// newUI is the UI -ui asks for: plain (NonInteractiveUI) or console
// (ConsoleUI).
func newUI(ctx context.Context, kind string) terminal.UI {
	if kind == "console" {
		return terminal.ConsoleUI(ctx)
	}
	return terminal.NonInteractiveUI(ctx)
}

// scenario is one run of a scenario that drives several plugin processes.
type scenario struct {
	*session
	log   hclog.Logger
	ui    terminal.UI
	stage string
	// cur is the report entry of the step under way (lifecycle, task): it
	// fails along with the scenario.
	cur *StepCommon
}

func (h *host) newScenario(ui terminal.UI, processes *[]*ProcessReport, spawnMs *[]float64) scenario {
	return scenario{session: h.newSession(processes, spawnMs), log: h.logger("wphost"), ui: ui}
}

// execute runs body and records the outcome in v: the first error or panic
// with the stage it happened in (plus, when missing is not nil, what
// argmapper could not satisfy), else a process that outlived Kill. Every
// process is killed on every path, newest first, and the UI is closed last,
// as the CLI does after the runner released the plugins.
func (s *scenario) execute(v *verdict, panicText *string, missing *[]string, body func() error) {
	defer func() {
		if x := recover(); x != nil {
			s.fail(v, fmt.Errorf("panic: %v", x))
			*panicText = panicReport(x)
		}
		s.killAll()
		if c, ok := s.ui.(io.Closer); ok {
			c.Close()
		}
	}()

	if err := body(); err != nil {
		s.fail(v, err)
		var e *argmapper.ErrArgumentUnsatisfied
		if missing != nil && errors.As(err, &e) {
			*missing = missingArgs(e)
		}
		return
	}

	// Processes must be gone; a survivor is a plugin bug Waypoint would
	// leak (it never checks).
	s.stage = "kill"
	s.killAll()
	for _, p := range *s.processes {
		if p.leaked() {
			v.fail("kill", fmt.Errorf("%s process %d still running after Kill", p.Role, p.Pid))
			return
		}
	}
	v.OK, v.Stage = true, ""
}

func (s *scenario) fail(v *verdict, err error) {
	if s.cur != nil {
		s.cur.OK, s.cur.Error = false, err.Error()
	}
	v.fail(s.stage, err)
}

// comp is one running component: Waypoint's core.Component.
type comp struct {
	proc   *proc
	value  interface{}
	labels map[string]string
}

// appRun is a scenario on one app, with the state Waypoint's App keeps.
type appRun struct {
	scenario
	dir     *datadir.App
	source  *component.Source
	job     *component.JobInfo
	mappers []*argmapper.Func // protomappers + mapper-plugin converters (App.mappers)
	labels  map[string]string // the labels every component starts from
}

// loadApp sets up the App: its logger, data directory, source, job info,
// the protocol converters and the workspace label.
func (r *appRun) loadApp(a *appInfo) error {
	r.log = r.h.logger("wphost.app." + a.App)
	// Waypoint's runner puts the project data dir at <project>/.waypoint.
	pdir, err := datadir.NewProject(filepath.Join(a.ProjectDir, ".waypoint"))
	if err != nil {
		return err
	}
	if r.dir, err = pdir.App(a.App); err != nil {
		return err
	}
	r.source = &component.Source{App: a.App, Path: a.AppPath}
	r.job = &component.JobInfo{
		Id:        "01WPHOSTCONFORMANCEJOB00",
		Local:     true,
		Workspace: workspace,
		Project:   a.Project,
		App:       a.App,
	}
	r.labels = map[string]string{"waypoint/workspace": workspace}
	r.mappers, err = argmapper.NewFuncList(protomappers.All, argmapper.Logger(r.log))
	return err
}

// loadMappers is app load for one plugin: started as a mapper plugin, it
// stays up only if it advertises converters, which join r.mappers. It
// returns how many the plugin advertised.
func (r *appRun) loadMappers(role, exe string, args []string) (int, error) {
	p, err := r.spawnExe(role, exe, args, r.log.Named("mapper"))
	if err != nil {
		return 0, err
	}
	ms, err := pluginclient.Mappers(p.client)
	if err != nil {
		r.kill(p)
		return 0, err
	}
	if len(ms) == 0 {
		r.kill(p)
	} else {
		r.mappers = append(r.mappers, ms...)
	}
	return len(ms), nil
}

// configure decodes body into the dispensed component (ConfigStruct and
// Configure RPCs), adding every diagnostic to diags after prefix.
func configure(raw interface{}, body hcl.Body, ectx *hcl.EvalContext, prefix string, diags *[]string) error {
	ds := component.Configure(raw, body, ectx)
	for _, d := range ds {
		s := prefix + d.Summary
		if d.Detail != "" {
			s += ": " + d.Detail
		}
		*diags = append(*diags, s)
	}
	if ds.HasErrors() {
		return ds
	}
	return nil
}

// evalContext nests a `labels` context under the operation's variables, as
// the component creator does.
func evalContext(vars map[string]cty.Value, labels map[string]string) *hcl.EvalContext {
	parent := &hcl.EvalContext{Variables: map[string]cty.Value{}}
	maps.Copy(parent.Variables, vars)
	lv, err := gocty.ToCtyValue(labels, cty.Map(cty.String))
	if err != nil {
		panic(err)
	}
	child := parent.NewChild()
	child.Variables = map[string]cty.Value{"labels": lv}
	return child
}

// call is App.callDynamicFunc: the operation's own args, then the app's
// converters, the standard typed values and the component's labels. The
// status is closed after the call, as Waypoint does. With want, the result
// must implement that interface.
func (r *appRun) call(
	ctx context.Context,
	log hclog.Logger,
	want reflect.Type,
	labels map[string]string,
	f interface{},
	args ...argmapper.Arg,
) (interface{}, error) {
	fn, ok := f.(*argmapper.Func)
	if !ok {
		// The SDK client returns a plain func when the *Spec RPC failed;
		// Waypoint wraps it, and calling it yields the error.
		var err error
		if fn, err = argmapper.NewFunc(f, argmapper.Logger(log)); err != nil {
			return nil, err
		}
	}
	defer r.ui.Status().Close()

	args = append(args,
		argmapper.ConverterFunc(r.mappers...),
		argmapper.Typed(ctx, log, r.source, r.job, r.dir, r.ui),
		argmapper.Named("labels", &component.LabelSet{Labels: labels}),
	)
	res := fn.Call(args...)
	if err := res.Err(); err != nil {
		return nil, err
	}
	raw := res.Out(0)
	if want == nil {
		return raw, nil
	}
	if t := reflect.TypeOf(raw); t == nil || !t.Implements(want) {
		return nil, fmt.Errorf("operation expected result type %s, got %T", want, raw)
	}
	return raw, nil
}

var anyType = reflect.TypeOf((*opaqueany.Any)(nil))

// missingArgs lists what argmapper could not satisfy, Any subtypes shown
// as the message name, as Waypoint prints them.
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
