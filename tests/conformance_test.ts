/**
 * The proof: the real Go client code Waypoint links (go-plugin v1.4.3,
 * waypoint-plugin-sdk cb1d684e3cc5, driven by tests/conformance) loads our
 * plugins and runs `waypoint build` against them.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO } from "./support/host.ts";
import { alive } from "./support/processes.ts";
import {
  exists,
  goPluginBinary,
  hostBinary,
  makeLauncher,
  runHost,
  tempDir,
} from "./support/host.ts";

const GOBUILDER = join(REPO, "examples", "gobuilder", "main.ts");

interface Project {
  dir: string;
  plugin: string;
}

/** A project like the tutorial's: waypoint.hcl, the hello app, the plugin on disk. */
async function project(
  opts: { source?: string; mainGo?: string; entry?: string; name?: string } = {},
): Promise<Project> {
  const dir = await tempDir("build-");
  const name = opts.name ?? "gobuilder";
  await Deno.mkdir(join(dir, "app"));
  await Deno.writeTextFile(
    join(dir, "app", "main.go"),
    opts.mainGo ?? await Deno.readTextFile(join(REPO, "examples", "gobuilder", "app", "main.go")),
  );
  await Deno.copyFile(
    join(REPO, "examples", "gobuilder", "app", "go.mod"),
    join(dir, "app", "go.mod"),
  );
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    `project = "hello"\n\napp "hello" {\n  build {\n    use "${name}" {\n      output_name = "app"\n      source      = "${
      opts.source ?? "./app"
    }"\n    }\n  }\n}\n`,
  );
  const plugin = await makeLauncher(
    join(dir, ".waypoint", "plugins"),
    name,
    opts.entry ?? GOBUILDER,
  );
  return { dir, plugin };
}

/** `wphost build` arguments for a project (without -report and -log). */
function buildArgs(p: Project, ...extra: string[]): string[] {
  return [
    "build",
    "-plugin",
    p.plugin,
    "-config",
    join(p.dir, "waypoint.hcl"),
    "-ui",
    "plain",
    ...extra,
  ];
}

function build(p: Project, ...extra: string[]) {
  return runHost(buildArgs(p, ...extra), { cwd: p.dir });
}

/**
 * A `go` that writes `$$ $PPID` (its pid, and the plugin's) to the returned
 * file and then sleeps: a build that runs until something kills it. Returns
 * the PATH that puts it first.
 */
async function sleepingGo(p: Project): Promise<{ path: string; pidFile: string }> {
  const fakeBin = join(p.dir, "fakebin");
  const pidFile = join(p.dir, "go.pid");
  await Deno.mkdir(fakeBin);
  await Deno.writeTextFile(
    join(fakeBin, "go"),
    `#!/bin/sh\necho "$$ $PPID" > "${pidFile}"\nexec sleep 60\n`,
  );
  await Deno.chmod(join(fakeBin, "go"), 0o755);
  return { path: `${fakeBin}:${Deno.env.get("PATH")}`, pidFile };
}

Deno.test("the Go SDK host builds the hello app with the gobuilder plugin", async () => {
  const p = await project();
  const run = await build(p);
  const r = run.report;
  assertEquals(r.error, "", run.stdout + run.stderr);
  assertEquals(r.ok, true);
  assertEquals(r.result.typeUrl, "type.googleapis.com/gobuilder.Binary");
  assertEquals(r.result.fields, { "1": "./app/app" });
  assertEquals(r.result.json, '{"location":"./app/app"}');
  assertEquals(r.result.templateData, { location: "./app/app" });

  // The binary is where the output says, and it runs.
  const out = await new Deno.Command(join(p.dir, r.result.fields["1"]), { stdout: "piped" })
    .output();
  assertEquals(new TextDecoder().decode(out.stdout), "Hello Waypoint\n");

  // The UI carried the status lines, in order.
  const ui = run.stdout;
  const updated = ui.indexOf("Building application");
  const ok = ui.indexOf(" +: Application built successfully");
  assert(updated >= 0 && ok > updated, `UI output:\n${ui}`);

  // Waypoint's sequence: mapper probe, builder, push builder; each shut down gracefully.
  assertEquals(r.processes.map((p: { role: string }) => p.role), ["mapper", "builder", "push"]);
  for (const proc of r.processes) {
    assertEquals(proc.exited, true, `${proc.role} did not exit`);
    assertEquals(proc.forced, false, `${proc.role} needed SIGKILL`);
    assertEquals(proc.socketRemovedAfterKill, true, `${proc.role} left ${proc.address}`);
    assertEquals(proc.network, "unix");
  }
});

