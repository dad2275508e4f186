package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/hashicorp/opaqueany"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/protomappers"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type taskOpts struct {
	config     string
	ociURL     string
	args       []string
	entrypoint []string
	env        map[string]string
	watch      bool
	stop       bool
	ui         string
}

// TaskReport is the result of `wphost task`.
// Its stage is start|watch|stop (the failing job), config or kill.
type TaskReport struct {
	verdict
	MissingArgs          []string         `json:"missingArgs,omitempty"`
	Panic                string           `json:"panic,omitempty"`
	ConfigureDiagnostics []string         `json:"configureDiagnostics"`
	Launch               *TaskLaunchOut   `json:"launch"`
	Start                *TaskStartStep   `json:"start,omitempty"`
	Watch                *TaskWatchStep   `json:"watch,omitempty"`
	Stop                 *StepCommon      `json:"stop,omitempty"`
	Processes            []*ProcessReport `json:"processes"`
	Timings              LifecycleTimings `json:"timings"`
}

// TaskLaunchOut echoes the component.TaskLaunchInfo given to StartTask.
type TaskLaunchOut struct {
	OciURL               string            `json:"ociUrl"`
	EnvironmentVariables map[string]string `json:"environmentVariables"`
	Entrypoint           []string          `json:"entrypoint"`
	Arguments            []string          `json:"arguments"`
}

type TaskStartStep struct {
	StepCommon
	// Result is the start state (the SDK client's RunningTask: no JSON, no
	// template data); watch and stop get it as the named Any `state`.
	Result *Result `json:"result"`
}

type TaskWatchStep struct {
	StepCommon
	ExitCode int `json:"exitCode"`
}

func cmdTask(args []string) error {
	var c common
	var o taskOpts
	var targs, entry, env stringList
	fs := flag.NewFlagSet("task", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "", "the task launcher's config body as an HCL (or .json) file")
	fs.StringVar(&o.ociURL, "oci-url", "", "TaskLaunchInfo.OciUrl")
	fs.Var(&targs, "arg", "TaskLaunchInfo.Arguments entry (repeatable)")
	fs.Var(&entry, "entrypoint", "TaskLaunchInfo.Entrypoint entry (repeatable)")
	fs.Var(&env, "env", "K=V for TaskLaunchInfo.EnvironmentVariables (repeatable)")
	fs.BoolVar(&o.watch, "watch", true, "run the watch job (WatchTaskFunc) after start")
	fs.BoolVar(&o.stop, "stop", true, "run the stop job (StopTaskFunc) last")
	fs.StringVar(&o.ui, "ui", "plain", "plain (NonInteractiveUI) or console (ConsoleUI)")
	if err := parse(fs, &c, args); err != nil {
		return err
	}
	if o.ociURL == "" {
		return usageError{fmt.Errorf("-oci-url is required")}
	}
	if err := checkUI(o.ui); err != nil {
		return err
	}
	o.args, o.entrypoint = targs, entry
	o.env = map[string]string{}
	for _, kv := range env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageError{fmt.Errorf("-env %q: want K=V", kv)}
		}
		o.env[k] = v
	}
	return runReport(&c, nil, func(h *host) interface{} {
		h.recordRPCs = true
		return h.task(&o)
	})
}

// taskRun replays the runner's StartTask, WatchTask and StopTask jobs.
// Each job opens the plugin afresh (plugin.Open) and calls one function
// through plugin.Invoke, which supplies only ctx, a logger, the protocol
// converters and the job's own arguments.
type taskRun struct {
	scenario
	o    *taskOpts
	rep  *TaskReport
	data []byte
	json bool
}

func (h *host) task(o *taskOpts) *TaskReport {
	start := time.Now()
	rep := &TaskReport{
		ConfigureDiagnostics: []string{},
		Processes:            []*ProcessReport{},
		Timings:              LifecycleTimings{StepsMs: map[string]float64{}},
	}
	ctx := context.Background()
	r := &taskRun{o: o, rep: rep}
	r.scenario = h.newScenario(newUI(ctx, o.ui), &rep.Processes, &rep.Timings.SpawnToClientMs)
	r.log = h.logger("wphost.task")
	r.execute(&rep.verdict, &rep.Panic, &rep.MissingArgs, func() error { return r.run(ctx) })
	rep.Timings.SessionMs = ms(time.Since(start))
	return rep
}

