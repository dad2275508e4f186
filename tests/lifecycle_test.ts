/**
 * Every component through the real Go SDK client: `wphost lifecycle` runs
 * Waypoint core's sequences (build, push, deploy, release, status, exec,
 * logs, destroy) and `wphost task` an on-demand runner task, against the
 * gobuilder and localdeploy example plugins.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, REPO, runHost } from "./support/host.ts";
import {
  ALL_STEPS,
  assertAllShutDownCleanly,
  BUILD_AND_DEPLOY_ONLY,
  execArgs,
  leavesNothingRunning,
  leftovers,
  lifecycle,
  project,
  type Report,
  taskArgs,
  WITH_REGISTRY_AND_RELEASE,
} from "./support/lifecycle.ts";

Deno.test("build → push → deploy → release → status → exec → logs → destroy, as Waypoint runs them", async () => {
  const p = await project(WITH_REGISTRY_AND_RELEASE);
  await leavesNothingRunning(p, async () => {
    const run = await lifecycle(
      p,
      ALL_STEPS,
      ...execArgs('cat; ls; echo "PORT=$PORT"; exit 3', "hello from stdin\n"),
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

    // Deploy: the pushed artifact and the deployment config reached the platform, which started
    // the app on a free port and waited until it answered.
    const d = s.deploy.result.templateData;
    assertEquals(d.id, "01DEPLOY");
    const url = `http://127.0.0.1:${d.port}`;
    assertEquals([d.url, s.deploy.url], [url, url]);
    assertEquals(
      s.deploy.declaredResources.map((x: Report) => [x.name, x.type, x.categoryDisplayHint]),
      [["binary", "file", "FUNCTION"], ["process", "process", "INSTANCE"]],
    );
    assertEquals(JSON.parse(s.deploy.declaredResources[0].stateJson), {
      path: ".waypoint/deployments/01DEPLOY/app",
    });
    assertEquals(JSON.parse(s.deploy.declaredResources[1].stateJson), {
      pid: d.pid,
      port: d.port,
    });
    assertEquals([s.deploy.hasExec, s.deploy.hasLogs], [true, true]);
    // Generation: a fresh id per deployment (each one is a process of its own), which Waypoint
    // hashes into the generation.
    assertMatch(s.deploy.generation.id, /^hello-[0-9a-f]{12}$/);

    // Release: the deployment arrived as the target; the link points at it; the URL is its.
    assertEquals(s.release.releaser, "releasemanager");
    assertEquals(s.release.url, url);
    assertEquals(s.release.result.templateData, {
      link: ".waypoint/deployments/current",
      target: join(p.dir, ".waypoint/deployments/01DEPLOY"),
      url,
    });

    // Status of both: the app answered.
    assertEquals(
      [s.status.deployment.health, s.status.deployment.generatedTimeSet],
      ["READY", true],
    );
    assertEquals(
      s.status.deployment.resources.map((x: Report) => [x.name, x.health, x.categoryDisplayHint]),
      [["binary", "READY", "FUNCTION"], ["process", "READY", "INSTANCE"]],
    );
    assertEquals(s.status.deployment.healthMessage, `answers at ${url}`);
    assertEquals(s.status.release.health, "READY");
    assertEquals(
      s.status.release.healthMessage,
      `.waypoint/deployments/current points at ${
        join(p.dir, ".waypoint/deployments/01DEPLOY")
      }, which answers at ${url}`,
    );

    // Exec: in the deployment's directory with the app's environment; the user's input went
    // in, the output and exit code came back.
    assertEquals(s.exec.exitCode, 3);
    assertEquals(s.exec.stdout, `hello from stdin\napp\napp.log\nenv.json\nPORT=${d.port}\n`);

    // Logs: the app's output, as events.
    const events = s.logs.events.map((e: Report) => [e.partition, e.contents]);
    assertEquals(events[0], ["01DEPLOY", `listening on ${url}`]);
    assert(events.length >= 2 && events.slice(1).every((e: string[]) => e[1] === "GET /"));

    // Destroy: release first, then the deployment; both report what went.
    assertEquals(
      s.destroy.release.destroyedResources.map((x: Report) => x.name),
      ["current"],
    );
    // Destroyed in the reverse of the order they were created.
    assertEquals(
      s.destroy.deployment.destroyedResources.map((x: Report) => x.name),
      ["process", "binary"],
    );
    assertEquals(s.destroy.deploymentWorkspace.called, true);
    assertEquals(await exists(join(p.dir, ".waypoint/deployments")), false);
    assertEquals(await exists(join(p.dir, ".waypoint/deployments/current")), false);

    assertStringIncludes(run.stdout, ` +: Started 01DEPLOY (pid ${d.pid}): it answers at ${url}`);
    assertEquals(r.processes.length, 17);
    assertAllShutDownCleanly(r);
    assertEquals(await leftovers(p.tmp), []);
  });
});

Deno.test("without a registry Waypoint maps the build with the plugin's mapper, and releases through the platform's default releaser", async () => {
  const p = await project(BUILD_AND_DEPLOY_ONLY);
  await leavesNothingRunning(p, async () => {
    const run = await lifecycle(p, "build,push,deploy,release,destroy");
    const r = run.report;
    assertEquals([r.ok, r.stage, r.error], [true, "", ""], run.stdout + run.stderr);
    // The mapper process stayed up (it listed a converter) and Waypoint called Map on it.
    assertEquals(r.mappers, { gobuilder: 0, localdeploy: 1 });
    const mapper = r.processes.find((x: Report) => x.role === "mapper.localdeploy");
    assert(mapper.rpcs.includes("Mapper/Map"), mapper.rpcs.join(" "));
    // The mapped Pushed (the build's binary itself) was deployed, and the app answered.
    assertStringIncludes(run.stdout, " +: Started 01DEPLOY (pid ");
    // The platform served a ReleaseManager on a plugin-side broker id; the host released through
    // it, and destroyed the release through it.
    assertEquals(r.steps.release.releaser, "default");
    const releaser = r.processes.find((x: Report) => x.role === "release.platform");
    assert(releaser.rpcs.includes("Platform/DefaultReleaser"), releaser.rpcs.join(" "));
    assertEquals(r.steps.release.url, r.steps.deploy.url);
    assertMatch(r.steps.release.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assertEquals(await exists(join(p.dir, ".waypoint/deployments")), false);
    assertAllShutDownCleanly(r);
    assertEquals(await leftovers(p.tmp), []);
  });
});

Deno.test("an on-demand runner task starts, is watched to its exit code, and stops", async () => {
  const p = await project(BUILD_AND_DEPLOY_ONLY);
  const plugin = p.plugins[3].split("=")[1];
  const run = await runHost(
    taskArgs(plugin),
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
      "Runs a pushed web app as a local background process on a free loopback port",
      "localdeploy.Pushed",
      "localdeploy.Deployment",
      ["directory", "env", "startup_timeout"],
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
