package main

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/opaqueany"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	sdkpb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"github.com/zclconf/go-cty/cty"
)

// stepOrder is the order steps run in, whatever order -steps lists them.
var stepOrder = []string{"build", "push", "deploy", "release", "status", "exec", "logs", "destroy"}

// stepNeeds names the step whose stored result each step consumes.
var stepNeeds = map[string]string{
	"push":    "build",
	"deploy":  "push",
	"release": "deploy",
	"status":  "deploy",
	"exec":    "deploy",
	"logs":    "deploy",
	"destroy": "deploy",
}

type lifecycleOpts struct {
	config     string
	app        string
	plugins    map[string]string
	pluginArgs map[string][]string
	steps      map[string]bool
	ui         string
	execArgs   []string
	execInput  string
	execTTY    bool
	logsLimit  int
	// lastReport is the health of the status report the server hands the
	// status functions as last_report; "" for none (a first report).
	lastReport string
}

func cmdLifecycle(args []string) error {
	var c common
	var o lifecycleOpts
	var plugins, pluginArgs, execArgs, reattach stringList
	var steps string
	fs := flag.NewFlagSet("lifecycle", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Var(&plugins, "plugin", "NAME=PATH: the executable for `use \"NAME\"` (repeatable)")
	fs.Var(&pluginArgs, "plugin-arg", "NAME=ARG: an argument for plugin NAME's executable (repeatable)")
	fs.Var(&reattach, "reattach", "NAME: connect to the running plugin NAME from "+reattachEnv+" instead of a -plugin (repeatable)")
	fs.StringVar(&c.report, "report", "", "where to write the JSON report")
	fs.StringVar(&c.logFile, "log", "", "host log file (JSON, trace level); default: stderr at warn")
	fs.StringVar(&o.config, "config", "", "waypoint.hcl")
	fs.StringVar(&o.app, "app", "", "app name (default: first app)")
	fs.StringVar(&steps, "steps", strings.Join(stepOrder, ","), "comma-separated steps: "+strings.Join(stepOrder, ","))
	fs.StringVar(&o.ui, "ui", "plain", "plain (NonInteractiveUI) or console (ConsoleUI)")
	fs.Var(&execArgs, "exec-arg", "argument for the exec step (repeatable)")
	fs.StringVar(&o.execInput, "exec-input", "", "stdin text for the exec step")
	fs.BoolVar(&o.execTTY, "exec-tty", false, "exec with a TTY, as `waypoint exec` on a terminal: term type, initial window, one resize event")
	fs.IntVar(&o.logsLimit, "logs-limit", 0, "LogViewer.Limit for the logs step")
	fs.StringVar(&o.lastReport, "last-report", "", "health (e.g. READY) of a previous status report to pass as last_report; default: none, as for a first report")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected arguments: %v", fs.Args())}
	}
	if c.report == "" || o.config == "" || len(plugins)+len(reattach) == 0 {
		return usageError{fmt.Errorf("-plugin (or -reattach), -config and -report are required")}
	}
	if err := checkUI(o.ui); err != nil {
		return err
	}
	if o.logsLimit < 0 {
		return usageError{fmt.Errorf("-logs-limit must be >= 0")}
	}
	if _, ok := sdkpb.StatusReport_Health_value[o.lastReport]; o.lastReport != "" && !ok {
		return usageError{fmt.Errorf("-last-report %q is not a StatusReport health (READY, DOWN, ...)", o.lastReport)}
	}
	o.plugins = map[string]string{}
	for _, p := range plugins {
		name, path, ok := strings.Cut(p, "=")
		if !ok || name == "" || path == "" {
			return usageError{fmt.Errorf("-plugin %q: want NAME=PATH", p)}
		}
		if _, dup := o.plugins[name]; dup {
			return usageError{fmt.Errorf("-plugin %q: NAME given twice", p)}
		}
		o.plugins[name] = path
	}
	o.pluginArgs = map[string][]string{}
	for _, p := range pluginArgs {
		name, arg, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return usageError{fmt.Errorf("-plugin-arg %q: want NAME=ARG", p)}
		}
		if _, known := o.plugins[name]; !known {
			return usageError{fmt.Errorf("-plugin-arg %q: no -plugin %s=PATH", p, name)}
		}
		o.pluginArgs[name] = append(o.pluginArgs[name], arg)
	}
	for _, name := range reattach {
		if _, dup := o.plugins[name]; dup {
			return usageError{fmt.Errorf("-reattach %s: NAME already has a -plugin or -reattach", name)}
		}
		o.plugins[name] = reattachPath(name)
	}
	o.execArgs = execArgs
	o.steps = map[string]bool{}
	for _, s := range strings.Split(steps, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if _, ok := stepNeeds[s]; !ok && s != "build" {
			return usageError{fmt.Errorf("-steps: unknown step %q (want %s)", s, strings.Join(stepOrder, ","))}
		}
		o.steps[s] = true
	}
	if len(o.steps) == 0 {
		return usageError{fmt.Errorf("-steps is empty")}
	}
	for _, s := range stepOrder {
		if need := stepNeeds[s]; o.steps[s] && need != "" && !o.steps[need] {
			return usageError{fmt.Errorf("-steps: step %q needs the result of %q: add %q to -steps", s, need, need)}
		}
	}

	h, err := newHost(&c)
	if err != nil {
		return err
	}
	defer h.close()
	h.recordRPCs = true
	if h.reattach, err = reattachTargets(reattach); err != nil {
		return usageError{err}
	}
	return writeJSON(c.report, h.lifecycle(&o))
}

