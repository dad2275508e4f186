//go:build !windows

package main

// End-to-end checks of `wphost auth`, AutoMTLS (-automtls, kill
// -bad-client-cert), reattach (-reattach with goplugin -debug), rpcbench and
// uibench against the Go reference builder.

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const builderHCL = `project = "p"
app "web" {
  build {
    use "gobuilder" {
      output_name = "app"
    }
  }
}
`

func TestAuthAuthenticatorBuilder(t *testing.T) {
	dir := app(t, builderHCL)
	args := []string{"auth", "-plugin", bins.builder, "-plugin-arg", "-auth", "-config", "waypoint.hcl"}

	// First run: not logged in, so validation fails; auth logs in and the
	// repeated validation passes.
	out, code, rep := run(t, dir, args...)
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	if !strings.Contains(out, "Logging in app web (job 01WPHOSTCONFORMANCEJOB00)") {
		t.Errorf("stdout = %q", out)
	}
	eq(t, rep, true, "implements")
	eq(t, rep, true, "isAuthenticator")
	eq(t, rep, true, "configured")
	eq(t, rep, false, "validate", "ok")
	eq(t, rep, "Unauthenticated", "validate", "code")
	eq(t, rep, true, "auth", "ok")
	eq(t, rep, true, "auth", "authenticated")
	eq(t, rep, true, "revalidate", "ok")
	eq(t, rep, true, "waypointCallsAuth")
	eq(t, rep, map[string]interface{}{
		"authSupported": true, "checkResult": true, "checkError": "",
		"authCompleted": true, "authError": "",
	}, "result")
	got := rpcs(rep, "auth")
	want := []string{
		"Builder/IsAuthenticator", "Mapper/ListMappers", "Builder/ConfigStruct", "Builder/Configure",
		"Builder/ValidateAuthSpec", "Builder/ValidateAuth !Unauthenticated",
		"Builder/AuthSpec", "Builder/Auth",
		"Builder/ValidateAuthSpec", "Builder/ValidateAuth",
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("auth rpcs = %q, want %q", got, want)
	}

	// Second run, Waypoint's flow: validation passes, so no auth call.
	_, _, rep = run(t, dir, append(args, "-auth-mode", "needed")...)
	eq(t, rep, true, "validate", "ok")
	eq(t, rep, nil, "auth")
	eq(t, rep, false, "waypointCallsAuth")
	eq(t, rep, true, "result", "checkResult")
}

func TestAuthNonAuthenticatorWithoutConfig(t *testing.T) {
	dir := app(t, builderHCL)
	_, code, rep := run(t, dir, "auth", "-plugin", bins.builder)
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	// The SDK client always has the Authenticator methods; with
	// IsAuthenticator false they are local no-ops.
	eq(t, rep, true, "implements")
	eq(t, rep, false, "isAuthenticator")
	eq(t, rep, false, "configured")
	eq(t, rep, true, "validate", "ok")
	eq(t, rep, true, "auth", "ok")
	eq(t, rep, false, "auth", "authenticated")
	eq(t, rep, true, "auth", "resultNil")
	eq(t, rep, true, "result", "checkResult")
	// No configure (Waypoint's auth job creates components unconfigured)
	// and no auth RPC at all.
	if got := rpcs(rep, "auth"); strings.Join(got, ",") != "Builder/IsAuthenticator,Mapper/ListMappers" {
		t.Errorf("auth rpcs = %q", got)
	}
}

