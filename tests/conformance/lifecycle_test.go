package main

// End-to-end checks of `wphost lifecycle` and `wphost task` against the Go
// reference plugins (goplugin: builder; goplatform: registry, platform,
// release manager, task launcher). They build the three binaries, then run
// wphost as a subprocess in a throwaway app directory.

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var bins struct{ host, builder, platform string }

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wphost-test-")
	if err != nil {
		panic(err)
	}
	bins.host = filepath.Join(dir, "wphost")
	bins.builder = filepath.Join(dir, "waypoint-plugin-gobuilder")
	bins.platform = filepath.Join(dir, "waypoint-plugin-gofiles")
	for out, pkg := range map[string]string{bins.host: ".", bins.builder: "./goplugin", bins.platform: "./goplatform"} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			panic(string(b))
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const helloMain = "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"Hello Waypoint\") }\n"

// app writes a Go hello app and waypoint.hcl into a fresh directory.
func app(t *testing.T, hcl string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"main.go":      helloMain,
		"go.mod":       "module hello\n\ngo 1.22\n",
		"waypoint.hcl": hcl,
		"task.hcl":     "state_dir = \"tasks\"\npoll_ms = 10\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// run runs wphost in dir and decodes its report.
func run(t *testing.T, dir string, args ...string) (stdout string, code int, rep map[string]interface{}) {
	t.Helper()
	report := filepath.Join(dir, "report.json")
	os.Remove(report)
	args = append(args, "-report", report, "-log", filepath.Join(dir, "host.log"))
	cmd := exec.Command(bins.host, args...)
	cmd.Dir = dir
	// Sockets (the host's, the plugin's, and a Go plugin's leftover
	// default-releaser broker socket) land in a directory the test removes.
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(report); err == nil {
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
	} else if code == 0 {
		t.Fatalf("no report; stderr:\n%s", errb.String())
	}
	return out.String(), code, rep
}

// get walks a decoded report: get(rep, "steps", "deploy", "url").
func get(v interface{}, path ...interface{}) interface{} {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]interface{})
			v = m[k]
		case int:
			s, _ := v.([]interface{})
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func eq(t *testing.T, rep map[string]interface{}, want interface{}, path ...interface{}) {
	t.Helper()
	got := get(rep, path...)
	if w, ok := want.(int); ok {
		want = float64(w)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%v = %#v, want %#v", path, got, want)
	}
}

// rpcs returns the SDK calls (go-plugin's own services left out) that the
// process with the given role received.
func rpcs(rep map[string]interface{}, role string) []string {
	out := []string{}
	for _, p := range get(rep, "processes").([]interface{}) {
		if get(p, "role") != role {
			continue
		}
		for _, r := range get(p, "rpcs").([]interface{}) {
			if s := r.(string); !strings.HasPrefix(s, "plugin.") {
				out = append(out, s)
			}
		}
	}
	return out
}

func checkProcesses(t *testing.T, rep map[string]interface{}, roles ...string) {
	t.Helper()
	var got []string
	for _, p := range get(rep, "processes").([]interface{}) {
		got = append(got, get(p, "role").(string))
		if get(p, "exited") != true || get(p, "forced") != false {
			t.Errorf("process %v: exited=%v forced=%v", get(p, "role"), get(p, "exited"), get(p, "forced"))
		}
	}
	if !reflect.DeepEqual(got, roles) {
		t.Errorf("process roles = %q, want %q", got, roles)
	}
}

var platformProbes = []string{
	"Platform/IsLogPlatform", "Platform/IsDestroyer", "Platform/IsWorkspaceDestroyer",
	"Platform/IsAuthenticator", "Platform/IsExecer", "Platform/IsGeneration", "Platform/IsStatus",
	"Mapper/ListMappers", "Platform/ConfigStruct", "Platform/Configure",
}

var releaserProbes = []string{
	"ReleaseManager/IsAuthenticator", "ReleaseManager/IsDestroyer",
	"ReleaseManager/IsWorkspaceDestroyer", "ReleaseManager/IsStatus",
	"Mapper/ListMappers", "ReleaseManager/ConfigStruct", "ReleaseManager/Configure",
}

func with(base []string, more ...string) []string {
	return append(append([]string{}, base...), more...)
}

const fullHCL = `project = "p"
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
  deploy {
    use "gofiles" {
      directory = "deployments"
      label     = artifact.path
    }
  }
  release {
    use "gofiles" {
      marker = "LIVE"
    }
  }
}
`

