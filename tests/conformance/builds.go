package main

// `wphost builds` runs `waypoint build` N times against one plugin process
// (a debug-mode plugin named by -reattach), as N Waypoint CLI invocations
// would, each closing its connections when it exits. It reports, per build,
// whether the Build RPC was answered before -timeout and whether every string
// that came back was valid UTF-8, and the plugin's RSS after chosen builds.
// The `use` body may refer to the variable `iteration` (0..N-1), so each
// build can ask the plugin for something different.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/waypoint-plugin-sdk/terminal"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"
)

// BuildsReport is the result of `wphost builds`.
type BuildsReport struct {
	verdict
	N int `json:"n"`
	// Completed counts builds whose Build RPC was answered (with a result
	// or an error) before -timeout. Hung counts the others: a call that ran
	// into the timeout, or a build that did not return at all (the loop
	// stops there).
	Completed int `json:"completed"`
	Hung      int `json:"hung"`
	Failed    int `json:"failed"`
	// InvalidUTF8 counts builds in which any string the host received (error
	// text, UI text, result fields, JSON, template data) was not valid UTF-8.
	InvalidUTF8 int `json:"invalidUtf8"`
	// RSS is the plugin's resident set after the builds listed in -rss-at.
	RSS []RSSSample `json:"rss"`
	// Builds has one entry per build with -details, else only the failed,
	// hung or invalid ones.
	Builds  []*BuildOutcome `json:"builds"`
	Pid     int             `json:"pid"`
	WallMs  float64         `json:"wallMs"`
	FirstMs float64         `json:"firstMs"`
}

type RSSSample struct {
	After int   `json:"after"`
	KB    int64 `json:"kb"`
	HWMKB int64 `json:"hwmKb"`
}

type BuildOutcome struct {
	Iteration int    `json:"iteration"`
	OK        bool   `json:"ok"`
	Stage     string `json:"stage"`
	Error     string `json:"error"`
	// ErrorValidUTF8 is checked before the report is written (encoding/json
	// would turn invalid bytes into U+FFFD and hide them).
	ErrorValidUTF8 bool     `json:"errorValidUtf8"`
	Hung           bool     `json:"hung"`
	Ms             float64  `json:"ms"`
	UI             []string `json:"ui"`
	UIValidUTF8    bool     `json:"uiValidUtf8"`
	Result         *Result  `json:"result"`
	// ResultValidUTF8: every length-delimited field of the result (at any
	// depth, as decodeFields shows them), result_json and template data.
	ResultValidUTF8 bool `json:"resultValidUtf8"`
}

type buildsOpts struct {
	buildOpts
	n        int
	timeout  time.Duration
	rssAt    []int
	settle   time.Duration
	details  bool
	maxHangs int
}

func cmdBuilds(args []string) error {
	var c common
	var sf spawnFlags
	var o buildsOpts
	var rssAt string
	fs := flag.NewFlagSet("builds", flag.ContinueOnError)
	fs.StringVar(&o.config, "config", "", "waypoint.hcl (its use body may use the variable `iteration`)")
	fs.StringVar(&o.app, "app", "", "app name (default: first app)")
	fs.IntVar(&o.n, "n", 1, "number of builds")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "a Build RPC not answered within this is a hang")
	fs.StringVar(&rssAt, "rss-at", "", "comma-separated build counts after which to read the plugin's RSS (with -reattach)")
	fs.DurationVar(&o.settle, "settle", time.Second, "idle time before each RSS reading")
	fs.BoolVar(&o.details, "details", false, "report every build, not only the failed ones")
	fs.IntVar(&o.maxHangs, "max-hangs", 0, "stop after this many hung builds (0: never)")
	if err := parseSpawn(fs, &c, &sf, args); err != nil {
		return err
	}
	if o.config == "" {
		return usageError{fmt.Errorf("-config is required")}
	}
	if o.n < 1 {
		return usageError{fmt.Errorf("-n must be >= 1")}
	}
	for _, s := range strings.Split(rssAt, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		k, err := strconv.Atoi(s)
		if err != nil || k < 0 || k > o.n {
			return usageError{fmt.Errorf("-rss-at: %q is not a build count from 0 to -n", s)}
		}
		o.rssAt = append(o.rssAt, k)
	}
	if len(o.rssAt) > 0 && sf.reattach == "" {
		return usageError{fmt.Errorf("-rss-at needs -reattach: only then is there one process to measure")}
	}
	return runReport(&c, &sf, func(h *host) interface{} { return h.builds(&o) })
}

