package main

// startprobe times plugin start-up as go-plugin v1.4.3 (Waypoint 0.11.4's
// client) sees it, for several executables side by side: spawn → handshake
// line, → the first unary RPC answered (Builder/IsAuthenticator, the SDK
// builder client's first call at dispense, after go-plugin's broker and
// stdio streams are open), → Builder/Configure answered (after
// Mapper/ListMappers and Builder/ConfigStruct), → Builder/BuildSpec
// answered, and GRPCController/Shutdown → exited; plus the child's CPU time
// and peak RSS from wait4.
//
// Variants run interleaved: round i runs every variant once, starting at a
// different one each round, so that all of a round see the same machine
// load and a round-by-round difference cancels most of its drift. It
// measures; `deno task bench` (scripts/bench/startup.ts) judges.
//
// The spec is a JSON array of variants:
//
//	{"label": "…", "mode": "line|rpc|probe", "cmd": ["path", "arg"…],
//	 "configure": "{…json…}", "grep": "substring"}
//
// mode line stops after the handshake line (the process must exit by
// itself within 10 s, else it is killed); rpc stops after IsAuthenticator;
// probe goes on through BuildSpec. rpc and probe end with Shutdown. Stderr
// lines containing grep (when set) are kept in each run's record.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	pb "github.com/hashicorp/waypoint-plugin-sdk/proto/gen"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

type startVariant struct {
	Label     string   `json:"label"`
	Mode      string   `json:"mode"`
	Cmd       []string `json:"cmd"`
	Configure string   `json:"configure"`
	Grep      string   `json:"grep"`
}

// startRun is one launch. Times are ms after the spawn started; 0 = not reached.
type startRun struct {
	Round      int      `json:"round"`
	LineMs     float64  `json:"lineMs"`
	FirstRPCMs float64  `json:"firstRpcMs"`
	ConfigMs   float64  `json:"configuredMs"`
	ProbedMs   float64  `json:"probedMs"`
	ExitMs     float64  `json:"exitMs"`
	KillMs     float64  `json:"killMs"`
	CPUMs      float64  `json:"cpuMs"`
	MaxRSSKiB  int64    `json:"maxRssKiB"`
	Error      string   `json:"error,omitempty"`
	Stderr     []string `json:"stderr,omitempty"`
}

type startResult struct {
	Label string     `json:"label"`
	Mode  string     `json:"mode"`
	Runs  []startRun `json:"runs"`
}

// StartProbeReport is the result of `wphost startprobe`.
type StartProbeReport struct {
	verdict
	Variants []startResult `json:"variants"`
}

// startCookie is the SDK's magic cookie (WAYPOINT_PLUGIN), as go-plugin's client sets it.
const startCookie = "be6c1928786a4df0222c13eef44ac846da2c0d461d99addc93f804601c6b7205"

// startTimeout bounds each step of a launch: the line, the dial, each call, the exit.
var startTimeout = 10 * time.Second

func cmdStartProbe(args []string) error {
	fs := flag.NewFlagSet("startprobe", flag.ContinueOnError)
	spec := fs.String("spec", "", "variants (JSON)")
	report := fs.String("report", "", "where the JSON report goes")
	n := fs.Int("n", 15, "timed rounds")
	warmup := fs.Int("warmup", 2, "untimed rounds first")
	fs.DurationVar(&startTimeout, "timeout", 10*time.Second,
		"how long each step of a launch may take (raise it for a plugin under valgrind)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *spec == "" || *report == "" || *n < 1 || *warmup < 0 {
		return usageError{fmt.Errorf("-spec and -report are required, -n >= 1, -warmup >= 0")}
	}
	raw, err := os.ReadFile(*spec)
	if err != nil {
		return err
	}
	var vs []startVariant
	if err := json.Unmarshal(raw, &vs); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	for _, v := range vs {
		if len(v.Cmd) == 0 || (v.Mode != "line" && v.Mode != "rpc" && v.Mode != "probe") {
			return usageError{fmt.Errorf("variant %q: needs cmd and mode line|rpc|probe", v.Label)}
		}
	}
	rep := StartProbeReport{Variants: make([]startResult, len(vs))}
	for i, v := range vs {
		rep.Variants[i] = startResult{Label: v.Label, Mode: v.Mode, Runs: []startRun{}}
	}
	for round := -*warmup; round < *n; round++ {
		for k := range vs {
			i := (k + round + *warmup) % len(vs)
			r := startLaunch(vs[i])
			r.Round = round
			if round >= 0 {
				rep.Variants[i].Runs = append(rep.Variants[i].Runs, r)
			}
		}
	}
	rep.OK = true
	out, _ := json.MarshalIndent(rep, "", "  ")
	return os.WriteFile(*report, out, 0o644)
}

func msSince(t0 time.Time) float64 { return float64(time.Since(t0).Microseconds()) / 1000 }

