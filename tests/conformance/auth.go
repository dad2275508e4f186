package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/datadir"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/pluginclient"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/protomappers"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/grpc/status"
)

type authOpts struct {
	component string
	config    string
	app       string
	mode      string // always|needed|never
	ui        string
}

// AuthReport is the result of `wphost auth`. Validate/auth outcomes are
// facts (an unauthenticated plugin is normal): ok is false only when the
// component could not be created (stage config|mapper|dispense|configure),
// the host panicked, or a process outlived Kill (stage kill).
type AuthReport struct {
	OK                   bool     `json:"ok"`
	Stage                string   `json:"stage"`
	Error                string   `json:"error"`
	Panic                string   `json:"panic,omitempty"`
	Component            string   `json:"component"`
	Mode                 string   `json:"mode"`
	App                  string   `json:"app"`
	Use                  string   `json:"use,omitempty"`
	Configured           bool     `json:"configured"`
	ConfigureDiagnostics []string `json:"configureDiagnostics"`
	// Implements is Waypoint's App.CanAuth: the dispensed value is a
	// component.Authenticator. Every SDK client type embeds that interface,
	// so this is true for any plugin the SDK client dispenses.
	Implements bool `json:"implements"`
	// IsAuthenticator is the plugin's IsAuthenticator answer at dispense:
	// whether the SDK client holds a live authenticator. When false the
	// client's ValidateAuthFunc/AuthFunc are local no-ops (no RPC).
	IsAuthenticator bool `json:"isAuthenticator"`
	// Validate is the first ValidateAuth; Auth the AuthFunc call (absent if
	// not made); Revalidate the ValidateAuth Waypoint repeats after an auth
	// that reported authenticated=true.
	Validate   *AuthCall `json:"validate"`
	Auth       *AuthCall `json:"auth,omitempty"`
	Revalidate *AuthCall `json:"revalidate,omitempty"`
	// WaypointCallsAuth: the runner's auth job would call AuthFunc (the
	// first validation failed and the job was not check-only).
	WaypointCallsAuth bool `json:"waypointCallsAuth"`
	// Result is the Job_AuthResult.Result Waypoint's runner would record
	// (with CheckOnly for -auth-mode never): calls Waypoint would not make
	// are left out of it.
	Result    *AuthJobResult   `json:"result"`
	Process   *ProcessReport   `json:"process"`
	Processes []*ProcessReport `json:"processes"`
	Timings   LifecycleTimings `json:"timings"`
}

type AuthCall struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	// Code is the gRPC status code of the error ("OK" without one).
	Code        string   `json:"code"`
	MissingArgs []string `json:"missingArgs,omitempty"`
	// Authenticated (auth only) is *component.AuthResult.Authenticated;
	// ResultNil says the call returned no *component.AuthResult.
	Authenticated *bool   `json:"authenticated,omitempty"`
	ResultNil     *bool   `json:"resultNil,omitempty"`
	Ms            float64 `json:"ms"`
}

type AuthJobResult struct {
	AuthSupported bool   `json:"authSupported"`
	CheckResult   bool   `json:"checkResult"`
	CheckError    string `json:"checkError"`
	AuthCompleted bool   `json:"authCompleted"`
	AuthError     string `json:"authError"`
}

func cmdAuth(args []string) error {
	var c common
	var sf spawnFlags
	var o authOpts
	fs := flag.NewFlagSet("auth", flag.ContinueOnError)
	fs.StringVar(&o.component, "component", "builder", "component type: "+strings.Join(componentNames, "|"))
	fs.StringVar(&o.config, "config", "", "waypoint.hcl: configure the component from its use body (Waypoint's auth job does not configure)")
	fs.StringVar(&o.app, "app", "", "app name (default: first app; without -config: \"app\")")
	fs.StringVar(&o.mode, "auth-mode", "always", "always: call AuthFunc after ValidateAuthFunc; needed: only if validation failed (Waypoint's runner); never: validate only (CheckOnly)")
	fs.StringVar(&o.ui, "ui", "plain", "plain (NonInteractiveUI) or console (ConsoleUI)")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	valid := false
	for _, n := range componentNames {
		valid = valid || n == o.component
	}
	if !valid {
		return usageError{fmt.Errorf("-component must be one of %s", strings.Join(componentNames, ", "))}
	}
	if o.mode != "always" && o.mode != "needed" && o.mode != "never" {
		return usageError{fmt.Errorf("-auth-mode must be always, needed or never")}
	}
	if o.ui != "plain" && o.ui != "console" {
		return usageError{fmt.Errorf("-ui must be plain or console")}
	}
	h, err := newSpawnHost(&c, &sf)
	if err != nil {
		return err
	}
	defer h.close()
	h.recordRPCs = true
	return writeJSON(c.report, h.auth(&o))
}