func (h *host) builds(o *buildsOpts) *BuildsReport {
	rep := &BuildsReport{N: o.n, RSS: []RSSSample{}, Builds: []*BuildOutcome{}}
	for _, rc := range h.reattach {
		rep.Pid = rc.Pid
	}
	// Each build is one CLI invocation: its connections close when it ends.
	h.closeReattached = true
	sample := func(after int) {
		for _, k := range o.rssAt {
			if k == after {
				time.Sleep(o.settle)
				rss, hwm := readRSS(rep.Pid)
				rep.RSS = append(rep.RSS, RSSSample{After: after, KB: rss, HWMKB: hwm})
			}
		}
	}
	start := time.Now()
	sample(0)
	for i := 0; i < o.n; i++ {
		if i%20 == 19 {
			// go-plugin (v1.4.3) never stops watching a reattached process:
			// each client's goroutine calls os.FindProcess once a second for
			// as long as the plugin lives, and each call opens a pidfd that
			// only a GC closes. Thousands of builds would exhaust the fds.
			runtime.GC()
		}
		out, returned := h.oneBuild(o, i)
		if i == 0 {
			rep.FirstMs = out.Ms
		}
		if out.Hung {
			rep.Hung++
		} else {
			rep.Completed++
		}
		if !out.OK {
			rep.Failed++
		}
		valid := out.ErrorValidUTF8 && out.UIValidUTF8 && out.ResultValidUTF8
		if !valid {
			rep.InvalidUTF8++
		}
		if o.details || out.Hung || !valid {
			rep.Builds = append(rep.Builds, out)
		} else if !out.OK && len(rep.Builds) < 20 {
			rep.Builds = append(rep.Builds, out)
		}
		if o.maxHangs > 0 && rep.Hung >= o.maxHangs {
			rep.fail("build", fmt.Errorf("%d builds hung; stopped after build %d of %d", rep.Hung, i+1, o.n))
			rep.WallMs = ms(time.Since(start))
			return rep
		}
		if !returned {
			rep.fail("build", fmt.Errorf("build %d did not return within %s of its timeout; stopped", i, 10*time.Second))
			rep.WallMs = ms(time.Since(start))
			return rep
		}
		sample(i + 1)
	}
	rep.WallMs = ms(time.Since(start))
	rep.OK = rep.Hung == 0
	if !rep.OK {
		rep.Stage, rep.Error = "build", fmt.Sprintf("%d of %d builds hung", rep.Hung, o.n)
	}
	return rep
}

// oneBuild runs build i with its own recording UI; returned is false when it
// did not come back at all.
func (h *host) oneBuild(o *buildsOpts, i int) (*BuildOutcome, bool) {
	ui := &recordingUI{}
	bo := o.buildOpts
	bo.push = false
	bo.customUI = ui
	bo.cancelAfter = o.timeout
	bo.vars = map[string]cty.Value{"iteration": cty.NumberIntVal(int64(i))}
	start := time.Now()
	done := make(chan *Report, 1)
	go func() { done <- h.build(&bo) }()
	out := &BuildOutcome{Iteration: i}
	var r *Report
	select {
	case r = <-done:
	case <-time.After(o.timeout + 10*time.Second):
		out.Hung, out.Ms, out.Error = true, ms(time.Since(start)), "the build did not return"
		return out, false
	}
	out.Ms = ms(time.Since(start))
	out.OK, out.Stage, out.Error = r.OK, r.Stage, r.Error
	out.ErrorValidUTF8 = utf8.ValidString(r.Error)
	// The call was cancelled by -timeout: the plugin never answered it.
	out.Hung = !r.OK && r.Timings.BuildCallMs >= ms(o.timeout)
	out.UI, out.UIValidUTF8 = ui.texts()
	out.Result = r.Result
	out.ResultValidUTF8 = r.Result == nil || resultValid(r.Result)
	return out, true
}

