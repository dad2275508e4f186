package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/waypoint-plugin-sdk/internal-shared/pluginclient"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

// host is the per-invocation state shared by all scenarios: which plugin to
// launch and where logs go.
type host struct {
	plugin     string
	pluginArgs []string
	out        io.Writer
	level      hclog.Level
	jsonFormat bool
	logFile    *os.File
	// recordRPCs adds client interceptors that list each process's calls
	// in its ProcessReport. They only observe.
	recordRPCs bool
	// reattach maps a pseudo executable path (reattachPath(NAME)) to the
	// WP_REATTACH_PLUGINS entry for NAME: spawning it connects to that
	// running process instead of starting one.
	reattach map[string]*plugin.ReattachConfig
	// autoMTLS turns on go-plugin's AutoMTLS for spawned processes
	// (Waypoint leaves it off).
	autoMTLS bool
	// closeReattached: killing a reattached process closes its connection,
	// as a Waypoint CLI exiting does (builds: one host, many builds).
	closeReattached bool
}

func newHost(c *common) (*host, error) {
	h := &host{plugin: c.plugin, pluginArgs: c.pluginArgs}
	if c.logFile != "" {
		f, err := os.Create(c.logFile)
		if err != nil {
			return nil, err
		}
		h.logFile = f
		h.out, h.level, h.jsonFormat = &lockedWriter{w: f}, hclog.Trace, true
	} else {
		h.out, h.level = &lockedWriter{w: os.Stderr}, hclog.Warn
	}
	return h, nil
}

func (h *host) close() {
	if h.logFile != nil {
		h.logFile.Close()
	}
}

// logger returns an independent hclog root. Each plugin client gets its own
// so that a forced kill can be attributed to the right process; they share
// one locked writer so lines never interleave.
func (h *host) logger(name string) hclog.Logger {
	return hclog.New(&hclog.LoggerOptions{
		Name:       name,
		Level:      h.level,
		JSONFormat: h.jsonFormat,
		Output:     h.out,
	})
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// forcedKillMsg is what go-plugin's Client.Kill logs, on the client's own
// logger, right before it SIGKILLs a plugin that did not exit within 2s of
// Shutdown (or whose connection could not be closed cleanly).
const forcedKillMsg = "plugin failed to exit gracefully"

// watchLogger notices forcedKillMsg. Only the logger handed to go-plugin is
// wrapped: Named/With return the inner logger, so the plugin's own stderr
// lines (re-logged through a Named child) can never trigger it.
type watchLogger struct {
	hclog.Logger
	forced atomic.Bool
}

func (w *watchLogger) Warn(msg string, args ...interface{}) {
	if msg == forcedKillMsg {
		w.forced.Store(true)
	}
	w.Logger.Warn(msg, args...)
}

// proc is one launched plugin process.
type proc struct {
	rep    *ProcessReport
	client *plugin.Client
	rpc    plugin.ClientProtocol
	wl     *watchLogger
	killed bool
	// closeConnOnKill: see host.closeReattached.
	closeConnOnKill bool
	rpcMu           sync.Mutex
	// tlsConfig is the client TLS config go-plugin built for AutoMTLS (nil
	// otherwise); go-plugin's broker uses the same pointer.
	tlsConfig *tls.Config
	// peer is the TLS state of the first successful unary call (AutoMTLS).
	peerMu sync.Mutex
	peer   *credentials.TLSInfo
}

// rpcRecorder returns dial options whose interceptors append each call to
// rep.RPCs when it starts, and mark it when it fails.
func (p *proc) rpcRecorder() []grpc.DialOption {
	start := func(method string) int {
		p.rpcMu.Lock()
		defer p.rpcMu.Unlock()
		p.rep.RPCs = append(p.rep.RPCs, strings.TrimPrefix(strings.TrimPrefix(method, "/"), "hashicorp.waypoint.sdk."))
		return len(p.rep.RPCs) - 1
	}
	fail := func(i int, err error) {
		if err == nil {
			return
		}
		p.rpcMu.Lock()
		defer p.rpcMu.Unlock()
		p.rep.RPCs[i] += " !" + status.Code(err).String()
	}
	unary := func(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		i := start(method)
		err := invoker(ctx, method, req, reply, cc, opts...)
		fail(i, err)
		return err
	}
	stream := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		i := start(method)
		s, err := streamer(ctx, desc, cc, method, opts...)
		fail(i, err)
		return s, err
	}
	return []grpc.DialOption{grpc.WithChainUnaryInterceptor(unary), grpc.WithChainStreamInterceptor(stream)}
}

