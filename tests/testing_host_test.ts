/**
 * The author-facing test host (@x/waypoint-plugin/testing) against the
 * example plugins: what a plugin author's own tests look like.
 */
import { assert, assertEquals, assertRejects, assertThrows } from "./support/assert.ts";
import { join } from "./support/path.ts";
import {
  declaredPermissions,
  exists,
  goPluginBinary,
  makeLauncher,
  REPO,
  runHost,
  tempDir,
} from "./support/host.ts";
import { HclError, launchPlugin, RpcError } from "../src/testing/mod.ts";
import { decodeUseBlock } from "../src/testing/hcl.ts";
import { toProtostructure } from "../src/internal/config_wire.ts";
import { Code, config } from "../mod.ts";
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
    // The examples share this repository's deno.json: what each would declare in its own.
    permissions: declaredPermissions(join(REPO, "examples", "gobuilder", "main.ts")),
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
    // The examples share this repository's deno.json: what each would declare in its own.
    permissions: declaredPermissions(join(REPO, "examples", "gobuilder", "main.ts")),
  });
  await assertRejects(
    () => plugin.configure("builder", { source: "./missing" }),
    Error,
    'field "source" must name an existing directory: "./missing" was not found',
  );
  await assertRejects(
    () => plugin.configure("builder", { sorce: "./app" }),
    HclError,
    'Unsupported argument: An argument named "sorce" is not expected here. Did you mean "source"?',
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
    // The examples share this repository's deno.json: what each would declare in its own.
    permissions: declaredPermissions(join(REPO, "examples", "localdeploy", "main.ts")),
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
  assertEquals(status.report.health, "ready");
  const destroyed = await plugin.destroy("platform", deployed.result!);
  const gone = (destroyed.response.destroyedResources as { destroyedResources: { name: string }[] })
    .destroyedResources.map((r) => r.name);
  assertEquals(gone, ["process", "binary"]);
  const after = await plugin.status("platform", deployed.result!);
  assertEquals(after.report.health, "down"); // the app was stopped
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

const STRICT = join(REPO, "tests", "fixtures", "strict_host_plugin.ts");

Deno.test("an operation's error carries the plugin's gRPC code, named as in Code", async () => {
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: STRICT,
    permissions: declaredPermissions(STRICT),
  });
  await plugin.configure("registry", {});
  const artifact = { typeUrl: Binary.typeUrl, value: Binary.encode({ location: "x" }) };
  const err = await assertRejects(() => plugin.push(artifact), RpcError);
  assertEquals(
    [err.code, err.codeName, err.details, err.rpc],
    [
      Code.FAILED_PRECONDITION,
      "FAILED_PRECONDITION",
      "the registry is read-only",
      "hashicorp.waypoint.sdk.Registry/Push",
    ],
  );
  assertEquals(err.message, "hashicorp.waypoint.sdk.Registry/Push: the registry is read-only");
});

/** What the Go host's gohcl says about `use "<name>" { <body> }` for a builder. */
async function goHostDiagnostics(entry: string, name: string, body: string): Promise<string[]> {
  const dir = await tempDir("th-hcl-");
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    `app "a" {\n  build {\n    use "${name}" {\n${body}\n    }\n  }\n}\n`,
  );
  const plugin = await makeLauncher(join(dir, ".waypoint", "plugins"), name, entry);
  const { report } = await runHost(
    ["build", "-plugin", plugin, "-config", join(dir, "waypoint.hcl"), "-push=false"],
    { cwd: dir },
  );
  assertEquals(report.stage, "configure", JSON.stringify(report));
  return report.configureDiagnostics;
}

Deno.test("configure() fails on a missing required argument, also inside a block, in gohcl's words as the Go host does", async () => {
  const entry = join(REPO, "tests", "fixtures", "schema_plugin.ts");
  const go = await goHostDiagnostics(entry, "schema", "      auth {\n      }");
  assertEquals(go, [
    'Missing required argument: The argument "name" is required, but no definition was found.',
    'Missing required argument: The argument "user" is required, but no definition was found.',
  ]);
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry,
    permissions: declaredPermissions(entry),
  });
  const err = await assertRejects(() => plugin.configure("builder", { auth: {} }), HclError);
  assertEquals(err.message.split("\n"), go);
  assertEquals(err.diagnostics[0], {
    summary: "Missing required argument",
    detail: 'The argument "name" is required, but no definition was found.',
  });
});

Deno.test("an empty config rejects any attribute in the Go host's words, whole", async () => {
  const go = await goHostDiagnostics(STRICT, "strict", "      foo = 1");
  assertEquals(go, ['Unsupported argument: An argument named "foo" is not expected here.']);
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: STRICT,
    permissions: declaredPermissions(STRICT),
  });
  const err = await assertRejects(() => plugin.configure("builder", { foo: 1 }), HclError);
  assertEquals(err.message.split("\n"), go);
  // A near miss gets hcl's suggestion.
  await assertRejects(
    () => plugin.configure("platform", { regoin: "eu" }),
    HclError,
    'Missing required argument: The argument "region" is required, but no definition was found.\n' +
      'Unsupported argument: An argument named "regoin" is not expected here. Did you mean "region"?',
  );
});