func TestLifecycleFullApp(t *testing.T) {
	dir := app(t, strings.Replace(fullHCL, "      label     = artifact.path\n", "", 1))
	out, code, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform,
		"-exec-arg", "cat; ls; echo oops >&2; exit 3", "-exec-input", "hi there\n")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	wantOut := strings.Join([]string{
		"-> Running build v1",
		"Building application",
		" +: Application built successfully",
		"-> Running push build v1",
		"Pushing " + dir + "/app",
		" +: Pushed to " + dir + "/registry/app",
		"-> Running deploy v1",
		"Deploying " + dir + "/registry/app",
		" +: Deployed " + dir + "/deployments/01DEPLOY/app",
		"-> Running release v1",
		"Released 01DEPLOY",
		"",
		"» Destroying releases for application 'web'...",
		"-> Running release destroy v1",
		"",
		"» Destroying deployments for application 'web'...",
		"-> Running deployment destroy v1",
		"Removed " + dir + "/deployments/01DEPLOY",
		"",
		"» Destroying shared deploy resources for application 'web'...",
		"Removed workspace directory " + dir + "/deployments",
		"",
	}, "\n")
	if out != wantOut {
		t.Errorf("stdout:\n%s\nwant:\n%s", out, wantOut)
	}

	eq(t, rep, map[string]interface{}{"gobuilder": 0.0, "gofiles": 1.0}, "mappers")
	eq(t, rep, true, "steps", "build", "hasRegistry")
	eq(t, rep, "type.googleapis.com/gofiles.v1.AccessInfo", "steps", "build", "accessInfo", "typeUrl")
	eq(t, rep, dir+"/app", "steps", "build", "result", "templateData", "location")
	eq(t, rep, "type.googleapis.com/gofiles.v1.PushedFile", "steps", "push", "result", "typeUrl")
	eq(t, rep, dir+"/registry/app", "steps", "push", "result", "fields", "1")
	eq(t, rep, []interface{}{"artifact", "labels"}, "steps", "push", "configVars")

	eq(t, rep, "type.googleapis.com/gofiles.v1.Deployment", "steps", "deploy", "result", "typeUrl")
	eq(t, rep, "file://"+dir+"/deployments/01DEPLOY", "steps", "deploy", "url")
	eq(t, rep, "deployed-file", "steps", "deploy", "declaredResources", 0, "name")
	eq(t, rep, "INSTANCE", "steps", "deploy", "declaredResources", 0, "categoryDisplayHint")
	eq(t, rep, true, "steps", "deploy", "hasExec")
	eq(t, rep, true, "steps", "deploy", "hasLogs")
	eq(t, rep, "web/default", "steps", "deploy", "generation", "id")
	eq(t, rep, []interface{}{"artifact", "entrypoint", "labels"}, "steps", "deploy", "configVars")

	eq(t, rep, "releasemanager", "steps", "release", "releaser")
	eq(t, rep, "file://"+dir+"/deployments/01DEPLOY/LIVE", "steps", "release", "url")
	eq(t, rep, "", "steps", "release", "result", "json")
	eq(t, rep, "release-marker", "steps", "release", "declaredResources", 0, "name")

	eq(t, rep, "READY", "steps", "status", "deployment", "health")
	eq(t, rep, true, "steps", "status", "deployment", "generatedTimeSet")
	eq(t, rep, "file://"+dir+"/deployments/01DEPLOY/app", "steps", "status", "deployment", "resources", 0, "platformUrl")
	eq(t, rep, "READY", "steps", "status", "release", "health")
	eq(t, rep, true, "steps", "status", "release", "external")

	eq(t, rep, 3, "steps", "exec", "exitCode")
	eq(t, rep, "hi there\nLIVE\napp\nenv\n", "steps", "exec", "stdout")
	eq(t, rep, "oops\n", "steps", "exec", "stderr")

	if n := len(get(rep, "steps", "logs", "events").([]interface{})); n != 3 {
		t.Errorf("logs events = %d, want 3", n)
	}
	eq(t, rep, "2024-05-01T10:00:01Z", "steps", "logs", "events", 0, "timestamp")
	eq(t, rep, "line 1 of app", "steps", "logs", "events", 0, "contents")
	eq(t, rep, "01DEPLOY", "steps", "logs", "events", 0, "partition")

	eq(t, rep, true, "steps", "destroy", "release", "called")
	eq(t, rep, "release-marker", "steps", "destroy", "release", "destroyedResources", 0, "name")
	eq(t, rep, true, "steps", "destroy", "deployment", "called")
	eq(t, rep, "deployed-file", "steps", "destroy", "deployment", "destroyedResources", 0, "name")
	eq(t, rep, false, "steps", "destroy", "releaseWorkspace", "called")
	eq(t, rep, true, "steps", "destroy", "deploymentWorkspace", "called")

	checkProcesses(t, rep,
		"mapper.gobuilder", "mapper.gofiles",
		"build.builder", "build.registry", "push.registry", "push.builder",
		"deploy.platform.init", "deploy.platform", "release.releasemanager",
		"status.platform", "status.releasemanager", "exec.platform", "logs.platform",
		"destroy.release.releasemanager", "destroy.platform",
		"destroy.release.workspace.releasemanager", "destroy.platform.workspace")

	for role, want := range map[string][]string{
		"mapper.gofiles": {"Mapper/ListMappers"},
		"build.registry": {"Registry/IsAuthenticator", "Mapper/ListMappers", "Registry/ConfigStruct",
			"Registry/Configure", "Registry/AccessSpec", "Registry/AccessSpec", "Registry/Access"},
		"push.registry": {"Registry/IsAuthenticator", "Mapper/ListMappers", "Registry/ConfigStruct",
			"Registry/Configure", "Registry/PushSpec", "Registry/Push"},
		"push.builder": {"Builder/IsAuthenticator", "Mapper/ListMappers", "Builder/ConfigStruct", "Builder/Configure"},
		"deploy.platform.init": with(platformProbes, "Platform/IsGeneration", "Platform/GenerationSpec",
			"Platform/IsGeneration", "Platform/GenerationSpec", "Platform/Generation"),
		"deploy.platform": with(platformProbes, "Platform/DeploySpec", "Platform/Deploy",
			"Platform/IsExecer", "Platform/ExecSpec", "Platform/LogsSpec"),
		"release.releasemanager": with(releaserProbes, "ReleaseManager/ReleaseSpec", "ReleaseManager/Release"),
		"status.platform": with(platformProbes, "Platform/IsStatus", "Platform/StatusSpec",
			"Platform/IsStatus", "Platform/StatusSpec", "Platform/Status"),
		"exec.platform": with(platformProbes, "Platform/IsExecer", "Platform/ExecSpec",
			"Platform/IsExecer", "Platform/ExecSpec", "Platform/Exec"),
		"logs.platform": with(platformProbes, "Platform/LogsSpec", "Platform/LogsSpec", "Platform/Logs"),
		"destroy.release.releasemanager": with(releaserProbes, "ReleaseManager/IsDestroyer",
			"ReleaseManager/DestroySpec", "ReleaseManager/IsDestroyer", "ReleaseManager/DestroySpec",
			"ReleaseManager/Destroy"),
		"destroy.platform.workspace": with(platformProbes, "Platform/IsWorkspaceDestroyer",
			"Platform/DestroyWorkspaceSpec", "Platform/IsWorkspaceDestroyer",
			"Platform/DestroyWorkspaceSpec", "Platform/DestroyWorkspace"),
	} {
		if got := rpcs(rep, role); !reflect.DeepEqual(got, want) {
			t.Errorf("%s rpcs:\n got %q\nwant %q", role, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "deployments")); !os.IsNotExist(err) {
		t.Errorf("deployments directory left behind: %v", err)
	}
}

