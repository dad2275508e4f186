/**
 * The author-facing test host (@x/waypoint-plugin/testing) against the
 * example plugins: what a plugin author's own tests look like.
 */
import { assert, assertEquals, assertRejects } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO, tempDir } from "./support/host.ts";
import { launchPlugin } from "../src/testing/mod.ts";
import { httpGet } from "./support/http_get.ts";
import { Binary } from "../examples/gobuilder/gen/output.ts";
import { Deployment, Pushed, Release } from "../examples/localdeploy/gen/output.ts";

async function helloProject(): Promise<string> {
  const dir = await tempDir("th-");
  await Deno.mkdir(join(dir, "app"));
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", "gobuilder", "app", f), join(dir, "app", f));
  }
  return dir;
}

Deno.test("the test host builds with gobuilder and records the UI", async () => {
  const dir = await helloProject();
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: join(REPO, "examples", "gobuilder", "main.ts"),
  });
  await plugin.configure("builder", { source: "./app" });
  const r = await plugin.build();
  assertEquals(r.json, { location: "./app/app" });
  assertEquals(r.templateData, { location: "./app/app" });
  assertEquals(Binary.decode(r.result!.value).location, "./app/app");
  assertEquals(
    r.ui.filter((e) => e.kind === "status").map((e) => e.kind === "status" && [e.text, e.status]),
    [["Building application", ""], ["Application built successfully", "ok"], ["", ""]],
  );
});

Deno.test("the test host surfaces configure errors and unknown fields", async () => {
  const dir = await helloProject();
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: join(REPO, "examples", "gobuilder", "main.ts"),
  });
  await assertRejects(
    () => plugin.configure("builder", { source: "./missing" }),
    Error,
    'field "source" must name an existing directory: "./missing" was not found',
  );
  await assertRejects(
    () => plugin.configure("builder", { sorce: "./app" }),
    Error,
    'An argument named "sorce" is not expected here',
  );
});

Deno.test("localdeploy pushes, deploys, releases, reports status and destroys through the test host", async () => {
  const dir = await helloProject();
  // The localdeploy example's web app, built as gobuilder would.
  const built = await new Deno.Command("go", {
    args: ["build", "-o", join(dir, "app", "app"), "."],
    cwd: join(REPO, "examples", "localdeploy", "app"),
  }).output();
  assert(built.success, new TextDecoder().decode(built.stderr));
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: join(REPO, "examples", "localdeploy", "main.ts"),
  });
  const source = { app: "hello", path: dir };
  const artifact = { typeUrl: Binary.typeUrl, value: Binary.encode({ location: "app/app" }) };

  await plugin.configure("registry", {});
  const pushed = await plugin.push(artifact, { source });
  const p = Pushed.decode(pushed.result!.value);
  assert(p.path.startsWith(".waypoint/registry/hello-"), p.path);
  assertEquals(
    await Deno.readFile(join(dir, p.path)),
    await Deno.readFile(join(dir, "app", "app")),
  );

  await plugin.configure("platform", {});
  const deployed = await plugin.deploy(pushed.result!, { source, deploymentConfig: { id: "d1" } });
  const d = Deployment.decode(deployed.result!.value);
  assertEquals(d.directory, ".waypoint/deployments/d1");
  assertEquals(d.url, `http://127.0.0.1:${d.port}`);
  assertEquals((deployed.response.deployment as { url: string }).url, d.url);
  assertEquals(await httpGet(d.url), { status: 200, body: "Hello Waypoint from deployment d1\n" });
  const declared = (deployed.response.declaredResources as { resources: { name: string }[] })
    .resources.map((r) => r.name);
  assertEquals(declared, ["binary", "process"]);

  await plugin.configure("releasemanager", {});
  const released = await plugin.release(deployed.result!, { source });
  const rel = Release.decode(released.result!.value);
  assertEquals(
    await Deno.realPath(join(dir, rel.link)),
    await Deno.realPath(join(dir, d.directory)),
  );
  assertEquals(rel.url, d.url);

  const status = await plugin.status("platform", deployed.result!);
  assertEquals(status.response.health, 2); // READY
  const destroyed = await plugin.destroy("platform", deployed.result!);
  const gone = (destroyed.response.destroyedResources as { destroyedResources: { name: string }[] })
    .destroyedResources.map((r) => r.name);
  assertEquals(gone, ["process", "binary"]);
  const after = await plugin.status("platform", deployed.result!);
  assertEquals(after.response.health, 3); // DOWN: the app was stopped
  await assertRejects(() => httpGet(d.url));

  const closed = await plugin.close();
  assertEquals(closed.graceful, true);
});

Deno.test("a broker id announced after the call started is waited for; one never announced fails after 5 s", async () => {
  const dir = await helloProject();
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: join(REPO, "tests", "fixtures", "showcase_plugin.ts"),
  });
  await plugin.configure("builder", {});
  const late = await plugin.build({ brokerDelayMs: 1500 });
  assert(late.ui.some((e) => e.kind === "line" && e.text === "header line"));
  const started = performance.now();
  await assertRejects(
    () => plugin.build({ brokerDelayMs: Infinity }),
    Error,
    "Cannot reach the host's terminal UI (broker id 2): timeout waiting for connection info for broker id 2",
  );
  const waited = performance.now() - started;
  assert(waited >= 4500 && waited < 9000, `waited ${waited.toFixed(0)} ms`);
});
