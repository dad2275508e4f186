/**
 * Every component through the real Go SDK client: `wphost lifecycle` runs
 * Waypoint core's sequences (build, push, deploy, release, status, exec,
 * logs, destroy) and `wphost task` an on-demand runner task, against the
 * gobuilder and localdeploy example plugins.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";

interface Project {
  dir: string;
  tmp: string;
  plugins: string[];
}

// The localdeploy example's own waypoint.hcl: gobuilder, then localdeploy as registry, platform
// and release manager.
const WITH_REGISTRY_AND_RELEASE = await Deno.readTextFile(
  join(REPO, "examples", "localdeploy", "waypoint.hcl"),
);

const BUILD_AND_DEPLOY_ONLY = `project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      source = "./app"
    }
  }
  deploy {
    use "localdeploy" {}
  }
}
`;

async function project(hcl: string): Promise<Project> {
  const dir = await tempDir("life-");
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  await Deno.mkdir(join(dir, "app"));
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", "gobuilder", "app", f), join(dir, "app", f));
  }
  await Deno.writeTextFile(join(dir, "waypoint.hcl"), hcl);
  const plugins = [];
  for (const name of ["gobuilder", "localdeploy"]) {
    const path = await makeLauncher(dir, name, join(REPO, "examples", name, "main.ts"));
    plugins.push("-plugin", `${name}=${path}`);
  }
  return { dir, tmp, plugins };
}

function lifecycle(p: Project, steps: string, ...extra: string[]) {
  return runHost(
    [
      "lifecycle",
      "-config",
      join(p.dir, "waypoint.hcl"),
      ...p.plugins,
      "-steps",
      steps,
      "-ui",
      "plain",
      ...extra,
    ],
    // A private TMPDIR: whatever sockets are left behind show up here.
    { cwd: p.dir, env: { TMPDIR: p.tmp } },
  );
}

// deno-lint-ignore no-explicit-any
type Report = any;

function assertAllShutDownCleanly(report: Report): void {
  for (const proc of report.processes) {
    assertEquals(
      [proc.role, proc.exited, proc.forced, proc.socketRemovedAfterKill],
      [proc.role, true, false, true],
    );
  }
}

async function leftovers(dir: string): Promise<string[]> {
  const out = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out;
}

Deno.test("build → push → deploy → release → status → exec → logs → destroy, as Waypoint runs them", async () => {
  const p = await project(WITH_REGISTRY_AND_RELEASE);
  const run = await lifecycle(
    p,
    "build,push,deploy,release,status,exec,logs,destroy",
    "-exec-arg",
    "sh",
    "-exec-arg",
    "-c",
    "-exec-arg",
    "cat; ls; exit 3",
    "-exec-input",
    "hello from stdin\n",
  );
  const r = run.report;
  assertEquals([r.ok, r.stage, r.error], [true, "", ""], run.stdout + run.stderr);
  const s = r.steps;

  // Build with a registry: the registry's access info reached the build.
  assertEquals(s.build.hasRegistry, true);
  assertEquals(s.build.accessInfo.typeUrl, "type.googleapis.com/localdeploy.AccessInfo");
  assertEquals(s.build.accessInfo.fields, { "1": ".waypoint/registry" });

  // Push: another plugin's artifact (gobuilder.Binary) arrived typed; the binary was copied.
  assertEquals(s.push.result.typeUrl, "type.googleapis.com/localdeploy.Pushed");
  const pushed = s.push.result.templateData.path as string;
  assert(pushed.startsWith(".waypoint/registry/hello-"), pushed);
  assertEquals(
    await Deno.readFile(join(p.dir, pushed)),
    await Deno.readFile(join(p.dir, "app", "app")),
  );

  // Deploy: the pushed artifact and the deployment config reached the platform.
  assertEquals(s.deploy.result.fields["1"], "01DEPLOY");
  assertEquals(s.deploy.url, `file://${p.dir}/.waypoint/deployments/01DEPLOY/app`);
  assertEquals(
    s.deploy.declaredResources.map((d: Report) => [d.name, d.type, d.categoryDisplayHint]),
    [["binary", "file", "FUNCTION"], ["run", "process", "INSTANCE"]],
  );
  assertEquals(JSON.parse(s.deploy.declaredResources[0].stateJson), {
    path: ".waypoint/deployments/01DEPLOY/app",
  });
  assertEquals([s.deploy.hasExec, s.deploy.hasLogs], [true, true]);
  // Generation: the plugin's id (app + digest) is what Waypoint hashes into the generation.
  assertEquals(s.deploy.generation.id, `hello-${s.push.result.templateData.digest.slice(0, 12)}`);

  // Release: the deployment arrived as the target; the link points at it.
  assertEquals(s.release.releaser, "releasemanager");
  assertEquals(s.release.url, `file://${p.dir}/.waypoint/deployments/current`);
  assertEquals(s.release.result.templateData, {
    link: ".waypoint/deployments/current",
    target: join(p.dir, ".waypoint/deployments/01DEPLOY"),
    url: `file://${p.dir}/.waypoint/deployments/current`,
  });

  // Status of both.
  assertEquals([s.status.deployment.health, s.status.deployment.generatedTimeSet], ["READY", true]);
  assertEquals(s.status.deployment.resources[0].categoryDisplayHint, "FUNCTION");
  assertEquals(s.status.release.health, "READY");
  assertEquals(
    s.status.release.healthMessage,
    `.waypoint/deployments/current points at ${join(p.dir, ".waypoint/deployments/01DEPLOY")}`,
  );

  // Exec: the user's input went in, the output and exit code came back.
  assertEquals(s.exec.exitCode, 3);
  assertEquals(s.exec.stdout, "hello from stdin\napp\noutput.log\n");

  // Logs: the deployment's output (the app ran at deploy), as events.
  assertEquals(
    s.logs.events.map((e: Report) => [e.partition, e.contents]),
    [["01DEPLOY", "Hello Waypoint"]],
  );

  // Destroy: release first, then the deployment; both report what went.
  assertEquals(
    s.destroy.release.destroyedResources.map((d: Report) => d.name),
    ["current"],
  );
  // Destroyed in the reverse of the order they were created.
  assertEquals(
    s.destroy.deployment.destroyedResources.map((d: Report) => d.name),
    ["run", "binary"],
  );
  assertEquals(s.destroy.deploymentWorkspace.called, true);
  assertEquals(await exists(join(p.dir, ".waypoint/deployments")), false);
  assertEquals(await exists(join(p.dir, ".waypoint/deployments/current")), false);

  assertStringIncludes(run.stdout, " +: Deployed 01DEPLOY (the app exited 0)");
  assertEquals(r.processes.length, 17);
  assertAllShutDownCleanly(r);
  assertEquals(await leftovers(p.tmp), []);
});

Deno.test("without a registry Waypoint maps the build with the plugin's mapper, and releases through the platform's default releaser", async () => {
  const p = await project(BUILD_AND_DEPLOY_ONLY);
  const run = await lifecycle(p, "build,push,deploy,release");
  const r = run.report;
  assertEquals([r.ok, r.stage, r.error], [true, "", ""], run.stdout + run.stderr);
  // The mapper process stayed up (it listed a converter) and Waypoint called Map on it.
  assertEquals(r.mappers, { gobuilder: 0, localdeploy: 1 });
  const mapper = r.processes.find((x: Report) => x.role === "mapper.localdeploy");
  assert(mapper.rpcs.includes("Mapper/Map"), mapper.rpcs.join(" "));
  // The mapped Pushed points at the build's binary itself.
  assertEquals(
    await Deno.readFile(join(p.dir, ".waypoint/deployments/01DEPLOY/app")),
    await Deno.readFile(join(p.dir, "app", "app")),
  );
  // The platform served a ReleaseManager on a plugin-side broker id; the host released through it.
  assertEquals(r.steps.release.releaser, "default");
  const releaser = r.processes.find((x: Report) => x.role === "release.platform");
  assert(releaser.rpcs.includes("Platform/DefaultReleaser"), releaser.rpcs.join(" "));
  assertEquals(r.steps.release.url, `file://${p.dir}/.waypoint/deployments/current`);
  assertAllShutDownCleanly(r);
  assertEquals(await leftovers(p.tmp), []);
});

Deno.test("an on-demand runner task starts, is watched to its exit code, and stops", async () => {
  const p = await project(BUILD_AND_DEPLOY_ONLY);
  const plugin = p.plugins[3].split("=")[1];
  const run = await runHost(
    [
      "task",
      "-plugin",
      plugin,
      "-oci-url",
      "docker.io/library/busybox:latest",
      "-entrypoint",
      "/bin/sh",
      "-arg",
      "-c",
      "-arg",
      "echo task says $GREETING; exit 3",
      "-env",
      "GREETING=hello",
      "-ui",
      "plain",
    ],
    { cwd: p.dir, env: { TMPDIR: p.tmp } },
  );
  const r = run.report;
  assertEquals([r.ok, r.stage, r.error], [true, "", ""], run.stdout + run.stderr);
  assertEquals(r.start.result.typeUrl, "type.googleapis.com/localdeploy.Task");
  assertEquals(r.watch.exitCode, 3);
  assertStringIncludes(run.stdout, `Task ${r.start.result.fields["1"]} exited with 3`);
  const log = r.start.result.fields["3"];
  assertEquals(await Deno.readTextFile(join(p.dir, log)), "task says hello\n");
  assertAllShutDownCleanly(r);
});

Deno.test("the conformance host passes its own tests against the Go SDK reference plugins", async () => {
  const out = await new Deno.Command("go", {
    args: ["test", "./..."],
    cwd: join(REPO, "tests", "conformance"),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, text);
  assertStringIncludes(text, "ok  \twpconformance");
});

Deno.test("waypoint docs describes the registry, platform and release manager, with the plugin's mappers", async () => {
  const p = await project(BUILD_AND_DEPLOY_ONLY);
  const plugin = p.plugins[3].split("=")[1];
  const want: Record<string, [string, string, string, string[]]> = {
    registry: [
      "Pushes a built binary into a local directory",
      "gobuilder.Binary",
      "localdeploy.Pushed",
      ["directory"],
    ],
    platform: [
      "Deploys a pushed binary into a local directory and runs it",
      "localdeploy.Pushed",
      "localdeploy.Deployment",
      ["directory"],
    ],
    releasemanager: [
      "Releases a deployment by pointing a `current` link at it",
      "localdeploy.Deployment",
      "localdeploy.Release",
      ["link"],
    ],
  };
  for (const [component, [description, input, output, fields]] of Object.entries(want)) {
    const { report } = await runHost(["docs", "-plugin", plugin, "-component", component], {
      cwd: p.dir,
    });
    assertEquals(report.error, "", component);
    const d = report.docs;
    assertEquals([d.description, d.input, d.output], [description, input, output], component);
    assertEquals(d.fields.map((f: Report) => f.field), fields, component);
    assertEquals(
      d.mappers.map((m: Report) => [m.input, m.output]),
      [["gobuilder.Binary", "localdeploy.Pushed"]],
      component,
    );
  }
});