func TestLifecycleDefaultReleaserAndMapper(t *testing.T) {
	dir := app(t, `app "web" {
  build {
    use "gobuilder" {}
  }
  deploy {
    use "gofiles" {
      directory = "deployments"
    }
  }
}
`)
	_, code, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform,
		"-steps", "build,push,deploy,release,status,exec,destroy",
		"-exec-arg", "echo hi", "-exec-tty")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	eq(t, rep, false, "steps", "push", "registry")
	eq(t, rep, "type.googleapis.com/gobuild.v1.Binary", "steps", "push", "result", "typeUrl")
	// No registry: the pushed artifact has no template data, so deploy's
	// configure sees no artifact.* at all.
	eq(t, rep, []interface{}{"entrypoint", "labels"}, "steps", "deploy", "configVars")
	eq(t, rep, "default", "steps", "release", "releaser")
	eq(t, rep, "file://"+dir+"/deployments/01DEPLOY/RELEASED-default", "steps", "release", "url")
	eq(t, rep, "no release stanza", "steps", "status", "release", "skipped")
	eq(t, rep, "hi\n", "steps", "exec", "stdout")
	eq(t, rep, "window 120x40\n", "steps", "exec", "stderr")
	eq(t, rep, false, "steps", "destroy", "release", "called")
	eq(t, rep, "default", "steps", "destroy", "release", "releaser")

	// The platform's DeploySpec asks for a gofiles.v1.PushedFile; the build
	// artifact reaches it through the gofiles mapper process.
	if got := rpcs(rep, "mapper.gofiles"); !reflect.DeepEqual(got, []string{"Mapper/ListMappers", "Mapper/Map"}) {
		t.Errorf("mapper.gofiles rpcs = %q", got)
	}
	want := with(platformProbes, "Platform/DefaultReleaserSpec", "Platform/DefaultReleaserSpec", "Platform/DefaultReleaser")
	if got := rpcs(rep, "release.platform"); !reflect.DeepEqual(got, want) {
		t.Errorf("release.platform rpcs:\n got %q\nwant %q", got, want)
	}
}