// spawn launches the plugin the way Waypoint's plugin.Factory does: the
// SDK's client config (handshake cookie, plugin set, gRPC only, AutoMTLS off
// unless -automtls), a bare exec.Cmd, then Client() to run the handshake and
// connect. On error the returned proc is still non-nil so the caller can
// Kill it, as Waypoint does.
func (h *host) spawn(role string, log hclog.Logger) (*proc, error) {
	return h.spawnExe(role, h.plugin, h.pluginArgs, log)
}

// spawnExe is spawn for an explicit executable: the lifecycle maps each
// `use` name to its own plugin. A path registered in h.reattach connects to
// an already running process the way Waypoint's ReattachPluginFactory does:
// the same client config with Reattach set instead of Cmd, and the plugin set
// of the declared protocol version as Plugins.
func (h *host) spawnExe(role, path string, args []string, log hclog.Logger) (*proc, error) {
	wl := &watchLogger{Logger: log}
	cfg := pluginclient.ClientConfig(wl, false)
	cfg.Logger = wl

	p := &proc{rep: &ProcessReport{Role: role}, wl: wl, closeConnOnKill: h.closeReattached}
	var cmd *exec.Cmd
	var setupErr error
	rc, reattached := h.reattach[path]
	if reattached {
		p.rep.Reattached, p.rep.ReattachTest = true, rc.Test
		p.rep.Pid, p.rep.Network, p.rep.Address = rc.Pid, rc.Addr.Network(), rc.Addr.String()
		cfg.Reattach = rc
		if ps, ok := cfg.VersionedPlugins[rc.ProtocolVersion]; ok {
			cfg.Plugins = ps
		} else {
			setupErr = fmt.Errorf("no plugins found for requested protocol version number %d", rc.ProtocolVersion)
		}
		// go-plugin's reattach SIGKILLs the recorded pid when it cannot
		// connect (whatever Test says). With a stale WP_REATTACH_PLUGINS
		// that pid may be anyone's, so wphost checks the address first and
		// does not hand an unreachable one to go-plugin.
		if setupErr == nil {
			if c, err := net.DialTimeout(rc.Addr.Network(), rc.Addr.String(), 5*time.Second); err != nil {
				setupErr = fmt.Errorf("reattach: cannot connect to %s %s: %w (go-plugin would now SIGKILL pid %d; wphost did not)",
					rc.Addr.Network(), rc.Addr.String(), err, rc.Pid)
			} else {
				c.Close()
			}
		}
	} else {
		cmd = exec.Command(path, args...)
		cfg.Cmd = cmd
		cfg.AutoMTLS = h.autoMTLS
	}
	if h.recordRPCs {
		cfg.GRPCDialOptions = append(cfg.GRPCDialOptions, p.rpcRecorder()...)
	}
	if reattached && h.closeReattached {
		cfg.GRPCDialOptions = append(cfg.GRPCDialOptions, grpc.WithChainUnaryInterceptor(keepAlive))
	}
	if h.autoMTLS {
		cfg.GRPCDialOptions = append(cfg.GRPCDialOptions, grpc.WithChainUnaryInterceptor(p.peerRecorder))
	}
	start := time.Now()
	p.client = plugin.NewClient(cfg)
	if setupErr != nil {
		return p, setupErr
	}
	rpc, err := p.client.Client()
	p.rep.SpawnToClientMs = ms(time.Since(start))

	if cmd != nil && cmd.Process != nil {
		p.rep.Pid = cmd.Process.Pid
	}
	if rc := p.client.ReattachConfig(); rc != nil && rc.Addr != nil {
		p.rep.Pid = rc.Pid
		p.rep.Network = rc.Addr.Network()
		p.rep.Address = rc.Addr.String()
	}
	// go-plugin fills cfg.TLSConfig during Start when AutoMTLS is on (the
	// client cert; RootCAs once the handshake line carried a server cert)
	// and dials with TLS exactly when it is non-nil.
	p.tlsConfig = cfg.TLSConfig
	p.rep.TLS = cfg.TLSConfig != nil
	if h.autoMTLS && !reattached {
		p.rep.MTLS = newMTLSReport(cmd, cfg.TLSConfig)
	}
	if err != nil {
		return p, err
	}
	p.rpc = rpc
	return p, nil
}