// record is what Waypoint's server keeps for an operation and hands to the
// operations after it: the result Any, template data and URL.
type record struct {
	any *opaqueany.Any
	// tpl is the template data as stored: nil when the result does not
	// implement component.Template.
	tpl []byte
	url string
}

// lcRun is one app as Waypoint's runner holds it across operations.
type lcRun struct {
	appRun
	o   *lifecycleOpts
	rep *LifecycleReport
	cfg *lifecycleConfig

	// buildComps stay open until App.Build returns, i.e. after push.
	buildComps []*comp

	build, push, deploy *record
	release             *record // set once the release step ran
	deployConfig        *component.DeploymentConfig
}

func (h *host) lifecycle(o *lifecycleOpts) *LifecycleReport {
	start := time.Now()
	rep := &LifecycleReport{
		Plugins:              o.plugins,
		Mappers:              map[string]int{},
		ConfigureDiagnostics: []string{},
		Processes:            []*ProcessReport{},
		Timings:              LifecycleTimings{StepsMs: map[string]float64{}},
	}
	ctx := context.Background()
	r := &lcRun{o: o, rep: rep}
	r.scenario = h.newScenario(newUI(ctx, o.ui), &rep.Processes, &rep.Timings.SpawnToClientMs)
	r.execute(&rep.verdict, &rep.Panic, &rep.MissingArgs, func() error { return r.run(ctx) })
	rep.Timings.SessionMs = ms(time.Since(start))
	return rep
}

func (r *lcRun) run(ctx context.Context) error {
	r.stage = "config"
	cfg, err := loadLifecycleConfig(r.o.config, r.o.app)
	if err != nil {
		return err
	}
	r.cfg, r.rep.App = cfg, cfg.App
	for _, u := range cfg.uses() {
		if _, ok := r.o.plugins[u.Name]; !ok {
			return fmt.Errorf("waypoint.hcl uses plugin %q: pass -plugin %s=PATH", u.Name, u.Name)
		}
	}
	for _, s := range []string{"deploy", "release", "status", "exec", "logs", "destroy"} {
		if r.o.steps[s] && cfg.Deploy == nil {
			return fmt.Errorf("step %q needs a deploy stanza in app %q", s, cfg.App)
		}
	}
	if err := r.loadApp(&cfg.appInfo); err != nil {
		return err
	}

	// App load: every plugin named in a `use` is started as a mapper
	// plugin; it stays up only if it advertises converters.
	r.stage = "mapper"
	seen := map[string]bool{}
	for _, u := range cfg.uses() {
		if seen[u.Name] {
			continue
		}
		seen[u.Name] = true
		n, err := r.loadMappers("mapper."+u.Name, r.o.plugins[u.Name], r.o.pluginArgs[u.Name])
		if err != nil {
			return err
		}
		r.rep.Mappers[u.Name] = n
	}

	steps := map[string]func(context.Context) error{
		"build":   r.stepBuild,
		"push":    r.stepPush,
		"deploy":  r.stepDeploy,
		"release": r.stepRelease,
		"status":  r.stepStatus,
		"exec":    r.stepExec,
		"logs":    r.stepLogs,
		"destroy": r.stepDestroy,
	}
	for _, name := range stepOrder {
		if !r.o.steps[name] {
			continue
		}
		r.stage, r.cur = name, nil
		start := time.Now()
		err := steps[name](ctx)
		r.rep.Timings.StepsMs[name] = ms(time.Since(start))
		if err != nil {
			return err
		}
		if r.cur != nil {
			r.cur.OK = true
		}
		if name == "build" && !r.o.steps["push"] || name == "push" {
			r.closeBuild()
		}
	}
	return nil
}

// closeBuild stops the components App.Build created, in the order its
// deferred Close calls run (registry, then builder).
func (r *lcRun) closeBuild() {
	for i := len(r.buildComps) - 1; i >= 0; i-- {
		r.close(r.buildComps[i])
	}
	r.buildComps = nil
}

func (r *lcRun) close(c *comp) {
	if c != nil {
		r.kill(c.proc)
	}
}

func (r *lcRun) warn(format string, args ...interface{}) {
	msg := fmt.Sprintf(format, args...)
	r.log.Warn(msg)
	if r.cur == nil {
		return
	}
	for _, w := range r.cur.Warnings {
		if w == msg {
			return
		}
	}
	r.cur.Warnings = append(r.cur.Warnings, msg)
}