func TestLifecycleRegistryWithoutAccessInfoFailsTheBuild(t *testing.T) {
	dir := app(t, `app "web" {
  build {
    use "gobuilder" {}
    registry {
      use "gofiles" {
        directory      = "registry"
        no_access_info = true
      }
    }
  }
}
`)
	_, code, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl", "-steps", "build",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	eq(t, rep, false, "ok")
	eq(t, rep, "build", "stage")
	eq(t, rep, "rpc error: code = Internal desc = The plugin requested does not define an AccessInfoFunc() "+
		"in its Registry plugin. This is an internal error and should be reported to the author of the plugin.", "error")
	want := []string{"Registry/IsAuthenticator", "Mapper/ListMappers", "Registry/ConfigStruct",
		"Registry/Configure", "Registry/AccessSpec !Unimplemented", "Registry/AccessSpec !Unimplemented"}
	if got := rpcs(rep, "build.registry"); !reflect.DeepEqual(got, want) {
		t.Errorf("build.registry rpcs = %q", got)
	}
}

func TestLifecycleLogsConfigureHasNoArtifactVariables(t *testing.T) {
	dir := app(t, fullHCL)
	_, _, rep := run(t, dir, "lifecycle", "-config", "waypoint.hcl", "-steps", "build,push,deploy,logs",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform)
	eq(t, rep, "logs", "stage")
	eq(t, rep, dir+"/registry/app", "steps", "deploy", "result", "templateData", "label")
	eq(t, rep, `logs.platform: Unknown variable: There is no variable named "artifact".`, "configureDiagnostics", 0)
}

func TestLifecycleStepNeedsItsPredecessor(t *testing.T) {
	dir := app(t, fullHCL)
	_, code, _ := run(t, dir, "lifecycle", "-config", "waypoint.hcl", "-steps", "build,deploy",
		"-plugin", "gobuilder="+bins.builder, "-plugin", "gofiles="+bins.platform)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}

func TestTaskStartWatchStop(t *testing.T) {
	dir := app(t, fullHCL)
	out, code, rep := run(t, dir, "task", "-plugin", bins.platform, "-config", "task.hcl",
		"-oci-url", "docker.io/library/busybox:latest", "-entrypoint", "/bin/sh",
		"-arg", "-c", "-arg", "echo $GREETING from $WPTASK_OCI_URL; exit 3", "-env", "GREETING=hello")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	eq(t, rep, "type.googleapis.com/gofiles.v1.TaskState", "start", "result", "typeUrl")
	eq(t, rep, 3, "watch", "exitCode")
	eq(t, rep, true, "stop", "ok")
	if !strings.Contains(out, "task: hello from docker.io/library/busybox:latest\n") {
		t.Errorf("watch output missing the task's line:\n%s", out)
	}
	for role, want := range map[string][]string{
		"task.start": {"Mapper/ListMappers", "TaskLauncher/ConfigStruct", "TaskLauncher/Configure", "TaskLauncher/StartSpec", "TaskLauncher/StartTask"},
		"task.watch": {"Mapper/ListMappers", "TaskLauncher/ConfigStruct", "TaskLauncher/Configure", "TaskLauncher/WatchSpec", "TaskLauncher/WatchTask"},
		"task.stop":  {"Mapper/ListMappers", "TaskLauncher/ConfigStruct", "TaskLauncher/Configure", "TaskLauncher/StopSpec", "TaskLauncher/StopTask"},
	} {
		if got := rpcs(rep, role); !reflect.DeepEqual(got, want) {
			t.Errorf("%s rpcs = %q", role, got)
		}
	}
}

func TestTaskStopEndsARunningTask(t *testing.T) {
	dir := app(t, fullHCL)
	_, code, rep := run(t, dir, "task", "-plugin", bins.platform, "-config", "task.hcl",
		"-oci-url", "x", "-entrypoint", "sleep", "-arg", "30", "-watch=false")
	if code != 0 || get(rep, "ok") != true {
		t.Fatalf("exit %d, report stage %v: %v", code, get(rep, "stage"), get(rep, "error"))
	}
	if get(rep, "watch") != nil {
		t.Error("watch ran with -watch=false")
	}
	pid := int(get(rep, "start", "result", "fields", "1").(float64))
	if alive(pid) {
		t.Errorf("task %d still running after stop", pid)
	}
}

// alive: the process exists and is not a zombie (init may not reap here).
func alive(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