Deno.test("a missing source fails at configure, naming the field and the path", async () => {
  const p = await project({ source: "./nope" });
  const { report } = await build(p);
  assertEquals(report.ok, false);
  assertEquals(report.stage, "configure");
  const diag = report.configureDiagnostics.join("\n");
  assertStringIncludes(diag, "code = InvalidArgument");
  assertStringIncludes(
    diag,
    'Cannot configure builder "gobuilder": field "source" must name an existing directory: "./nope" was not found',
  );
});

Deno.test("a Go compile error fails the build with the compiler's message", async () => {
  const p = await project({
    mainGo: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Printl("Hello Waypoint")\n}\n',
  });
  const run = await build(p);
  assertEquals(run.report.stage, "build");
  assertStringIncludes(run.report.error, 'go build failed in "./app"');
  assertStringIncludes(run.report.error, "undefined: fmt.Printl");
  assertStringIncludes(run.stdout, " !: Build failed");
  assertEquals(await exists(join(p.dir, "app", "app")), false);
});

Deno.test("Kill() ends the plugin within the grace period and removes its socket", async () => {
  const p = await project();
  const { report } = await runHost(["kill", "-plugin", p.plugin], { cwd: p.dir });
  const proc = report.processes[0];
  assertEquals(proc.exited, true);
  assertEquals(proc.forced, false);
  assert(proc.killMs < 2000, `kill took ${proc.killMs} ms`);
  assertEquals(proc.socketRemovedAfterKill, true);
  assertEquals(await exists(proc.address), false);
});