func (r *taskRun) run(ctx context.Context) error {
	r.stage = "config"
	if r.o.config != "" {
		b, err := os.ReadFile(r.o.config)
		if err != nil {
			return err
		}
		r.data, r.json = b, strings.HasSuffix(r.o.config, ".json")
	}
	tli := &component.TaskLaunchInfo{
		OciUrl:               r.o.ociURL,
		EnvironmentVariables: r.o.env,
		Entrypoint:           r.o.entrypoint,
		Arguments:            r.o.args,
	}
	r.rep.Launch = &TaskLaunchOut{
		OciURL:               tli.OciUrl,
		EnvironmentVariables: tli.EnvironmentVariables,
		Entrypoint:           append([]string{}, tli.Entrypoint...),
		Arguments:            append([]string{}, tli.Arguments...),
	}

	var state *opaqueany.Any
	st := &TaskStartStep{}
	r.rep.Start = st
	err := r.step("start", &st.StepCommon, func(c interface{}) error {
		val, err := r.invoke(ctx, c.(component.TaskLauncher).StartTaskFunc(), tli)
		if err != nil {
			return err
		}
		if st.Result, err = resultOut(val, nil); err != nil {
			return err
		}
		state, err = component.ProtoAny(val)
		return err
	})
	if err != nil {
		return err
	}
	if state == nil && (r.o.watch || r.o.stop) {
		// What the runner's stop job answers when the start job's
		// result holds no state.
		return status.Errorf(codes.FailedPrecondition, "nil start task state provided")
	}

	if r.o.watch {
		ws := &TaskWatchStep{}
		r.rep.Watch = ws
		err := r.step("watch", &ws.StepCommon, func(c interface{}) error {
			out, err := r.invoke(ctx, c.(component.TaskLauncher).WatchTaskFunc(), argNamedAny("state", state), r.ui)
			if err != nil {
				return err
			}
			res, ok := out.(*component.TaskResult)
			if !ok {
				return status.Errorf(codes.FailedPrecondition, "plugin should've returned TaskResult, got %T", out)
			}
			ws.ExitCode = res.ExitCode
			return nil
		})
		if err != nil {
			return err
		}
	}

	if r.o.stop {
		r.rep.Stop = &StepCommon{}
		return r.step("stop", r.rep.Stop, func(c interface{}) error {
			_, err := r.invoke(ctx, c.(component.TaskLauncher).StopTaskFunc(), argNamedAny("state", state))
			return err
		})
	}
	return nil
}

// step runs the job name as the current step, reported in st.
func (r *taskRun) step(name string, st *StepCommon, body func(c interface{}) error) error {
	r.stage, r.cur = name, st
	t0 := time.Now()
	err := r.job(name, body)
	r.rep.Timings.StepsMs[name] = ms(time.Since(t0))
	if err == nil {
		st.OK = true
	}
	return err
}

// job is plugin.Open + the job body + Close: spawn, dispense
// "tasklauncher" (no capability probes), list mappers, decode the config
// data (an empty body still configures), run, kill.
func (r *taskRun) job(name string, body func(c interface{}) error) error {
	p, err := r.spawn("task."+name, r.log.Named("tasklauncher"))
	if err != nil {
		return err
	}
	defer r.kill(p)
	raw, err := p.dispense("tasklauncher")
	if err != nil {
		return err
	}
	var (
		file  *hcl.File
		diags hcl.Diagnostics
	)
	if r.json {
		file, diags = hcljson.Parse(r.data, "plugin.json")
	} else {
		file, diags = hclsyntax.ParseConfig(r.data, "plugin.hcl", hcl.Pos{Line: 1, Column: 1})
	}
	if diags.HasErrors() {
		return diags
	}
	if file.Body != nil {
		var none *hcl.EvalContext
		if err := configure(raw, file.Body, none.NewChild(), "task."+name+": ", &r.rep.ConfigureDiagnostics); err != nil {
			return err
		}
	}
	return body(raw)
}

// invoke is plugin.Invoke: the job's args (argmapper.Args as they are,
// anything else typed), the protocol converters only, ctx and logger.
func (r *taskRun) invoke(ctx context.Context, f interface{}, args ...interface{}) (interface{}, error) {
	fn, ok := f.(*argmapper.Func)
	if !ok {
		var err error
		if fn, err = argmapper.NewFunc(f, argmapper.Logger(r.log)); err != nil {
			return nil, err
		}
	}
	mappers, err := argmapper.NewFuncList(protomappers.All, argmapper.Logger(r.log))
	if err != nil {
		return nil, err
	}
	var am []argmapper.Arg
	for _, a := range args {
		switch a := a.(type) {
		case argmapper.Arg:
			am = append(am, a)
		default:
			am = append(am, argmapper.Typed(a))
		}
	}
	am = append(am, argmapper.ConverterFunc(mappers...), argmapper.Typed(ctx, r.log))
	res := fn.Call(am...)
	if err := res.Err(); err != nil {
		return nil, err
	}
	return res.Out(0), nil
}