func TestAutoMTLSKillRefusesForeignClients(t *testing.T) {
	dir := app(t, builderHCL)
	_, code, rep := run(t, dir, "kill", "-plugin", bins.builder, "-automtls", "-bad-client-cert")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	p := get(rep, "processes", 0)
	eq(t, rep, true, "processes", 0, "tls")
	eq(t, rep, true, "processes", 0, "exited")
	eq(t, rep, true, "processes", 0, "mtls", "serverCertInHandshake")
	eq(t, rep, "localhost", "processes", 0, "mtls", "serverName")
	eq(t, rep, "CERTIFICATE", "processes", 0, "mtls", "clientCertEnv", "pemType")
	eq(t, rep, 1, "processes", 0, "mtls", "clientCertEnv", "pemBlocks")
	eq(t, rep, true, "processes", 0, "mtls", "clientCertEnv", "endsWithNewline")
	eq(t, rep, "TLS 1.3", "processes", 0, "mtls", "connection", "version")
	eq(t, rep, "h2", "processes", 0, "mtls", "connection", "alpn")
	eq(t, rep, true, "processes", 0, "mtls", "connection", "verified")
	certs := map[string]interface{}{
		"clientCert": get(p, "mtls", "clientCert"),
		"serverCert": get(p, "mtls", "connection", "serverCert"),
	}
	for which, c := range certs {
		for k, want := range map[string]interface{}{
			"subjectCN": "localhost", "organization": []interface{}{"HashiCorp"},
			"dnsNames": []interface{}{"localhost"}, "keyAlgorithm": "ECDSA", "curve": "P-521",
			"isCA": true, "selfSigned": true,
			"keyUsage":    []interface{}{"DigitalSignature", "KeyEncipherment", "KeyAgreement", "CertSign"},
			"extKeyUsage": []interface{}{"ClientAuth", "ServerAuth"},
		} {
			if g := get(c, k); !jsonEq(g, want) {
				t.Errorf("%s.%s = %#v, want %#v", which, k, g, want)
			}
		}
		if h := get(c, "validityHours").(float64); h < 262980 || h > 262980.01 {
			t.Errorf("%s validityHours = %v", which, h)
		}
		if a := get(c, "notBeforeAgeS").(float64); a < 29 || a > 120 {
			t.Errorf("%s notBeforeAgeS = %v", which, a)
		}
	}

	eq(t, rep, true, "foreignClientRefused")
	eq(t, rep, true, "mtlsChecks", "foreignCert", "refused")
	eq(t, rep, true, "mtlsChecks", "noCert", "refused")
	eq(t, rep, true, "mtlsChecks", "plaintext", "refused")
	eq(t, rep, false, "mtlsChecks", "hostCert", "refused")
	// The host's broker TLS config (v1.4.3): a plugin must trust the client
	// cert as CA and verify "localhost"; go-plugin v1.4.3's own dial fails.
	eq(t, rep, true, "mtlsChecks", "hostBroker", "goPlugin143", "refused")
	eq(t, rep, false, "mtlsChecks", "hostBroker", "trustClientCert", "refused")
	eq(t, rep, false, "mtlsChecks", "hostBroker", "trustClientCertNoClientCert", "refused")
}

func TestAutoMTLSBuildFailsOnTheUIBroker(t *testing.T) {
	dir := app(t, builderHCL)
	_, code, rep := run(t, dir, "probe", "-plugin", bins.builder, "-automtls")
	if code != 0 || get(rep, "ok") != true || get(rep, "ping") != "" {
		t.Fatalf("probe: exit %d, report %v %v ping %v", code, get(rep, "stage"), get(rep, "error"), get(rep, "ping"))
	}
	eq(t, rep, true, "process", "tls")

	// A v1.4.3 Go plugin dials the host's TerminalUI broker listener with
	// its server TLS config: no RootCAs and the gRPC authority "unused" as
	// server name, so the handshake fails and Build returns that error.
	_, code, rep = run(t, dir, "build", "-plugin", bins.builder, "-config", "waypoint.hcl", "-automtls", "-push=false")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	eq(t, rep, false, "ok")
	eq(t, rep, "build", "stage")
	if e, _ := get(rep, "error").(string); !strings.Contains(e, "Unavailable") || !strings.Contains(e, "x509: certificate is valid for localhost, not unused") {
		t.Errorf("error = %q", e)
	}
	eq(t, rep, true, "processes", 1, "tls")
	eq(t, rep, true, "processes", 1, "exited")
}

// debugPlugin starts goplugin -debug NAME in dir and returns the
// shell-quoted WP_REATTACH_PLUGINS value it printed. A reattached plugin
// keeps its own working directory (the builder's relative source "./" is
// resolved there), so it must start in the app directory.
func debugPlugin(t *testing.T, dir, name string) (env string, cmd *exec.Cmd) {
	t.Helper()
	cmd = exec.Command(bins.builder, "-debug", name)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "WP_REATTACH_PLUGINS="); ok {
				found <- v
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case env = <-found:
	case <-time.After(10 * time.Second):
		t.Fatal("goplugin -debug printed no WP_REATTACH_PLUGINS line")
	}
	if !strings.HasPrefix(env, "'") {
		t.Fatalf("expected the quoted shell form, got %s", env)
	}
	return env, cmd
}

