package main

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/hashicorp/go-argmapper"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/waypoint-plugin-sdk/component"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/pluginclient"
	pb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// dispenseNames is the plugin set the SDK's ClientConfig registers, in a
// fixed order: the four app component types first.
var dispenseNames = []string{
	"builder", "registry", "platform", "releasemanager",
	"mapper", "tasklauncher", "configsourcer",
}

// ProbeReport is the result of `wphost probe`. Probe outcomes are facts,
// not failures: ok is false only when the plugin could not be started or
// outlived Kill.
// Its stage is spawn|kill, "" when ok.
type ProbeReport struct {
	verdict
	Panic string `json:"panic,omitempty"`
	// Ping is the error text of ClientProtocol.Ping (grpc.health.v1 Check
	// for service "plugin"), "" on success.
	Ping string `json:"ping"`
	// Dispense maps each plugin-set name to the error Dispense returned,
	// "" on success.
	Dispense map[string]string `json:"dispense"`
	// Documentation and ConfigStruct map each dispensed name whose client
	// has the method to the outcome of calling it (Documentation RPC via
	// component.Documentation; ConfigStruct RPC via Configurable.Config).
	Documentation map[string]string       `json:"documentation"`
	ConfigStruct  map[string]*ConfigProbe `json:"configStruct"`
	// Mappers is what pluginclient.Mappers returned (ListMappers RPC).
	Mappers      int    `json:"mappers"`
	MappersError string `json:"mappersError"`

	// The brief's shorthand for the two operations that matter most.
	BuilderBuildSpec   string   `json:"builderBuildSpec"`
	BuildArgs          []string `json:"buildArgs"`
	PlatformDeploySpec string   `json:"platformDeploySpec"`
	DeployFuncNil      *bool    `json:"deployFuncNil"`
	DeployArgs         []string `json:"deployArgs"`

	// Funcs has the full detail for the operation function of every app
	// component that dispensed.
	Funcs map[string]*FuncProbe `json:"funcs"`
	// RPCs are argument-less calls made directly with the generated stubs
	// ("Service.Method" -> "ok ..." or "<code>: <message>"), to show what
	// the plugin answers for services it does not implement.
	RPCs    map[string]string `json:"rpcs"`
	Process *ProcessReport    `json:"process"`
	Timings ProbeTimings      `json:"timings"`
}

// ConfigProbe is what Configurable.Config returned: nil means the plugin
// declared no config struct; type is the Go type protostructure rebuilt
// from the plugin's answer (field names, types and hcl tags).
type ConfigProbe struct {
	Error string `json:"error"`
	Nil   bool   `json:"nil"`
	Type  string `json:"type"`
}

type ProbeTimings struct {
	SessionMs float64 `json:"sessionMs"`
}

// FuncProbe describes what BuildFunc/PushFunc/DeployFunc/ReleaseFunc
// returned on the SDK client. On success it is an *argmapper.Func built from
// the plugin's FuncSpec; when the *Spec RPC fails the SDK returns a plain
// func(context.Context) (interface{}, error) instead, and calling that (as
// Waypoint does through argmapper) yields the RPC error, reported as
// specError.
type FuncProbe struct {
	Method    string   `json:"method"`
	Nil       bool     `json:"nil"`
	Type      string   `json:"type"`
	SpecError string   `json:"specError"`
	Args      []string `json:"args"`
	Results   []string `json:"results"`
}

func (h *host) probeScenario() *ProbeReport {
	rep := &ProbeReport{
		Dispense:   map[string]string{},
		BuildArgs:  []string{},
		DeployArgs: []string{},
		Funcs:      map[string]*FuncProbe{},

		RPCs:          map[string]string{},
		Documentation: map[string]string{},
		ConfigStruct:  map[string]*ConfigProbe{},
	}
	runSolo(&rep.verdict, &rep.Panic, &rep.Timings.SessionMs, "spawn", func(s *solo) {
		var err error
		s.p, err = h.spawn("probe", h.logger("wphost.probe"))
		rep.Process = s.p.rep
		if err != nil {
			s.fail(err)
			return
		}
		s.stage = "probe"
		probe(rep, s.p)
		rep.OK = true
	})
	return rep
}

