package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
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
	verdict
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
	if err := checkComponent(o.component); err != nil {
		return err
	}
	if o.mode != "always" && o.mode != "needed" && o.mode != "never" {
		return usageError{fmt.Errorf("-auth-mode must be always, needed or never")}
	}
	if err := checkUI(o.ui); err != nil {
		return err
	}
	return runReport(&c, &sf, func(h *host) interface{} {
		h.recordRPCs = true
		return h.auth(&o)
	})
}

// authRun is the runner's auth job for one component: the app is loaded
// (mapper plugins first), the component is created without configuration
// (CreateNoConfig), and ValidateAuth/Auth go through App.callDynamicFunc.
type authRun struct {
	appRun
	o   *authOpts
	rep *AuthReport
}

func (h *host) auth(o *authOpts) *AuthReport {
	start := time.Now()
	rep := &AuthReport{
		Component:            o.component,
		Mode:                 o.mode,
		ConfigureDiagnostics: []string{},
		Processes:            []*ProcessReport{},
		Timings:              LifecycleTimings{StepsMs: map[string]float64{}},
	}
	ctx := context.Background()
	r := &authRun{o: o, rep: rep}
	r.scenario = h.newScenario(newUI(ctx, o.ui), &rep.Processes, &rep.Timings.SpawnToClientMs)
	r.execute(&rep.verdict, &rep.Panic, nil, func() error { return r.run(ctx) })
	rep.Timings.SessionMs = ms(time.Since(start))
	return rep
}

// config is the app and, with -config, the use body of the component.
func (r *authRun) config() (*appInfo, hcl.Body, error) {
	if r.o.config == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, nil, err
		}
		info := &appInfo{Project: "wphost", ProjectDir: wd, App: r.o.app, AppPath: wd}
		if info.App == "" {
			info.App = "app"
		}
		return info, nil, nil
	}
	cfg, err := loadLifecycleConfig(r.o.config, r.o.app)
	if err != nil {
		return nil, nil, err
	}
	use := map[string]*useStanza{
		"builder": cfg.Build, "registry": cfg.Registry,
		"platform": cfg.Deploy, "releasemanager": cfg.Release,
	}[r.o.component]
	if use == nil {
		return nil, nil, fmt.Errorf("app %q has no use stanza for a %s", cfg.App, r.o.component)
	}
	r.rep.Use = use.Name
	return &cfg.appInfo, use.Body, nil
}

func (r *authRun) run(ctx context.Context) error {
	r.stage = "config"
	info, body, err := r.config()
	if err != nil {
		return err
	}
	r.rep.App = info.App
	if err := r.loadApp(info); err != nil {
		return err
	}

	// App load: the plugin is started once as a mapper plugin and kept only
	// if it advertises converters.
	r.stage = "mapper"
	if _, err := r.loadMappers("mapper", r.h.plugin, r.h.pluginArgs); err != nil {
		return err
	}

	// App.Components: the component, created without configuration.
	r.stage = "dispense"
	p, err := r.spawn("auth", r.log.Named(r.o.component))
	r.rep.Process = p.rep
	var raw interface{}
	if err == nil {
		raw, err = p.dispense(r.o.component)
	}
	if err != nil {
		return err
	}

	if body != nil {
		r.stage = "configure"
		r.rep.Configured = true
		if err := configure(raw, body, evalContext(nil, r.labels), "", &r.rep.ConfigureDiagnostics); err != nil {
			return err
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

	r.rep.Validate = r.callAuth(ctx, "validate_auth", auth.ValidateAuthFunc, false)
	res.CheckResult, res.CheckError = r.rep.Validate.OK, r.rep.Validate.Error
	r.rep.WaypointCallsAuth = !r.rep.Validate.OK && r.o.mode != "never"
	if r.o.mode == "never" || r.o.mode == "needed" && r.rep.Validate.OK {
		return nil
	}

	r.rep.Auth = r.callAuth(ctx, "auth", auth.AuthFunc, true)
	authed := r.rep.Auth.Authenticated != nil && *r.rep.Auth.Authenticated
	if authed {
		r.rep.Revalidate = r.callAuth(ctx, "validate_auth", auth.ValidateAuthFunc, false)
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

// callAuth is App.callDynamicFunc with no expected result type and no extra
// arguments, on the func the SDK client built from the *Spec RPC.
func (r *authRun) callAuth(ctx context.Context, logName string, get func() interface{}, isAuth bool) *AuthCall {
	ac := &AuthCall{}
	start := time.Now()
	defer func() { ac.Ms = ms(time.Since(start)) }()
	log := r.log.Named(logName)

	out, err := safeCall(func() (interface{}, error) {
		return r.call(ctx, log, nil, r.labels, get())
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
