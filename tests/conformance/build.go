package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"github.com/zclconf/go-cty/cty"
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
	// vars are variables the `use` body may refer to (builds: iteration).
	vars map[string]cty.Value
}

// buildRun is one `waypoint build`: the state Waypoint keeps on its Project
// and App objects, reduced to what a builder-only app touches.
type buildRun struct {
	appRun
	o   *buildOpts
	rep *Report
	cfg *appConfig
}

func (h *host) build(o *buildOpts) *Report {
	start := time.Now()
	rep := newReport()
	ctx := context.Background()
	ui := o.customUI
	if ui == nil {
		ui = newUI(ctx, o.ui)
	}
	r := &buildRun{o: o, rep: rep}
	r.scenario = h.newScenario(ui, &rep.Processes, &rep.Timings.SpawnToClientMs)
	r.execute(&rep.verdict, &rep.Panic, &rep.MissingArgs, func() error { return r.run(ctx) })
	rep.Timings.SessionMs = ms(time.Since(start))
	return rep
}

func (r *buildRun) run(ctx context.Context) error {
	r.stage = "config"
	cfg, err := loadConfig(r.o.config, r.o.app)
	if err != nil {
		return err
	}
	r.cfg, r.rep.App, r.rep.Use = cfg, cfg.App, cfg.Use
	if err := r.loadApp(&cfg.appInfo); err != nil {
		return err
	}

	// P1: project load starts every `use`d plugin as a mapper plugin and
	// keeps it only if it advertises converters.
	r.stage = "mapper"
	if r.rep.Mappers, err = r.loadMappers("mapper", r.h.plugin, r.h.pluginArgs); err != nil {
		return err
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

// component mirrors componentCreator.create: spawn, dispense, list mappers,
// then configure from the `use` body. Errors before configure are reported
// under the caller's stage; configure errors under "configure" (P2) or
// "push" (P3).
func (r *buildRun) component(role string) (*comp, error) {
	p, err := r.spawn(role, r.log.Named("builder"))
	var raw interface{}
	if err == nil {
		raw, err = p.dispense("builder")
	}
	if err != nil {
		return nil, err
	}
	if role == "builder" {
		r.stage = "configure"
	}
	if err := configure(raw, r.cfg.Body, evalContext(r.o.vars, r.labels), "", &r.rep.ConfigureDiagnostics); err != nil {
		r.kill(p)
		return nil, err
	}
	return &comp{proc: p, value: raw, labels: r.labels}, nil
}

// callBuild is buildOperation.Do + App.callDynamicFunc + the result handling
// of App.doOperation.
func (r *buildRun) callBuild(ctx context.Context, b *comp) error {
	step := r.ui.StepGroup().Add("Running build v1")
	defer step.Done()

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

	start := time.Now()
	f := bldr.BuildFunc()
	if r.o.onCallStart != nil {
		r.o.onCallStart()
	}
	raw, err := r.call(ctx, r.log.Named("build"), artifactType, b.labels, f, argmapper.Named("HasRegistry", false))
	r.rep.Timings.BuildCallMs = ms(time.Since(start))
	if err != nil {
		return err
	}
	return r.recordResult(raw)
}

// recordResult extracts what Waypoint stores for a build, through the same
// public interfaces doOperation uses on the SDK's artifact wrapper.
func (r *buildRun) recordResult(raw interface{}) error {
	res, err := resultOut(raw, r.labels)
	if err != nil {
		return err
	}
	r.rep.Result = res
	if a, _ := component.ProtoAny(raw); a == nil {
		// Waypoint accepts this, but the push/deploy that follows fails
		// with "arg cannot be nil" (protocol.md §4.6).
		return fmt.Errorf("build returned no result Any")
	}
	return nil
}