// authRun is the runner's auth job for one component: the app is loaded
// (mapper plugins first), the component is created without configuration
// (CreateNoConfig), and ValidateAuth/Auth go through App.callDynamicFunc.
type authRun struct {
	*session
	o       *authOpts
	rep     *AuthReport
	log     hclog.Logger
	ui      terminal.UI
	source  *component.Source
	job     *component.JobInfo
	dir     *datadir.App
	mappers []*argmapper.Func
	labels  map[string]string
	stage   string
}

func (h *host) auth(o *authOpts) (rep *AuthReport) {
	start := time.Now()
	sink := newReport()
	rep = &AuthReport{
		Component:            o.component,
		Mode:                 o.mode,
		ConfigureDiagnostics: []string{},
		Processes:            []*ProcessReport{},
		Timings:              LifecycleTimings{StepsMs: map[string]float64{}},
	}
	r := &authRun{session: &session{h: h, rep: sink}, o: o, rep: rep, log: h.logger("wphost")}
	ctx := context.Background()
	if o.ui == "console" {
		r.ui = terminal.ConsoleUI(ctx)
	} else {
		r.ui = terminal.NonInteractiveUI(ctx)
	}

	defer func() {
		if v := recover(); v != nil {
			rep.OK, rep.Stage = false, r.stage
			rep.Error = fmt.Sprintf("panic: %v", v)
			rep.Panic = fmt.Sprintf("%v\n%s", v, debug.Stack())
		}
		r.killAll()
		if c, ok := r.ui.(io.Closer); ok {
			c.Close()
		}
		rep.Processes = sink.Processes
		rep.Timings.SpawnToClientMs = sink.Timings.SpawnToClientMs
		rep.Timings.SessionMs = ms(time.Since(start))
	}()

	if err := r.run(ctx); err != nil {
		rep.OK, rep.Stage, rep.Error = false, r.stage, err.Error()
		return rep
	}
	r.stage = "kill"
	r.killAll()
	for _, p := range sink.Processes {
		if p.leaked() {
			rep.Stage = "kill"
			rep.Error = fmt.Sprintf("%s process %d still running after Kill", p.Role, p.Pid)
			return rep
		}
	}
	rep.OK, rep.Stage = true, ""
	return rep
}