Deno.test("run by hand without the cookie, the plugin exits 1 with go-plugin's message and no stdout", async () => {
  const p = await project();
  const env = { ...Deno.env.toObject() };
  delete env.WAYPOINT_PLUGIN;
  const out = await new Deno.Command(p.plugin, {
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  assertEquals(out.code, 1);
  assertEquals(out.stdout.length, 0);
  assertEquals(
    new TextDecoder().decode(out.stderr),
    "This binary is a plugin. These are not meant to be executed directly.\n" +
      "Please execute the program that consumes these plugins, which will\n" +
      "load any plugins automatically\n",
  );
});

Deno.test("a plugin that writes to stdout in build still loads; its lines reach the host's log", async () => {
  const p = await project({
    entry: join(REPO, "tests", "fixtures", "noisy_plugin.ts"),
    name: "noisy",
  });
  // The noisy builder has no config: its use block must be empty.
  await Deno.writeTextFile(
    join(p.dir, "waypoint.hcl"),
    `app "hello" {\n  build {\n    use "noisy" {}\n  }\n}\n`,
  );
  const run = await build(p);
  assertEquals(run.report.error, "");
  assertEquals(run.report.ok, true);
  assertEquals(run.report.result.fields, { "1": "noisy" });
  assertStringIncludes(run.stdout, "noisy build done 100%");
  const messages = run.log.map((l) => l["@message"]);
  for (
    const m of [
      "console.log from build 42",
      "console.info from build",
      "Deno.stdout from build",
      "process.stdout from build",
      "child spawned with inherited stdout",
      "child output with stdout inherit",
    ]
  ) {
    assert(messages.includes(m), `host log lacks ${JSON.stringify(m)}`);
  }
  const line = run.log.find((l) => l["@message"] === "console.log from build 42")!;
  assertEquals(line["@level"], "info");
  const rejection = run.log.find((l) =>
    l["@message"] === "unhandled promise rejection in the plugin"
  );
  assertEquals(rejection?.error, "Error: forgotten promise");
  for (const proc of run.report.processes) assertEquals([proc.exited, proc.forced], [true, false]);
});

Deno.test("cancelling the build RPC kills the running go build and answers Canceled", async () => {
  const p = await project();
  const { path, pidFile } = await sleepingGo(p);
  const started = performance.now();
  const run = await runHost(buildArgs(p, "-cancel-after", "2s"), {
    cwd: p.dir,
    env: { PATH: path },
  });
  assert(performance.now() - started < 20_000, "the cancelled build did not end promptly");
  assertEquals(run.report.stage, "build");
  assertStringIncludes(run.report.error, "code = Canceled");
  const pid = Number((await Deno.readTextFile(pidFile)).trim().split(" ")[0]);
  assert(pid > 0);
  // The fake `go` (sleep 60) must be gone.
  assertEquals(alive(pid), false, `go build (pid ${pid}) is still running`);
});

async function showcase(body: string): Promise<Project> {
  const p = await project({
    entry: join(REPO, "tests", "fixtures", "showcase_plugin.ts"),
    name: "showcase",
  });
  await Deno.writeTextFile(
    join(p.dir, "waypoint.hcl"),
    `project = "hello"\n\napp "hello" {\n  build {\n    use "showcase" {\n${body}\n    }\n  }\n}\n`,
  );
  return p;
}

Deno.test("every terminal UI call renders on the Go host, in order, with % shown literally", async () => {
  const p = await showcase("");
  const run = await build(p);
  assertEquals(run.report.error, "");
  const ui = run.stdout;
  const expected = [
    "header line",
    "progress is 100% done, %d %s stays literal",
    "image: hello:latest",
    "NAME | STATUS",
    "raw bytes to stdout",
    "-> step one at 50%",
    "-> step one at 100%",
    "output of step one",
    "-> step two left open",
    "working",
    " *: a warning step",
    " +: status done",
    "-> Running push build v1",
  ];
  let at = 0;
  for (const line of expected) {
    const i = ui.indexOf(line, at);
    assert(i >= at, `expected ${JSON.stringify(line)} after offset ${at} in:\n${ui}`);
    at = i + line.length;
  }
  assert(!ui.includes("%!"), `Go's fmt saw an unescaped %:\n${ui}`);
  // The values Waypoint supplies reached the context.
  assertEquals(run.report.result.fields["1"], "payload:0|app:hello|ws:default|data:true");
});

Deno.test("config and results over grpc-js's 4 MiB default cross the wire both ways", async () => {
  const big = 5 * 1024 * 1024;
  const p = await showcase(`      payload = "${"p".repeat(big)}"\n      result_bytes = ${big}`);
  const run = await build(p);
  assertEquals(run.report.error, "");
  assertEquals(run.report.ok, true);
  assertEquals(run.report.result.fields["1"].length, big);
});

Deno.test("an error thrown by build reaches the host with its message intact", async () => {
  const p = await showcase("      fail = true");
  const run = await build(p);
  assertEquals(run.report.stage, "build");
  assertEquals(
    run.report.error,
    "rpc error: code = Unknown desc = failing on purpose: 100% intended",
  );
});

Deno.test("over TCP the plugin binds 127.0.0.1 within the host's PLUGIN_MIN_PORT..PLUGIN_MAX_PORT", async () => {
  const p = await project();
  // go-plugin sets the range itself (10000..25000 by default), as on Windows.
  const { report } = await runHost(["kill", "-plugin", p.plugin], {
    cwd: p.dir,
    env: { WAYPOINT_PLUGIN_TRANSPORT: "tcp" },
  });
  const proc = report.processes[0];
  assertEquals(proc.network, "tcp");
  const [host, port] = proc.address.split(":");
  assertEquals(host, "127.0.0.1");
  assert(Number(port) >= 10000 && Number(port) <= 25000, proc.address);
  assertEquals(proc.exited, true);
  assertEquals(proc.forced, false);
});

Deno.test("for every component's probes and spec calls, the Go SDK client sees what a Go plugin answers", async () => {
  const p = await project();
  const goPlugin = await goPluginBinary();
  const [ts, go] = await Promise.all([
    runHost(["probe", "-plugin", p.plugin], { cwd: p.dir }),
    runHost(["probe", "-plugin", goPlugin], { cwd: p.dir }),
  ]);
  assertEquals(ts.report.ping, "");
  assertEquals(ts.report.dispense, go.report.dispense);
  assertEquals(ts.report.documentation, go.report.documentation);
  const nils = (r: Record<string, { nil: boolean; error: string }>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [v.nil, v.error]]));
  assertEquals(nils(ts.report.configStruct), nils(go.report.configStruct));
  // Calls whose answers legitimately differ: what each builder asks for and documents, and the
  // (empty, unused) message of DefaultReleaserSpec.
  const differing = new Set([
    "Builder.BuildSpec",
    "Builder.Documentation",
    "Builder.ConfigStruct",
    "Platform.DefaultReleaserSpec",
  ]);
  const same = (r: Record<string, string>) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => !differing.has(k)));
  assertEquals(same(ts.report.rpcs), same(go.report.rpcs));
  assertEquals(ts.report.funcs.registry.specError, go.report.funcs.registry.specError);
  assertEquals(ts.report.buildArgs.slice(1).sort(), [
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.DataDir.App)",
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.JobInfo)",
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.LabelSet)",
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.Logger)",
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.Source)",
    "*opaqueany.Any(hashicorp.waypoint.sdk.Args.TerminalUI)",
  ]);
});

