package main

// Checks of what wphost reproduces for the Go SDK parity tests
// (tests/go_parity_test.ts): deployenv calls the SDK's Env(), template data
// reaches the next stage's config, and last_report is passed as core passes
// it (which the SDK's own converter cannot handle).

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestDeployEnvIsTheSDKsEnv(t *testing.T) {
	dir := t.TempDir()
	cases := `[{"id":"d1","serverAddr":"a:1","serverTls":true,"entrypointInviteToken":"t"},{"id":"d2"}]`
	if err := os.WriteFile(filepath.Join(dir, "cases.json"), []byte(cases), 0o644); err != nil {
		t.Fatal(err)
	}
	_, code, rep := run(t, dir, "deployenv", "-cases", "cases.json")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d: %v", code, get(rep, "error"))
	}
	want := []interface{}{
		map[string]interface{}{"WAYPOINT_DEPLOYMENT_ID": "d1", "WAYPOINT_SERVER_ADDR": "a:1",
			"WAYPOINT_SERVER_TLS": "1", "WAYPOINT_CEB_INVITE_TOKEN": "t"},
		map[string]interface{}{"WAYPOINT_DEPLOYMENT_ID": "d2", "WAYPOINT_SERVER_DISABLE": "1"},
	}
	if got := get(rep, "envs"); !reflect.DeepEqual(got, want) {
		t.Errorf("envs = %#v", got)
	}
}

func TestTemplateDataOfTheRegistryIsTheDeployVariables(t *testing.T) {
	// goplatform's PushedFile has no TemplateData(): its fields are published.
	dir := app(t, fullHCL)
	_, code, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform,
		"-steps", "build,push,deploy")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	path := get(rep, "steps", "push", "result", "templateData", "path")
	// The deployment's label is `artifact.path`.
	eq(t, rep, path, "steps", "deploy", "result", "fields", "4")
}

func TestLastReportCrashesTheSDKsConverter(t *testing.T) {
	hcl := strings.Replace(fullHCL, "      label     = artifact.path\n",
		"      status_takes_last_report = true\n", 1)
	for _, last := range []string{"", "READY"} {
		dir := app(t, hcl)
		args := []string{"lifecycle", "-config", "waypoint.hcl",
			"-plugin", "gobuilder=" + bins.builder, "-plugin", "gofiles=" + bins.platform,
			"-steps", "build,push,deploy,status"}
		if last != "" {
			args = append(args, "-last-report", last)
		}
		_, code, rep := run(t, dir, args...)
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
		eq(t, rep, "status", "stage")
		p, _ := get(rep, "panic").(string)
		if !strings.Contains(p, "funcspec.anyConvGen") {
			b, _ := json.Marshal(rep)
			t.Errorf("last report %q: no anyConvGen panic in %s", last, b)
		}
	}
}