func TestReattachDebugPlugin(t *testing.T) {
	dir := app(t, builderHCL)
	env, cmd := debugPlugin(t, dir, "gobuilder")
	// The single quotes of the printed shell line stay: Waypoint strips them.
	t.Setenv("WP_REATTACH_PLUGINS", env)

	_, code, rep := run(t, dir, "build", "-reattach", "gobuilder", "-config", "waypoint.hcl")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	for i, role := range []string{"mapper", "builder", "push"} {
		eq(t, rep, role, "processes", i, "role")
		eq(t, rep, cmd.Process.Pid, "processes", i, "pid")
		eq(t, rep, true, "processes", i, "reattached")
		eq(t, rep, true, "processes", i, "aliveAfterKill")
		eq(t, rep, false, "processes", i, "exited")
	}
	eq(t, rep, "type.googleapis.com/gobuild.v1.Binary", "result", "typeUrl")

	_, _, rep = run(t, dir, "kill", "-reattach", "gobuilder")
	eq(t, rep, true, "ok")
	eq(t, rep, true, "processes", 0, "aliveAfterKill")
	// Kill does not wait on a reattached process: a few microseconds, never the 2 s grace.
	if ms, _ := get(rep, "processes", 0, "killMs").(float64); ms >= 100 {
		t.Errorf("Kill of a reattached plugin took %v ms; it should not wait for it", ms)
	}

	// go-plugin v1.4.3 serves one broker per process: the first client
	// connection that closes (the build's wphost exited) closes it for
	// good, so a later build's TerminalUI dial times out after 5 s.
	_, _, rep = run(t, dir, "build", "-reattach", "gobuilder", "-config", "waypoint.hcl", "-push=false")
	eq(t, rep, false, "ok")
	eq(t, rep, "build", "stage")
	eq(t, rep, "rpc error: code = Unknown desc = timeout waiting for connection info", "error")

	if err := syscall.Kill(cmd.Process.Pid, 0); err != nil {
		t.Errorf("debug plugin gone after the host runs: %v", err)
	}
}

func TestReattachUnreachableAddressKillsNothing(t *testing.T) {
	dir := app(t, builderHCL)
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { sleeper.Process.Kill(); sleeper.Wait() }()
	t.Setenv("WP_REATTACH_PLUGINS", `{"gone":{"Protocol":"grpc","ProtocolVersion":1,"Pid":`+
		strconv.Itoa(sleeper.Process.Pid)+`,"Test":true,"Addr":{"Network":"unix","String":"`+filepath.Join(dir, "nope.sock")+`"}}}`)
	_, code, rep := run(t, dir, "probe", "-reattach", "gone")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	eq(t, rep, "spawn", "stage")
	if e, _ := get(rep, "error").(string); !strings.Contains(e, "go-plugin would now SIGKILL pid") {
		t.Errorf("error = %q", e)
	}
	if err := sleeper.Process.Signal(syscall.Signal(0)); err != nil {
		t.Errorf("the pid named in WP_REATTACH_PLUGINS was killed: %v", err)
	}
}

func TestRPCBench(t *testing.T) {
	dir := app(t, builderHCL)
	for _, c := range []string{"1", "4"} {
		_, code, rep := run(t, dir, "rpcbench", "-plugin", bins.builder, "-n", "50", "-concurrency", c)
		if code != 0 || get(rep, "ok") != true {
			t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
		}
		eq(t, rep, "Builder/BuildSpec", "rpc")
		eq(t, rep, 0, "errors")
		lat := get(rep, "latencyUs")
		for _, k := range []string{"p50", "p90", "p99", "max", "mean"} {
			if v, _ := get(lat, k).(float64); v <= 0 {
				t.Errorf("concurrency %s: latencyUs.%s = %v", c, k, get(lat, k))
			}
		}
		if get(lat, "p50").(float64) > get(lat, "p99").(float64) || get(lat, "p99").(float64) > get(lat, "max").(float64) {
			t.Errorf("percentiles out of order: %v", lat)
		}
		if v, _ := get(rep, "callsPerSec").(float64); v <= 0 {
			t.Errorf("callsPerSec = %v", get(rep, "callsPerSec"))
		}
		eq(t, rep, true, "process", "exited")
	}
}