// probe asks the started plugin p everything a ProbeReport holds.
func probe(rep *ProbeReport, p *proc) {
	rep.Ping = errText(p.rpc.Ping())

	values := map[string]interface{}{}
	for _, name := range dispenseNames {
		v, err := safeCall(func() (interface{}, error) { return p.rpc.Dispense(name) })
		rep.Dispense[name] = errText(err)
		if err == nil {
			values[name] = v
		}
	}

	for _, name := range dispenseNames {
		v, ok := values[name]
		if !ok {
			continue
		}
		if _, ok := v.(component.Documented); ok {
			_, err := safeCall(func() (interface{}, error) { return component.Documentation(v) })
			rep.Documentation[name] = errText(err)
		}
		if c, ok := v.(component.Configurable); ok {
			cv, err := safeCall(c.Config)
			cp := &ConfigProbe{Error: errText(err)}
			if err == nil {
				cp.Nil = cv == nil
				if !cp.Nil {
					cp.Type = fmt.Sprintf("%T", cv)
				}
			}
			rep.ConfigStruct[name] = cp
		}
	}

	if mappers, err := pluginclient.Mappers(p.client); err != nil {
		rep.MappersError = err.Error()
	} else {
		rep.Mappers = len(mappers)
	}

	probes := []struct {
		name, method string
		get          func(v interface{}) (interface{}, bool)
	}{
		{"builder", "BuildFunc", func(v interface{}) (interface{}, bool) {
			c, ok := v.(component.Builder)
			if !ok {
				return nil, false
			}
			return c.BuildFunc(), true
		}},
		{"registry", "PushFunc", func(v interface{}) (interface{}, bool) {
			c, ok := v.(component.Registry)
			if !ok {
				return nil, false
			}
			return c.PushFunc(), true
		}},
		{"platform", "DeployFunc", func(v interface{}) (interface{}, bool) {
			c, ok := v.(component.Platform)
			if !ok {
				return nil, false
			}
			return c.DeployFunc(), true
		}},
		{"releasemanager", "ReleaseFunc", func(v interface{}) (interface{}, bool) {
			c, ok := v.(component.ReleaseManager)
			if !ok {
				return nil, false
			}
			return c.ReleaseFunc(), true
		}},
	}
	for _, pr := range probes {
		v, ok := values[pr.name]
		if !ok {
			continue
		}
		rep.Funcs[pr.name] = probeFunc(pr.method, v, pr.get)
	}

	if f := rep.Funcs["builder"]; f != nil {
		rep.BuilderBuildSpec = f.SpecError
		rep.BuildArgs = f.Args
	} else {
		rep.BuilderBuildSpec = "not probed: dispense failed"
	}
	if f := rep.Funcs["platform"]; f != nil {
		rep.PlatformDeploySpec = f.SpecError
		rep.DeployFuncNil = &f.Nil
		rep.DeployArgs = f.Args
	} else {
		rep.PlatformDeploySpec = "not probed: dispense failed"
	}

	if g, ok := p.rpc.(*plugin.GRPCClient); ok {
		rep.RPCs = probeRawRPCs(g.Conn)
	}
}

func probeFunc(method string, v interface{}, get func(interface{}) (interface{}, bool)) *FuncProbe {
	fp := &FuncProbe{Method: method, Args: []string{}, Results: []string{}}
	var f interface{}
	_, err := safeCall(func() (interface{}, error) {
		var ok bool
		if f, ok = get(v); !ok {
			return nil, fmt.Errorf("dispensed value %T has no %s", v, method)
		}
		return nil, nil
	})
	if err != nil {
		fp.SpecError = err.Error()
		return fp
	}
	rv := reflect.ValueOf(f)
	fp.Nil = f == nil || (rv.Kind() == reflect.Func || rv.Kind() == reflect.Ptr) && rv.IsNil()
	fp.Type = fmt.Sprintf("%T", f)
	if fp.Nil {
		return fp
	}

	if fn, ok := f.(*argmapper.Func); ok {
		fp.Args = valueNames(fn.Input().Values())
		fp.Results = valueNames(fn.Output().Values())
		return fp
	}

	// A plain func is the SDK's stand-in for a failed *Spec RPC: call it the
	// way Waypoint calls operation funcs to surface the error.
	_, err = safeCall(func() (interface{}, error) {
		fn, err := argmapper.NewFunc(f)
		if err != nil {
			return nil, err
		}
		fp.Args = valueNames(fn.Input().Values())
		fp.Results = valueNames(fn.Output().Values())
		res := fn.Call(argmapper.Typed(context.Background()))
		if err := res.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s returned %s, which succeeded without a spec", method, fp.Type)
	})
	fp.SpecError = errText(err)
	return fp
}

