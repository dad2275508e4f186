package main

// Benchmarks: rpcbench times a cheap unary RPC (the operation's *Spec call)
// over the real go-plugin connection; uibench times how fast a build's
// ui.Output lines reach the host through the TerminalUI broker service.

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin"
	pb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/protobuf/types/known/emptypb"
)

// RPCBenchReport is the result of `wphost rpcbench`.
// Its stage is spawn|dispense|bench|kill, "" when ok.
type RPCBenchReport struct {
	verdict
	Panic       string `json:"panic,omitempty"`
	Component   string `json:"component"`
	RPC         string `json:"rpc"`
	N           int    `json:"n"`
	Concurrency int    `json:"concurrency"`
	Warmup      int    `json:"warmup"`
	// Errors counts failed calls (the bench goes on); FirstError is the
	// first one's text.
	Errors     int             `json:"errors"`
	FirstError string          `json:"firstError"`
	LatencyUs  *LatencySummary `json:"latencyUs"`
	// WallMs is the time for all N calls; CallsPerSec is N / WallMs.
	WallMs      float64        `json:"wallMs"`
	CallsPerSec float64        `json:"callsPerSec"`
	Process     *ProcessReport `json:"process"`
	Timings     ProbeTimings   `json:"timings"`
}

// LatencySummary: nearest-rank percentiles of per-call latency.
type LatencySummary struct {
	Min  float64 `json:"min"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	Mean float64 `json:"mean"`
}

func latencySummary(us []float64) *LatencySummary {
	if len(us) == 0 {
		return nil
	}
	s := append([]float64(nil), us...)
	sort.Float64s(s)
	rank := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		if i < 0 {
			i = 0
		}
		return s[i]
	}
	sum := 0.0
	for _, x := range s {
		sum += x
	}
	round := func(x float64) float64 { return math.Round(x*10) / 10 }
	return &LatencySummary{
		Min: round(s[0]), P50: round(rank(0.5)), P90: round(rank(0.9)), P99: round(rank(0.99)),
		Max: round(s[len(s)-1]), Mean: round(sum / float64(len(s))),
	}
}

// benchRPC picks the timed call, made with the generated stub on the
// plugin's connection: the component's argument-less *Spec call (spec),
// its IsAuthenticator capability check (isauthenticator: a fixed answer, so
// close to pure transport cost), or the go-plugin health Check (health).
func benchRPC(kind, comp string, conn *grpc.ClientConn) (string, func(context.Context) error) {
	e := &emptypb.Empty{}
	switch kind {
	case "health":
		c := healthpb.NewHealthClient(conn)
		req := &healthpb.HealthCheckRequest{Service: "plugin"}
		return "grpc.health.v1.Health/Check", func(ctx context.Context) error { _, err := c.Check(ctx, req); return err }
	case "isauthenticator":
		type isAuth interface {
			IsAuthenticator(context.Context, *emptypb.Empty, ...grpc.CallOption) (*pb.ImplementsResp, error)
		}
		var c isAuth
		name := "Builder/IsAuthenticator"
		switch comp {
		case "registry":
			c, name = pb.NewRegistryClient(conn), "Registry/IsAuthenticator"
		case "platform":
			c, name = pb.NewPlatformClient(conn), "Platform/IsAuthenticator"
		case "releasemanager":
			c, name = pb.NewReleaseManagerClient(conn), "ReleaseManager/IsAuthenticator"
		default:
			c = pb.NewBuilderClient(conn)
		}
		return name, func(ctx context.Context) error { _, err := c.IsAuthenticator(ctx, e); return err }
	}
	switch comp {
	case "registry":
		c := pb.NewRegistryClient(conn)
		return "Registry/PushSpec", func(ctx context.Context) error { _, err := c.PushSpec(ctx, e); return err }
	case "platform":
		c := pb.NewPlatformClient(conn)
		return "Platform/DeploySpec", func(ctx context.Context) error { _, err := c.DeploySpec(ctx, e); return err }
	case "releasemanager":
		c := pb.NewReleaseManagerClient(conn)
		return "ReleaseManager/ReleaseSpec", func(ctx context.Context) error { _, err := c.ReleaseSpec(ctx, e); return err }
	default:
		c := pb.NewBuilderClient(conn)
		return "Builder/BuildSpec", func(ctx context.Context) error { _, err := c.BuildSpec(ctx, e); return err }
	}
}

type rpcBenchOpts struct {
	component   string
	rpc         string
	n           int
	concurrency int
	warmup      int
}

func cmdRPCBench(args []string) error {
	var c common
	var sf spawnFlags
	var o rpcBenchOpts
	fs := flag.NewFlagSet("rpcbench", flag.ContinueOnError)
	fs.StringVar(&o.component, "component", "builder", "component whose *Spec RPC is timed: "+strings.Join(componentNames, "|"))
	fs.StringVar(&o.rpc, "rpc", "spec", "timed call: spec (the component's *Spec RPC), isauthenticator, health")
	fs.IntVar(&o.n, "n", 1000, "number of timed calls")
	fs.IntVar(&o.concurrency, "concurrency", 1, "goroutines issuing the N calls (1 = sequential)")
	fs.IntVar(&o.warmup, "warmup", 0, "untimed calls made first")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	if err := checkComponent(o.component); err != nil {
		return err
	}
	switch {
	case o.rpc != "spec" && o.rpc != "isauthenticator" && o.rpc != "health":
		return usageError{fmt.Errorf("-rpc must be spec, isauthenticator or health")}
	case o.n < 1:
		return usageError{fmt.Errorf("-n must be >= 1")}
	case o.concurrency < 1:
		return usageError{fmt.Errorf("-concurrency must be >= 1")}
	case o.warmup < 0:
		return usageError{fmt.Errorf("-warmup must be >= 0")}
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.rpcBench(&o) })
}

func (h *host) rpcBench(o *rpcBenchOpts) *RPCBenchReport {
	rep := &RPCBenchReport{Component: o.component, N: o.n, Concurrency: o.concurrency, Warmup: o.warmup}
	runSolo(&rep.verdict, &rep.Panic, &rep.Timings.SessionMs, "spawn", func(s *solo) {
		var err error
		s.p, err = h.spawn("rpcbench", h.logger("wphost.rpcbench"))
		rep.Process = s.p.rep
		if err != nil {
			s.fail(err)
			return
		}
		s.stage = "dispense"
		if _, err := s.p.rpc.Dispense(o.component); err != nil {
			s.fail(err)
			return
		}
		g, ok := s.p.rpc.(*plugin.GRPCClient)
		if !ok {
			s.fail(fmt.Errorf("client is %T, not a gRPC client", s.p.rpc))
			return
		}
		s.stage = "bench"
		bench(rep, o, g.Conn)
		rep.OK = true
	})
	return rep
}

// bench makes the warmup calls, then the N timed ones.
func bench(rep *RPCBenchReport, o *rpcBenchOpts, conn *grpc.ClientConn) {
	name, call := benchRPC(o.rpc, o.component, conn)
	rep.RPC = name
	ctx := context.Background()
	for i := 0; i < o.warmup; i++ {
		call(ctx)
	}

	lat := make([]float64, o.n)
	errs := make([]error, o.n)
	next := make(chan int, o.n)
	for i := 0; i < o.n; i++ {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	t0 := time.Now()
	for w := 0; w < o.concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := time.Now()
				errs[i] = call(ctx)
				lat[i] = float64(time.Since(s).Nanoseconds()) / 1000
			}
		}()
	}
	wg.Wait()
	wall := time.Since(t0)

	for _, err := range errs {
		if err != nil {
			if rep.Errors == 0 {
				rep.FirstError = err.Error()
			}
			rep.Errors++
		}
	}
	rep.LatencyUs = latencySummary(lat)
	rep.WallMs = ms(wall)
	rep.CallsPerSec = math.Round(float64(o.n) / wall.Seconds())
}

// UIBenchReport is the result of `wphost uibench`.
type UIBenchReport struct {
	verdict
	// Lines is -lines, what the plugin was configured to print.
	Lines int `json:"lines"`
	// Received counts what reached the host's terminal.UI. It includes the
	// host's own "Running build v1" step group and step.
	Received *UICounts `json:"received"`
	// Complete: Received.Lines >= Lines.
	Complete  bool   `json:"complete"`
	FirstLine string `json:"firstLine"`
	LastLine  string `json:"lastLine"`
	// Times from the start of the Build call (after BuildSpec, before the
	// host serves the UI broker service) to the first and last line, and
	// to the end of the Build call.
	FirstLineMs float64 `json:"firstLineMs"`
	LastLineMs  float64 `json:"lastLineMs"`
	BuildCallMs float64 `json:"buildCallMs"`
	// LinesPerSec is Received.Lines / LastLineMs.
	LinesPerSec float64 `json:"linesPerSec"`
	// Build is the full build report (processes, result, timings).
	Build *Report `json:"build"`
}

type UICounts struct {
	Lines           int `json:"lines"`
	TextLines       int `json:"textLines"`
	StatusUpdates   int `json:"statusUpdates"`
	StatusSteps     int `json:"statusSteps"`
	StatusCloses    int `json:"statusCloses"`
	StepGroups      int `json:"stepGroups"`
	Steps           int `json:"steps"`
	StepUpdates     int `json:"stepUpdates"`
	StepStatuses    int `json:"stepStatuses"`
	StepOutputBytes int `json:"stepOutputBytes"`
	NamedValues     int `json:"namedValues"`
	Tables          int `json:"tables"`
	RawBytes        int `json:"rawBytes"`
	Inputs          int `json:"inputs"`
}

func cmdUIBench(args []string) error {
	var c common
	var sf spawnFlags
	var o buildOpts
	var lines int
	fs := flag.NewFlagSet("uibench", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "", "waypoint.hcl (its use body should set the plugin's line count)")
	fs.StringVar(&o.app, "app", "", "app name (default: first app)")
	fs.IntVar(&lines, "lines", 0, "number of lines the plugin prints (recorded; the plugin reads its own config)")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	if o.config == "" {
		return usageError{fmt.Errorf("-config is required")}
	}
	if lines < 0 {
		return usageError{fmt.Errorf("-lines must be >= 0")}
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.uiBench(&o, lines) })
}

func (h *host) uiBench(o *buildOpts, lines int) *UIBenchReport {
	ui := &countingUI{}
	var t0 time.Time
	o.push = false
	o.customUI = ui
	o.onCallStart = func() {
		ui.mu.Lock()
		t0 = time.Now()
		ui.mu.Unlock()
	}
	b := h.build(o)

	ui.mu.Lock()
	defer ui.mu.Unlock()
	rep := &UIBenchReport{
		verdict:     b.verdict,
		Lines:       lines,
		Received:    &ui.n,
		Complete:    ui.n.TextLines >= lines,
		FirstLine:   ui.firstLine,
		LastLine:    ui.lastLine,
		BuildCallMs: b.Timings.BuildCallMs,
		Build:       b,
	}
	// Lines are counted as text lines: one Output call may carry several
	// (a plugin may batch consecutive lines into one event; the host prints
	// them the same way).
	if !t0.IsZero() && ui.n.TextLines > 0 {
		rep.FirstLineMs = ms(ui.firstAt.Sub(t0))
		rep.LastLineMs = ms(ui.lastAt.Sub(t0))
		if d := ui.lastAt.Sub(t0).Seconds(); d > 0 {
			rep.LinesPerSec = math.Round(float64(ui.n.TextLines) / d)
		}
	}
	return rep
}

// countingUI is a terminal.UI that renders nothing: it counts what the
// plugin sends and remembers when Output lines arrived.
type countingUI struct {
	mu                  sync.Mutex
	n                   UICounts
	firstLine, lastLine string
	firstAt, lastAt     time.Time
}

func (u *countingUI) Input(*terminal.Input) (string, error) {
	u.mu.Lock()
	u.n.Inputs++
	u.mu.Unlock()
	return "", terminal.ErrNonInteractive
}

func (u *countingUI) Interactive() bool { return false }

// Output takes msg as sent: the SDK's UI service passes the plugin's
// already formatted text plus a style option, so nothing is interpolated.
func (u *countingUI) Output(msg string, _ ...interface{}) {
	now := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	text := strings.Split(strings.TrimSuffix(msg, "\n"), "\n")
	if u.n.Lines == 0 {
		u.firstLine, u.firstAt = text[0], now
	}
	u.n.Lines++
	u.n.TextLines += len(text)
	u.lastLine, u.lastAt = text[len(text)-1], now
}

func (u *countingUI) NamedValues([]terminal.NamedValue, ...terminal.Option) {
	u.count(func(n *UICounts) { n.NamedValues++ })
}

func (u *countingUI) OutputWriters() (io.Writer, io.Writer, error) {
	w := countWriter{u}
	return w, w, nil
}

func (u *countingUI) Status() terminal.Status { return countingStatus{u} }

func (u *countingUI) Table(*terminal.Table, ...terminal.Option) {
	u.count(func(n *UICounts) { n.Tables++ })
}

func (u *countingUI) StepGroup() terminal.StepGroup {
	u.count(func(n *UICounts) { n.StepGroups++ })
	return countingStepGroup{u}
}

func (u *countingUI) count(f func(*UICounts)) {
	u.mu.Lock()
	f(&u.n)
	u.mu.Unlock()
}

type countWriter struct{ u *countingUI }

func (w countWriter) Write(p []byte) (int, error) {
	w.u.count(func(n *UICounts) { n.RawBytes += len(p) })
	return len(p), nil
}

type countingStatus struct{ u *countingUI }

func (s countingStatus) Update(string) { s.u.count(func(n *UICounts) { n.StatusUpdates++ }) }
func (s countingStatus) Step(string, string) {
	s.u.count(func(n *UICounts) { n.StatusSteps++ })
}
func (s countingStatus) Close() error {
	s.u.count(func(n *UICounts) { n.StatusCloses++ })
	return nil
}

type countingStepGroup struct{ u *countingUI }

func (g countingStepGroup) Add(string, ...interface{}) terminal.Step {
	g.u.count(func(n *UICounts) { n.Steps++ })
	return countingStep{g.u}
}
func (g countingStepGroup) Wait() {}

type countingStep struct{ u *countingUI }

func (s countingStep) TermOutput() io.Writer { return stepWriter{s.u} }
func (s countingStep) Update(string, ...interface{}) {
	s.u.count(func(n *UICounts) { n.StepUpdates++ })
}
func (s countingStep) Status(string) { s.u.count(func(n *UICounts) { n.StepStatuses++ }) }
func (s countingStep) Done()         {}
func (s countingStep) Abort()        {}

type stepWriter struct{ u *countingUI }

func (w stepWriter) Write(p []byte) (int, error) {
	w.u.count(func(n *UICounts) { n.StepOutputBytes += len(p) })
	return len(p), nil
}

var (
	_ terminal.UI        = (*countingUI)(nil)
	_ terminal.Status    = countingStatus{}
	_ terminal.StepGroup = countingStepGroup{}
	_ terminal.Step      = countingStep{}
)