func TestUIBench(t *testing.T) {
	dir := app(t, strings.Replace(builderHCL, `output_name = "app"`, "output_name = \"app\"\n      lines = 300", 1))
	_, code, rep := run(t, dir, "uibench", "-plugin", bins.builder, "-config", "waypoint.hcl", "-lines", "300")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	eq(t, rep, 300, "lines")
	eq(t, rep, 300, "received", "lines")
	eq(t, rep, true, "complete")
	eq(t, rep, "line 1 of 300", "firstLine")
	eq(t, rep, "line 300 of 300", "lastLine")
	// The plugin's status update and step, the host's own step group.
	eq(t, rep, 1, "received", "statusUpdates")
	eq(t, rep, 1, "received", "statusSteps")
	eq(t, rep, 1, "received", "stepGroups")
	if f, l := get(rep, "firstLineMs").(float64), get(rep, "lastLineMs").(float64); f <= 0 || l < f {
		t.Errorf("firstLineMs %v lastLineMs %v", f, l)
	}
	if v, _ := get(rep, "linesPerSec").(float64); v <= 0 {
		t.Errorf("linesPerSec = %v", get(rep, "linesPerSec"))
	}
	// push=false: the mapper probe and the builder.
	if n := len(get(rep, "build", "processes").([]interface{})); n != 2 {
		t.Errorf("build processes = %d, want 2", n)
	}
}

func jsonEq(a, b interface{}) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func TestReattachLifecycle(t *testing.T) {
	dir := app(t, `project = "p"
app "web" {
  build {
    use "gobuilder" {
      output_name = "app"
    }
    registry {
      use "gofiles" {
        directory = "registry"
      }
    }
  }
}
`)
	env, cmd := debugPlugin(t, dir, "gobuilder")
	t.Setenv("WP_REATTACH_PLUGINS", env)
	_, code, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl", "-reattach", "gobuilder",
		"-plugin", "gofiles="+bins.platform, "-steps", "build,push")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	eq(t, rep, "reattach:gobuilder", "plugins", "gobuilder")
	n := 0
	for _, p := range get(rep, "processes").([]interface{}) {
		if get(p, "reattached") != true {
			eq(t, p.(map[string]interface{}), true, "exited")
			continue
		}
		n++
		eq(t, p.(map[string]interface{}), float64(cmd.Process.Pid), "pid")
		eq(t, p.(map[string]interface{}), true, "aliveAfterKill")
		// Kill returned before closing anything: no Shutdown call.
		for _, r := range get(p, "rpcs").([]interface{}) {
			if strings.Contains(r.(string), "Shutdown") {
				t.Errorf("%v: reattached process got %v", get(p, "role"), r)
			}
		}
	}
	if n != 3 { // mapper.gobuilder, build.builder, push.builder
		t.Errorf("%d reattached processes, want 3", n)
	}
}

func TestAutoMTLSPluginIgnoringTheClientCert(t *testing.T) {
	dir := app(t, builderHCL)
	wrapper := filepath.Join(dir, "nocert.sh")
	script := "#!/bin/sh\nexec env -u PLUGIN_CLIENT_CERT " + bins.builder + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	_, code, rep := run(t, dir, "kill", "-plugin", wrapper, "-automtls")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	eq(t, rep, "dispense", "stage")
	if e, _ := get(rep, "error").(string); !strings.Contains(e, "first record does not look like a TLS handshake") {
		t.Errorf("error = %q", e)
	}
	eq(t, rep, true, "processes", 0, "tls")
	eq(t, rep, false, "processes", 0, "mtls", "serverCertInHandshake")
	eq(t, rep, nil, "processes", 0, "mtls", "connection")
	eq(t, rep, true, "processes", 0, "exited")
	eq(t, rep, true, "processes", 0, "forced")
}