// peerRecorder keeps the TLS state of the first unary call that succeeds:
// the certificate the plugin actually presented on the main connection.
func (p *proc) peerRecorder(ctx context.Context, method string, req, reply interface{}, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	var pr peer.Peer
	err := invoker(ctx, method, req, reply, cc, append(opts, grpc.Peer(&pr))...)
	if err == nil {
		if ti, ok := pr.AuthInfo.(credentials.TLSInfo); ok {
			p.peerMu.Lock()
			if p.peer == nil {
				p.peer = &ti
			}
			p.peerMu.Unlock()
		}
	}
	return err
}

// kill stops the process with go-plugin's Kill (broker close, Shutdown RPC,
// up to 2s grace, then SIGKILL) and records how that went.
func (p *proc) kill() {
	if p.killed {
		return
	}
	p.killed = true

	if p.rep.MTLS != nil {
		p.peerMu.Lock()
		if p.peer != nil {
			p.rep.MTLS.Connection = tlsConnInfo(p.peer)
		}
		p.peerMu.Unlock()
	}

	start := time.Now()
	p.client.Kill()
	p.rep.KillMs = ms(time.Since(start))
	p.rep.Forced = p.wl.forced.Load() || p.rep.KillMs >= 2000
	if p.rep.Reattached {
		// With Test=true go-plugin recorded no process, so Kill returned at
		// once without even closing the connection. Either way the process
		// and its socket belong to whoever started it: no socket check.
		if p.closeConnOnKill {
			p.closeConn()
		}
		alive := p.rep.Pid > 0 && !processGone(p.rep.Pid)
		p.rep.AliveAfterKill = &alive
		p.rep.Exited = !alive
		return
	}
	// Pid 0: the command never started, so nothing can be left running.
	p.rep.Exited = p.rep.Pid == 0 || (p.client.Exited() && processGone(p.rep.Pid))

	if p.rep.Network == "unix" && p.rep.Address != "" {
		_, err := os.Stat(p.rep.Address)
		removed := os.IsNotExist(err)
		p.rep.SocketRemovedAfterKill = &removed
		if !removed {
			// Recorded above; tidy up so repeated test runs do not
			// accumulate stale sockets in $TMPDIR.
			os.Remove(p.rep.Address)
		}
	}
}

// dispense is the rest of Waypoint's componentCreator.create before the
// configuration: dispense typ (the SDK client runs its capability probes),
// then list the plugin's mappers.
func (p *proc) dispense(typ string) (interface{}, error) {
	raw, err := p.rpc.Dispense(typ)
	if err != nil {
		return nil, err
	}
	if _, err := pluginclient.Mappers(p.client); err != nil {
		return nil, err
	}
	return raw, nil
}

// session tracks the processes of one scenario so that every exit path,
// including failures and panics, kills whatever is still running. Each
// spawn is recorded in processes and spawnMs, which point into the
// scenario's report.
type session struct {
	h         *host
	processes *[]*ProcessReport
	spawnMs   *[]float64
	live      []*proc
}

func (h *host) newSession(processes *[]*ProcessReport, spawnMs *[]float64) *session {
	return &session{h: h, processes: processes, spawnMs: spawnMs}
}

func (s *session) spawn(role string, log hclog.Logger) (*proc, error) {
	return s.spawnExe(role, s.h.plugin, s.h.pluginArgs, log)
}

func (s *session) spawnExe(role, path string, args []string, log hclog.Logger) (*proc, error) {
	p, err := s.h.spawnExe(role, path, args, log)
	*s.processes = append(*s.processes, p.rep)
	*s.spawnMs = append(*s.spawnMs, p.rep.SpawnToClientMs)
	s.live = append(s.live, p)
	return p, err
}

func (s *session) kill(p *proc) {
	p.kill()
	for i, q := range s.live {
		if q == p {
			s.live = append(s.live[:i], s.live[i+1:]...)
			break
		}
	}
}

// killAll stops the remaining processes newest first, the order in which
// Waypoint's deferred Component.Close calls and App closers run.
func (s *session) killAll() {
	for len(s.live) > 0 {
		s.kill(s.live[len(s.live)-1])
	}
}