func resultValid(r *Result) bool {
	if !utf8.ValidString(r.JSON) {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(r.ValueBase64)
	if err != nil || !wireValid(raw, 0) {
		return false
	}
	b, err := json.Marshal(r.TemplateData)
	return err == nil && utf8.Valid(b)
}

// wireValid: every length-delimited field of the message in b, at any depth,
// is valid UTF-8 or else itself a message whose fields are (the schema is
// unknown here, so a nested message is told from a string by parsing it).
func wireValid(b []byte, depth int) bool {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return false
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return false
			}
			if !utf8.Valid(v) && (depth > 8 || !wireValid(v, depth+1)) {
				return false
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return false
		}
		b = b[m:]
	}
	return true
}

// readRSS reads VmRSS and VmHWM (kB) of pid from /proc (Linux; 0 elsewhere).
func readRSS(pid int) (rss, hwm int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}

// closeConn closes a reattached process's client as a Waypoint CLI exiting
// does: its connection and its broker, with the host-side listeners the
// broker opened for the UI. ClientProtocol.Close also sends Shutdown, which
// keepAlive drops: the debug-mode plugin lives on.
func (p *proc) closeConn() {
	if p.rpc != nil {
		p.rpc.Close()
	}
}

// keepAlive swallows GRPCController/Shutdown (see closeConn).
func keepAlive(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if method == "/plugin.GRPCController/Shutdown" {
		return nil
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// recordingUI is a terminal.UI that keeps, in order, the text of everything
// the plugin sent, as a real UI would print it (format verbs interpreted
// where the SDK's UI interprets them).
type recordingUI struct {
	mu  sync.Mutex
	out []string
}

func (u *recordingUI) add(s string) {
	u.mu.Lock()
	u.out = append(u.out, s)
	u.mu.Unlock()
}

func (u *recordingUI) texts() ([]string, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	valid := true
	for _, s := range u.out {
		valid = valid && utf8.ValidString(s)
	}
	return append([]string{}, u.out...), valid
}

func (u *recordingUI) Input(in *terminal.Input) (string, error) {
	u.add(in.Prompt)
	return "", terminal.ErrNonInteractive
}

func (u *recordingUI) Interactive() bool { return false }

func (u *recordingUI) Output(msg string, raw ...interface{}) {
	text, _, _ := terminal.Interpret(msg, raw...)
	u.add(text)
}

func (u *recordingUI) NamedValues(vs []terminal.NamedValue, _ ...terminal.Option) {
	for _, v := range vs {
		u.add(v.Name)
		u.add(fmt.Sprint(v.Value))
	}
}

func (u *recordingUI) OutputWriters() (io.Writer, io.Writer, error) {
	w := recordWriter{u}
	return w, w, nil
}

func (u *recordingUI) Status() terminal.Status { return recordingStatus{u} }

func (u *recordingUI) Table(t *terminal.Table, _ ...terminal.Option) {
	for _, hd := range t.Headers {
		u.add(hd)
	}
	for _, row := range t.Rows {
		for _, e := range row {
			u.add(e.Value)
		}
	}
}

func (u *recordingUI) StepGroup() terminal.StepGroup { return recordingStepGroup{u} }

type recordWriter struct{ u *recordingUI }

func (w recordWriter) Write(p []byte) (int, error) {
	w.u.add(string(p))
	return len(p), nil
}

type recordingStatus struct{ u *recordingUI }

func (s recordingStatus) Update(msg string)         { s.u.add(msg) }
func (s recordingStatus) Step(_ string, msg string) { s.u.add(msg) }
func (s recordingStatus) Close() error              { return nil }

type recordingStepGroup struct{ u *recordingUI }

func (g recordingStepGroup) Add(msg string, args ...interface{}) terminal.Step {
	g.u.add(fmt.Sprintf(msg, args...))
	return recordingStep{g.u}
}
func (g recordingStepGroup) Wait() {}

type recordingStep struct{ u *recordingUI }

func (s recordingStep) TermOutput() io.Writer { return recordWriter{s.u} }
func (s recordingStep) Update(msg string, args ...interface{}) {
	s.u.add(fmt.Sprintf(msg, args...))
}
func (s recordingStep) Status(string) {}
func (s recordingStep) Done()         {}
func (s recordingStep) Abort()        {}

var (
	_ terminal.UI        = (*recordingUI)(nil)
	_ terminal.Status    = recordingStatus{}
	_ terminal.StepGroup = recordingStepGroup{}
	_ terminal.Step      = recordingStep{}
)