func (r *authRun) run(ctx context.Context) error {
	r.stage = "config"
	var body hcl.Body
	var cfg *lifecycleConfig
	if r.o.config != "" {
		var err error
		if cfg, err = loadLifecycleConfig(r.o.config, r.o.app); err != nil {
			return err
		}
		use := map[string]*useStanza{
			"builder": cfg.Build, "registry": cfg.Registry,
			"platform": cfg.Deploy, "releasemanager": cfg.Release,
		}[r.o.component]
		if use == nil {
			return fmt.Errorf("app %q has no use stanza for a %s", cfg.App, r.o.component)
		}
		r.rep.Use, body = use.Name, use.Body
	} else {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		cfg = &lifecycleConfig{Project: "wphost", ProjectDir: wd, App: r.o.app, AppPath: wd}
		if cfg.App == "" {
			cfg.App = "app"
		}
	}
	r.rep.App = cfg.App
	r.log = r.h.logger("wphost.app." + cfg.App)

	pdir, err := datadir.NewProject(filepath.Join(cfg.ProjectDir, ".waypoint"))
	if err != nil {
		return err
	}
	if r.dir, err = pdir.App(cfg.App); err != nil {
		return err
	}
	r.source = &component.Source{App: cfg.App, Path: cfg.AppPath}
	r.job = &component.JobInfo{
		Id:        "01WPHOSTCONFORMANCEJOB00",
		Local:     true,
		Workspace: workspace,
		Project:   cfg.Project,
		App:       cfg.App,
	}
	if r.mappers, err = argmapper.NewFuncList(protomappers.All, argmapper.Logger(r.log)); err != nil {
		return err
	}
	r.labels = map[string]string{"waypoint/workspace": workspace}

	// App load: the plugin is started once as a mapper plugin and kept only
	// if it advertises converters.
	r.stage = "mapper"
	mp, err := r.spawn("mapper", r.log.Named("mapper"))
	if err != nil {
		return err
	}
	ms, err := pluginclient.Mappers(mp.client)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		r.kill(mp)
	} else {
		r.mappers = append(r.mappers, ms...)
	}

	// App.Components: the component, created without configuration.
	r.stage = "dispense"
	p, err := r.spawn("auth", r.log.Named(r.o.component))
	r.rep.Process = p.rep
	if err != nil {
		return err
	}
	raw, err := p.rpc.Dispense(r.o.component)
	if err != nil {
		return err
	}
	if _, err := pluginclient.Mappers(p.client); err != nil {
		return err
	}

	if body != nil {
		r.stage = "configure"
		r.rep.Configured = true
		diags := component.Configure(raw, body, evalContext(nil, r.labels))
		for _, d := range diags {
			s := d.Summary
			if d.Detail != "" {
				s += ": " + d.Detail
			}
			r.rep.ConfigureDiagnostics = append(r.rep.ConfigureDiagnostics, s)
		}
		if diags.HasErrors() {
			return diags
		}
	}

	r.stage = "auth"
	auth, ok := raw.(component.Authenticator)
	r.rep.Implements = ok
	r.rep.IsAuthenticator = liveAuthenticator(raw)
	res := &AuthJobResult{AuthSupported: ok}
	r.rep.Result = res
	if !ok {
		// ValidateAuth returns nil for a non-authenticator, so the check
		// passes; Auth would fail with "does not implement authenticator".
		r.rep.Validate = &AuthCall{OK: true, Code: "OK"}
		res.CheckResult = true
		return nil
	}

	r.rep.Validate = r.call(ctx, "validate_auth", auth.ValidateAuthFunc, false)
	res.CheckResult, res.CheckError = r.rep.Validate.OK, r.rep.Validate.Error
	r.rep.WaypointCallsAuth = !r.rep.Validate.OK && r.o.mode != "never"
	if r.o.mode == "never" || r.o.mode == "needed" && r.rep.Validate.OK {
		return nil
	}

	r.rep.Auth = r.call(ctx, "auth", auth.AuthFunc, true)
	authed := r.rep.Auth.Authenticated != nil && *r.rep.Auth.Authenticated
	if authed {
		r.rep.Revalidate = r.call(ctx, "validate_auth", auth.ValidateAuthFunc, false)
	}
	// The job result only reflects calls Waypoint's runner makes.
	if r.rep.WaypointCallsAuth {
		res.AuthError = r.rep.Auth.Error
		res.AuthCompleted = authed
		if authed {
			res.CheckResult, res.CheckError = r.rep.Revalidate.OK, r.rep.Revalidate.Error
		}
	}
	return nil
}

// call is App.callDynamicFunc with no expected result type and no extra
// arguments: the func the SDK client built from the *Spec RPC, called with
// the default values (ctx, logger, source, job info, app data dir, UI,
// named labels). The status is closed after the call, as Waypoint does.
func (r *authRun) call(ctx context.Context, logName string, get func() interface{}, isAuth bool) *AuthCall {
	ac := &AuthCall{}
	start := time.Now()
	defer func() { ac.Ms = ms(time.Since(start)) }()
	log := r.log.Named(logName)

	out, err := safeCall(func() (interface{}, error) {
		f := get()
		fn, ok := f.(*argmapper.Func)
		if !ok {
			var err error
			if fn, err = argmapper.NewFunc(f, argmapper.Logger(log)); err != nil {
				return nil, err
			}
		}
		defer r.ui.Status().Close()
		res := fn.Call(
			argmapper.ConverterFunc(r.mappers...),
			argmapper.Typed(ctx, log, r.source, r.job, r.dir, r.ui),
			argmapper.Named("labels", &component.LabelSet{Labels: r.labels}),
		)
		if err := res.Err(); err != nil {
			return nil, err
		}
		return res.Out(0), nil
	})
	ac.OK = err == nil
	ac.Error = errText(err)
	ac.Code = status.Code(err).String()
	var e *argmapper.ErrArgumentUnsatisfied
	if errors.As(err, &e) {
		ac.MissingArgs = missingArgs(e)
	}
	if isAuth && err == nil {
		ar, _ := out.(*component.AuthResult)
		isNil := ar == nil
		authed := ar != nil && ar.Authenticated
		ac.ResultNil, ac.Authenticated = &isNil, &authed
	}
	return ac
}

// liveAuthenticator reads the SDK client's embedded component.Authenticator:
// the client keeps a nil one when the dispense-time IsAuthenticator probe
// answered false.
func liveAuthenticator(raw interface{}) bool {
	v := reflect.ValueOf(raw)
	for v.Kind() == reflect.Ptr || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return false
	}
	f := v.FieldByName("Authenticator")
	if !f.IsValid() || f.Kind() != reflect.Interface || f.IsNil() {
		return false
	}
	e := f.Elem()
	return !(e.Kind() == reflect.Ptr && e.IsNil())
}