// create is componentCreator.create: start the plugin, dispense the
// component (its client runs the capability probes), list its mappers,
// then decode the use body with the given variables plus `labels`.
func (r *lcRun) create(role, typ string, use *useStanza, vars map[string]cty.Value) (*comp, error) {
	p, err := r.spawnExe(role, r.o.plugins[use.Name], r.o.pluginArgs[use.Name], r.log.Named(typ))
	var raw interface{}
	if err == nil {
		raw, err = p.dispense(typ)
	}
	labels := maps.Clone(r.labels)
	if err == nil {
		err = configure(raw, use.Body, evalContext(vars, labels), role+": ", &r.rep.ConfigureDiagnostics)
	}
	if err != nil {
		r.kill(p)
		return nil, err
	}
	return &comp{proc: p, value: raw, labels: labels}, nil
}

func varNames(vars map[string]cty.Value) []string {
	out := []string{"labels"}
	for k := range vars {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// argNamedAny is how Waypoint passes a stored result: named, with the
// message name as subtype. A nil Any yields a nil Arg, which argmapper
// rejects with "arg cannot be nil".
func argNamedAny(name string, v *opaqueany.Any) argmapper.Arg {
	if v == nil {
		return nil
	}
	return argmapper.NamedSubtype(name, v, string(v.MessageName()))
}

// recordOf turns an operation result into what the server would store.
func recordOf(raw interface{}) (*record, error) {
	a, err := component.ProtoAny(raw)
	if err != nil {
		return nil, err
	}
	rec := &record{any: a}
	if t, ok := raw.(component.Template); ok {
		if rec.tpl, err = json.Marshal(t.TemplateData()); err != nil {
			return nil, err
		}
	}
	if u, ok := raw.(component.DeploymentWithUrl); ok {
		rec.url = u.URL()
	}
	return rec, nil
}

// templateVar adds key = <stored template data> to vars, as Waypoint's
// evalCtxTemplateProto does; on failure Waypoint only logs a warning and
// the variable is absent.
func (r *lcRun) templateVar(vars map[string]cty.Value, key string, rec *record) {
	if rec == nil {
		return
	}
	var raw map[string]interface{}
	if err := json.Unmarshal(rec.tpl, &raw); err != nil {
		r.warn("template variables %q not available (Waypoint logs this and continues): decoding stored template data: %s", key, err)
		return
	}
	v, err := ctyObject(raw, key)
	if err != nil {
		r.warn("template variables %q not available (Waypoint logs this and continues): %s", key, err)
		return
	}
	vars[key] = v
}

// entrypointVar is deployEvalContext: entrypoint.env from a deployment
// config's environment.
func entrypointVar(vars map[string]cty.Value, dc *component.DeploymentConfig) {
	env := map[string]cty.Value{}
	for k, v := range dc.Env() {
		env[k] = cty.StringVal(v)
	}
	vars["entrypoint"] = cty.ObjectVal(map[string]cty.Value{"env": cty.MapVal(env)})
}

// ctyObject converts decoded JSON the way Waypoint's ctystructure does:
// objects for maps, lists (all elements of one type) for arrays, numbers as
// floats.
func ctyObject(m map[string]interface{}, path string) (cty.Value, error) {
	attrs := map[string]cty.Value{}
	for k, v := range m {
		cv, err := ctyValue(v, path+"."+k)
		if err != nil {
			return cty.NilVal, err
		}
		attrs[k] = cv
	}
	return cty.ObjectVal(attrs), nil
}

func ctyValue(v interface{}, path string) (cty.Value, error) {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType), nil
	case string:
		return cty.StringVal(x), nil
	case bool:
		return cty.BoolVal(x), nil
	case float64:
		return cty.NumberFloatVal(x), nil
	case map[string]interface{}:
		return ctyObject(x, path)
	case []interface{}:
		if len(x) == 0 {
			return cty.NilVal, fmt.Errorf("%s is an empty list: Waypoint 0.11.4's converter calls cty.ListVal with no elements, which panics", path)
		}
		vals := make([]cty.Value, len(x))
		for i, e := range x {
			ev, err := ctyValue(e, fmt.Sprintf("%s[%d]", path, i))
			if err != nil {
				return cty.NilVal, err
			}
			if i > 0 && !ev.Type().Equals(vals[0].Type()) {
				return cty.NilVal, fmt.Errorf("%s: all elements in a list must be the same type", path)
			}
			vals[i] = ev
		}
		return cty.ListVal(vals), nil
	}
	return cty.NilVal, fmt.Errorf("%s: unknown kind %T", path, v)
}

// generationID is the id Waypoint stores for a plugin's generation bytes:
// a version-5 (SHA-1) UUID in the DNS namespace, hex without dashes.
func generationID(id []byte) string {
	if len(id) == 0 {
		return ""
	}
	ns := []byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	h := sha1.New()
	h.Write(ns)
	h.Write(id)
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return hex.EncodeToString(u)
}