Deno.test("waypoint docs shows the builder's description, fields with defaults, and template fields", async () => {
  const p = await project();
  const { report } = await runHost(["docs", "-plugin", p.plugin, "-component", "builder"], {
    cwd: p.dir,
  });
  assertEquals(report.error, "");
  const d = report.docs;
  assertEquals(d.description, "Builds a Go application with `go build`");
  assertEquals(d.output, "gobuilder.Binary");
  assertStringIncludes(d.example, 'use "gobuilder"');
  const fields = Object.fromEntries(
    d.fields.map((
      f: Record<string, unknown>,
    ) => [f.field, [f.type, f.optional, f.default, f.synopsis]]),
  );
  assertEquals(fields, {
    output_name: ["string", true, "app", "The name of the binary to produce"],
    source: ["string", true, "./", "The directory holding the Go sources, relative to the project"],
  });
  assertEquals(
    d.templateFields.map((f: Record<string, unknown>) => [f.field, f.type]),
    [["location", "string"]],
  );
});

Deno.test("when the host dies mid-build, the plugin exits within seconds, kills go build, removes its socket", async () => {
  const p = await project();
  const tmp = join(p.dir, "tmp");
  await Deno.mkdir(tmp);
  const { path, pidFile } = await sleepingGo(p);
  const host = new Deno.Command(await hostBinary(), {
    args: [...buildArgs(p), "-report", join(p.dir, "r.json")],
    cwd: p.dir,
    env: { PATH: path, TMPDIR: tmp },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  while (!(await exists(pidFile))) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));
  const [goPid, pluginPid] = (await Deno.readTextFile(pidFile)).trim().split(" ").map(Number);
  assert(alive(pluginPid) && alive(goPid));
  host.kill("SIGKILL");
  await host.status;
  const killed = performance.now();
  while ((alive(pluginPid) || alive(goPid)) && performance.now() - killed < 10_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const ms = performance.now() - killed;
  assertEquals(alive(pluginPid), false, "the plugin outlived its host");
  assertEquals(alive(goPid), false, "go build outlived the plugin");
  assert(ms < 5000, `the plugin took ${ms.toFixed(0)} ms to notice`);
  const left = [];
  for await (const e of Deno.readDir(tmp)) if (e.isDirectory) left.push(e.name);
  assertEquals(left, [], "the plugin left its socket directory");
});

Deno.test("gohcl decodes every kind of config field from waypoint.hcl into the typed config", async () => {
  const p = await project({
    entry: join(REPO, "tests", "fixtures", "schema_plugin.ts"),
    name: "schema",
  });
  await Deno.writeTextFile(
    join(p.dir, "waypoint.hcl"),
    `project = "hello"

app "hello" {
  build {
    use "schema" {
      name     = "web"
      greeting = ""
      count    = 7
      verbose  = true
      enabled  = false
      args     = ["-v", "--port=\${8000 + 80}"]
      ports    = [80, 443]
      env      = { MODE = "prod", LEVEL = "2" }

      auth {
        user  = "admin"
        token = "s3cret"
      }

      service "api" {
        port = 8080
        tags = ["a"]
      }
      service "metrics" {
        port = 9090
      }
    }
  }
}
`,
  );
  const run = await build(p, "-push=false");
  assertEquals(run.report.error, "", run.stderr);
  assertEquals(JSON.parse(run.report.result.fields["1"]), {
    name: "web",
    greeting: "", // set explicitly to "": not replaced by the default
    count: 7,
    ratio: 0.5,
    verbose: true,
    enabled: false,
    args: ["-v", "--port=8080"],
    ports: [80, 443],
    env: { MODE: "prod", LEVEL: "2" },
    auth: { user: "admin", token: "s3cret" },
    // tls: an absent optional block is undefined, which JSON drops
    service: [
      { name: "api", port: 8080, tags: ["a"] },
      { name: "metrics", port: 9090, tags: [] },
    ],
  });
});

Deno.test("HCL mistakes are reported by the host with the file position", async () => {
  const p = await project({
    entry: join(REPO, "tests", "fixtures", "schema_plugin.ts"),
    name: "schema",
  });
  await Deno.writeTextFile(
    join(p.dir, "waypoint.hcl"),
    `app "hello" {\n  build {\n    use "schema" {\n      count = "many"\n      nme = "x"\n    }\n  }\n}\n`,
  );
  const { report } = await build(p, "-push=false");
  assertEquals(report.stage, "configure");
  const diags = report.configureDiagnostics.join("\n");
  assertStringIncludes(diags, 'The argument "name" is required');
  assertStringIncludes(diags, 'An argument named "nme" is not expected here');
  assertStringIncludes(diags, "a number is required");
});

Deno.test("100 000 UI lines reach the Go host's UI, all of them, in order", async () => {
  const p = await showcase("      lines = 100000");
  const run = await build(p, "-push=false");
  assertEquals(run.report.error, "");
  const lines = run.stdout.split("\n").filter((l) => l.startsWith("line "));
  assertEquals(lines.length, 100000);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== `line ${i + 1}`) throw new Error(`line ${i + 1} is "${lines[i]}"`);
  }
});

Deno.test("a UI line over the host's 4 MiB message limit arrives whole, split into lines", async () => {
  const p = await showcase(`      big_line = ${6 * 1024 * 1024}`);
  const run = await build(p, "-push=false");
  assertEquals(run.report.error, "");
  const bs = run.stdout.split("\n").filter((l) => /^b+$/.test(l));
  assert(bs.length >= 2, `expected the line split, got ${bs.length} parts`);
  assertEquals(bs.join("").length, 6 * 1024 * 1024);
});

Deno.test("a thousand concurrent RPCs on one plugin process are all answered", async () => {
  const p = await project();
  const { report } = await runHost(
    ["rpcbench", "-plugin", p.plugin, "-n", "1000", "-concurrency", "250"],
    { cwd: p.dir },
  );
  assertEquals([report.ok, report.errors, report.firstError], [true, 0, ""]);
  assertEquals(report.n, 1000);
});