Deno.test("a component without any config struct (a Go SDK plugin's) rejects attributes in the same words", async () => {
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({ cwd: dir, command: [await goPluginBinary(), "-noop"] });
  const probe = await plugin.call("hashicorp.waypoint.sdk.Builder", "ConfigStruct");
  assertEquals(probe.struct, undefined, "the Go noop builder has no config struct");
  await plugin.configure("builder", {});
  await assertRejects(
    () => plugin.configure("builder", { foo: 1 }),
    HclError,
    'Unsupported argument: An argument named "foo" is not expected here.',
  );
});

Deno.test("deploymentConfig reaches the plugin field by field", async () => {
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: STRICT,
    permissions: declaredPermissions(STRICT),
  });
  await plugin.configure("platform", { region: "eu" });
  const artifact = { typeUrl: Binary.typeUrl, value: Binary.encode({ location: "x" }) };
  const deploymentConfig = {
    id: "01DEPLOY",
    sequence: 7,
    serverAddr: "waypoint.example.com:9701",
    serverTls: true,
    serverTlsSkipVerify: true,
    entrypointInviteToken: "invite",
  };
  const r = await plugin.deploy(artifact, { deploymentConfig });
  assertEquals(JSON.parse(Binary.decode(r.result!.value).location), deploymentConfig);
  const defaults = await plugin.deploy(artifact);
  assertEquals(JSON.parse(Binary.decode(defaults.result!.value).location), {
    id: "test-1",
    sequence: 1,
    serverAddr: "localhost:9701",
    serverTls: false,
    serverTlsSkipVerify: false,
    entrypointInviteToken: "",
  });
});

Deno.test("status() reports health and categories by name", async () => {
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: STRICT,
    permissions: declaredPermissions(STRICT),
  });
  await plugin.configure("platform", { region: "eu" });
  const deployment = { typeUrl: Binary.typeUrl, value: Binary.encode({ location: "x" }) };
  const { report } = await plugin.status("platform", deployment);
  assertEquals([report.health, report.healthMessage], ["ready", "all good"]);
  assertEquals(
    report.resources?.map((r) => [r.name, r.health, r.category]),
    [["web", "partial", "instance-manager"]],
  );
});

Deno.test("an operation is cancelled from the test with an AbortSignal; the plugin sees ctx.signal abort", async () => {
  const dir = await tempDir("th-");
  await using plugin = await launchPlugin({
    cwd: dir,
    entry: STRICT,
    permissions: declaredPermissions(STRICT),
  });
  await plugin.configure("builder", {});
  const ac = new AbortController();
  const build = plugin.build({ signal: ac.signal });
  const rejected = assertRejects(() => build, RpcError);
  while (!(await exists(join(dir, "started.txt")))) await new Promise((r) => setTimeout(r, 20));
  ac.abort();
  const err = await rejected;
  assertEquals([err.code, err.codeName], [Code.CANCELLED, "CANCELLED"]);
  for (let i = 0; i < 250 && !(await exists(join(dir, "cancelled.txt"))); i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assertEquals(
    await Deno.readTextFile(join(dir, "cancelled.txt")),
    "the build saw the cancellation",
  );
  // Aborted before the call: rejected at once, the plugin never runs it.
  const again = await assertRejects(() => plugin.build({ signal: ac.signal }), RpcError);
  assertEquals(again.code, Code.CANCELLED);
});

Deno.test("a missing required block, and repeated blocks, decode as gohcl's do", () => {
  const struct = toProtostructure(
    config.object({
      tls: config.block({ cert: config.string({ required: true }) }, { required: true }),
      port: config.blocks({ name: config.label(), number: config.int({ required: true }) }),
    }).shape,
  );
  // gohcl (decode.go): a block field that is neither a pointer nor a slice must be present.
  const err = assertThrows(() => decodeUseBlock(struct, {}), HclError);
  assertEquals(err.diagnostics, [{
    summary: "Missing tls block",
    detail: "A tls block is required.",
  }]);
  assertEquals(
    decodeUseBlock(struct, { tls: { cert: "c.pem" }, port: [{ name: "web", number: 80 }] }),
    { tls: { cert: "c.pem" }, port: [{ name: "web", number: 80 }] },
  );
  assertEquals(decodeUseBlock(struct, { tls: { cert: "c.pem" } }).port, []);
});

Deno.test("the test host configures a config sourcer and reads its values", async () => {
  await using plugin = await launchPlugin({
    entry: join(REPO, "tests", "fixtures", "config_sourcer_plugin.ts"),
  });
  await plugin.configure("configsourcer", { prefix: "web" });
  const r = await plugin.read();
  const values = r.response.values as Record<string, unknown>[];
  assertEquals(
    values.map((v) => v.json ? { ...v, json: new TextDecoder().decode(v.json as Uint8Array) } : v),
    [
      { name: "web_port", value: "8080" },
      { name: "web_tags", json: '["a","b"]' },
      { name: "web_missing", error: { code: Code.UNKNOWN, message: "no such key", details: [] } },
    ],
  );
});