// valueNames renders argmapper values compactly: the proto message name for
// Any values (the subtype, as Waypoint prints missing arguments), otherwise
// the Go type, prefixed by the name for named values.
func valueNames(vs []argmapper.Value) []string {
	out := []string{}
	for _, v := range vs {
		t := "<nil>"
		if v.Type != nil {
			t = v.Type.String()
		}
		if v.Subtype != "" {
			t += "(" + v.Subtype + ")"
		}
		if v.Name != "" {
			t = v.Name + " " + t
		}
		out = append(out, t)
	}
	return out
}

func safeCall(f func() (interface{}, error)) (v interface{}, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// rawRPC is one argument-less call made straight through the SDK's
// generated gRPC stubs on the plugin's connection, bypassing the client
// wrappers. Only calls the Go SDK's servers answer safely for components
// they do not implement are listed (capability checks, config/docs, and the
// operation *Spec calls that check for a missing implementation).
type rawRPC struct {
	name string
	call func(ctx context.Context, c *grpc.ClientConn) (interface{}, error)
}

func rawRPCs() []rawRPC {
	e := &emptypb.Empty{}
	b := func(c *grpc.ClientConn) pb.BuilderClient { return pb.NewBuilderClient(c) }
	r := func(c *grpc.ClientConn) pb.RegistryClient { return pb.NewRegistryClient(c) }
	p := func(c *grpc.ClientConn) pb.PlatformClient { return pb.NewPlatformClient(c) }
	m := func(c *grpc.ClientConn) pb.ReleaseManagerClient { return pb.NewReleaseManagerClient(c) }
	t := func(c *grpc.ClientConn) pb.TaskLauncherClient { return pb.NewTaskLauncherClient(c) }
	s := func(c *grpc.ClientConn) pb.ConfigSourcerClient { return pb.NewConfigSourcerClient(c) }
	type cc = *grpc.ClientConn
	type ctxT = context.Context
	return []rawRPC{
		{"Builder.IsAuthenticator", func(x ctxT, c cc) (interface{}, error) { return b(c).IsAuthenticator(x, e) }},
		{"Builder.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return b(c).ConfigStruct(x, e) }},
		{"Builder.Documentation", func(x ctxT, c cc) (interface{}, error) { return b(c).Documentation(x, e) }},
		{"Builder.BuildSpec", func(x ctxT, c cc) (interface{}, error) { return b(c).BuildSpec(x, e) }},
		{"Builder.BuildSpecODR", func(x ctxT, c cc) (interface{}, error) { return b(c).BuildSpecODR(x, e) }},

		{"Registry.IsAuthenticator", func(x ctxT, c cc) (interface{}, error) { return r(c).IsAuthenticator(x, e) }},
		{"Registry.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return r(c).ConfigStruct(x, e) }},
		{"Registry.Documentation", func(x ctxT, c cc) (interface{}, error) { return r(c).Documentation(x, e) }},
		{"Registry.PushSpec", func(x ctxT, c cc) (interface{}, error) { return r(c).PushSpec(x, e) }},
		{"Registry.AccessSpec", func(x ctxT, c cc) (interface{}, error) { return r(c).AccessSpec(x, e) }},

		{"Platform.IsAuthenticator", func(x ctxT, c cc) (interface{}, error) { return p(c).IsAuthenticator(x, e) }},
		{"Platform.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return p(c).ConfigStruct(x, e) }},
		{"Platform.Documentation", func(x ctxT, c cc) (interface{}, error) { return p(c).Documentation(x, e) }},
		{"Platform.DeploySpec", func(x ctxT, c cc) (interface{}, error) { return p(c).DeploySpec(x, e) }},
		{"Platform.DefaultReleaserSpec", func(x ctxT, c cc) (interface{}, error) { return p(c).DefaultReleaserSpec(x, e) }},
		{"Platform.IsDestroyer", func(x ctxT, c cc) (interface{}, error) { return p(c).IsDestroyer(x, e) }},
		{"Platform.IsWorkspaceDestroyer", func(x ctxT, c cc) (interface{}, error) { return p(c).IsWorkspaceDestroyer(x, e) }},
		{"Platform.IsExecer", func(x ctxT, c cc) (interface{}, error) { return p(c).IsExecer(x, e) }},
		{"Platform.IsLogPlatform", func(x ctxT, c cc) (interface{}, error) { return p(c).IsLogPlatform(x, e) }},
		{"Platform.IsGeneration", func(x ctxT, c cc) (interface{}, error) { return p(c).IsGeneration(x, e) }},
		{"Platform.IsStatus", func(x ctxT, c cc) (interface{}, error) { return p(c).IsStatus(x, e) }},

		{"ReleaseManager.IsAuthenticator", func(x ctxT, c cc) (interface{}, error) { return m(c).IsAuthenticator(x, e) }},
		{"ReleaseManager.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return m(c).ConfigStruct(x, e) }},
		{"ReleaseManager.Documentation", func(x ctxT, c cc) (interface{}, error) { return m(c).Documentation(x, e) }},
		{"ReleaseManager.ReleaseSpec", func(x ctxT, c cc) (interface{}, error) { return m(c).ReleaseSpec(x, e) }},
		{"ReleaseManager.IsDestroyer", func(x ctxT, c cc) (interface{}, error) { return m(c).IsDestroyer(x, e) }},
		{"ReleaseManager.IsWorkspaceDestroyer", func(x ctxT, c cc) (interface{}, error) { return m(c).IsWorkspaceDestroyer(x, e) }},
		{"ReleaseManager.IsStatus", func(x ctxT, c cc) (interface{}, error) { return m(c).IsStatus(x, e) }},

		{"TaskLauncher.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return t(c).ConfigStruct(x, e) }},
		{"TaskLauncher.Documentation", func(x ctxT, c cc) (interface{}, error) { return t(c).Documentation(x, e) }},
		{"TaskLauncher.StartSpec", func(x ctxT, c cc) (interface{}, error) { return t(c).StartSpec(x, e) }},
		{"TaskLauncher.StopSpec", func(x ctxT, c cc) (interface{}, error) { return t(c).StopSpec(x, e) }},
		{"TaskLauncher.WatchSpec", func(x ctxT, c cc) (interface{}, error) { return t(c).WatchSpec(x, e) }},

		{"ConfigSourcer.ConfigStruct", func(x ctxT, c cc) (interface{}, error) { return s(c).ConfigStruct(x, e) }},
		{"ConfigSourcer.Documentation", func(x ctxT, c cc) (interface{}, error) { return s(c).Documentation(x, e) }},
		{"ConfigSourcer.ReadSpec", func(x ctxT, c cc) (interface{}, error) { return s(c).ReadSpec(x, e) }},
		{"ConfigSourcer.StopSpec", func(x ctxT, c cc) (interface{}, error) { return s(c).StopSpec(x, e) }},
	}
}

// probeRawRPCs runs every rawRPC and renders the answer: "ok" plus a short
// summary of the response, or "<grpc code>: <message>".
func probeRawRPCs(conn *grpc.ClientConn) map[string]string {
	out := map[string]string{}
	for _, r := range rawRPCs() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		resp, err := safeCall(func() (interface{}, error) { return r.call(ctx, conn) })
		cancel()
		if err != nil {
			if st, ok := status.FromError(err); ok {
				out[r.name] = fmt.Sprintf("%s: %s", st.Code(), st.Message())
			} else {
				out[r.name] = "error: " + err.Error()
			}
			continue
		}
		out[r.name] = "ok" + summarizeResp(resp)
	}
	return out
}

func summarizeResp(v interface{}) string {
	switch r := v.(type) {
	case *pb.ImplementsResp:
		return fmt.Sprintf(" implements=%t", r.Implements)
	case *pb.Config_StructResp:
		if r.Struct == nil {
			return " struct=nil"
		}
		return fmt.Sprintf(" struct=%d fields", len(r.Struct.Fields))
	case *pb.Config_Documentation:
		return fmt.Sprintf(" fields=%d templateFields=%d requestFields=%d mappers=%d description=%q",
			len(r.Fields), len(r.TemplateFields), len(r.RequestFields), len(r.Mappers), r.Description)
	case *pb.FuncSpec:
		var args []string
		for _, a := range r.Args {
			s := a.Type
			if a.Name != "" {
				s = a.Name + " " + s
			}
			if a.PrimitiveType != pb.FuncSpec_Value_INVALID {
				s += "(" + a.PrimitiveType.String() + ")"
			}
			args = append(args, s)
		}
		var res []string
		for _, a := range r.Result {
			res = append(res, a.Type)
		}
		return fmt.Sprintf(" name=%q args=[%s] result=[%s]", r.Name, strings.Join(args, ", "), strings.Join(res, ", "))
	}
	return ""
}