// startLaunch spawns v once as go-plugin's client would and takes its marks.
func startLaunch(v startVariant) (r startRun) {
	cmd := exec.Command(v.Cmd[0], v.Cmd[1:]...)
	// go-plugin: the host's environment, the cookie, the port range, the protocol versions.
	cmd.Env = append(os.Environ(),
		"WAYPOINT_PLUGIN="+startCookie,
		"PLUGIN_MIN_PORT=10000", "PLUGIN_MAX_PORT=25000", "PLUGIN_PROTOCOL_VERSIONS=1")
	// A pipe of our own: exec's StdoutPipe may be closed by Wait before the line of a
	// process that printed it and exited at once has been read.
	stdout, w, err := os.Pipe()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer stdout.Close()
	cmd.Stdout = w
	var stderr bytes.Buffer
	errOut := &lockedWriter{w: &stderr}
	cmd.Stderr = errOut
	t0 := time.Now()
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Error = err.Error()
		return r
	}
	exited := make(chan struct{})
	var exitAt time.Time
	go func() {
		_ = cmd.Wait()
		exitAt = time.Now()
		close(exited)
	}()
	defer func() {
		select {
		case <-exited:
		case <-time.After(startTimeout):
			_ = cmd.Process.Kill()
			<-exited
			if r.Error == "" {
				r.Error = "did not exit within 10 s; killed"
			}
		}
		r.ExitMs = float64(exitAt.Sub(t0).Microseconds()) / 1000
		if ps := cmd.ProcessState; ps != nil {
			r.CPUMs = float64((ps.UserTime() + ps.SystemTime()).Microseconds()) / 1000
			if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
				r.MaxRSSKiB = ru.Maxrss
			}
		}
		if v.Grep != "" {
			errOut.mu.Lock()
			for _, l := range strings.Split(stderr.String(), "\n") {
				if strings.Contains(l, v.Grep) {
					r.Stderr = append(r.Stderr, l)
				}
			}
			errOut.mu.Unlock()
		}
	}()

	lineCh := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		l, _ := br.ReadString('\n')
		lineCh <- l
		_, _ = io.Copy(io.Discard, br)
	}()
	var line string
	select {
	case line = <-lineCh:
	case <-time.After(startTimeout):
		r.Error = fmt.Sprintf("no handshake line within %s", startTimeout)
		_ = cmd.Process.Kill()
		return r
	}
	r.LineMs = msSince(t0)
	if !strings.HasSuffix(line, "\n") {
		r.Error = fmt.Sprintf("stdout ended before a whole handshake line: %q", line)
		return r
	}
	if v.Mode == "line" {
		return r
	}
	parts := strings.Split(strings.TrimSpace(line), "|")
	if len(parts) < 5 || parts[0] != "1" || parts[1] != "1" || parts[4] != "grpc" {
		r.Error = fmt.Sprintf("not a go-plugin gRPC handshake: %q", line)
		_ = cmd.Process.Kill()
		return r
	}
	network, addr := parts[2], parts[3]
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	// As go-plugin's dialGRPCConn: a custom dialer, fail on non-temporary dial errors, no TLS.
	conn, err := grpc.Dial("unused",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}),
		grpc.FailOnNonTempDialError(true),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		r.Error = "dial: " + err.Error()
		_ = cmd.Process.Kill()
		return r
	}
	defer conn.Close()
	// go-plugin opens the broker stream and the stdio stream before anything else.
	broker, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true},
		"/plugin.GRPCBroker/StartStream")
	if err == nil {
		go func() {
			for broker.RecvMsg(&emptypb.Empty{}) == nil {
			}
		}()
	}
	stdio, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true},
		"/plugin.GRPCStdio/StreamStdio")
	if err != nil {
		r.Error = "StreamStdio: " + err.Error()
		_ = cmd.Process.Kill()
		return r
	}
	_ = stdio.SendMsg(&emptypb.Empty{})
	_ = stdio.CloseSend()
	go func() {
		for stdio.RecvMsg(&emptypb.Empty{}) == nil {
		}
	}()
	call := func(method string, in, out interface{}) error {
		return conn.Invoke(ctx, method, in, out)
	}
	if err := call("/hashicorp.waypoint.sdk.Builder/IsAuthenticator", &emptypb.Empty{},
		&pb.ImplementsResp{}); err != nil {
		r.Error = "IsAuthenticator: " + err.Error()
	} else {
		r.FirstRPCMs = msSince(t0)
	}
	if v.Mode == "probe" && r.Error == "" {
		r.Error = startDispense(call, v.Configure, func() { r.ConfigMs = msSince(t0) })
		if r.Error == "" {
			r.ProbedMs = msSince(t0)
		}
	}
	tk := time.Now()
	// go-plugin's Kill ignores Shutdown's result: a server that exits while answering may
	// reset the stream or drop the connection.
	_ = call("/plugin.GRPCController/Shutdown", &emptypb.Empty{}, &emptypb.Empty{})
	if broker != nil {
		_ = broker.CloseSend()
	}
	select {
	case <-exited:
		r.KillMs = float64(exitAt.Sub(tk).Microseconds()) / 1000
	case <-time.After(startTimeout):
	}
	return r
}

// startDispense makes the rest of a builder process's dispense-time calls, as
// the SDK client and Waypoint's component loader make them, with no pause.
func startDispense(call func(string, interface{}, interface{}) error, configure string, configured func()) string {
	if err := call("/hashicorp.waypoint.sdk.Mapper/ListMappers", &emptypb.Empty{},
		&pb.Map_ListResponse{}); err != nil {
		return "ListMappers: " + err.Error()
	}
	if err := call("/hashicorp.waypoint.sdk.Builder/ConfigStruct", &emptypb.Empty{},
		&pb.Config_StructResp{}); err != nil {
		return "ConfigStruct: " + err.Error()
	}
	if err := call("/hashicorp.waypoint.sdk.Builder/Configure",
		&pb.Config_ConfigureRequest{Json: []byte(configure)}, &emptypb.Empty{}); err != nil {
		return "Configure: " + err.Error()
	}
	configured()
	if err := call("/hashicorp.waypoint.sdk.Builder/BuildSpec", &emptypb.Empty{},
		&pb.FuncSpec{}); err != nil {
		return "BuildSpec: " + err.Error()
	}
	return ""
}
