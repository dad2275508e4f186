/**
 * `compile` embeds a bundle: `deno bundle` writes the plugin and its npm
 * packages as one file in a temporary folder, and each target's `deno
 * compile` embeds that file. A compiled binary cannot run here (no denort:
 * the runtimes are stand-ins, see support/fake_denort.ts), so the tests prove
 * the parts around it: the binary embeds exactly the bundle `writeBundle`
 * makes, with the flags baked as the sources' compile baked them (read from
 * deno compile's metadata in the binary); that bundle, run by `deno run`
 * with no config, no lockfile, no npm and no remote modules, takes the hello
 * app through Waypoint core's whole lifecycle under wphost; the payload per
 * target; and no temporary folder is left behind, built or failed.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, REPO, tempDir } from "./support/host.ts";
import { fakeRuntimes, runtimeEnv } from "./support/fake_denort.ts";
import { compiledMetadata } from "./support/compiled_metadata.ts";
import {
  ALL_STEPS,
  assertAllShutDownCleanly,
  execArgs,
  leavesNothingRunning,
  leftovers,
  lifecycle,
  project,
  WITH_REGISTRY_AND_RELEASE,
} from "./support/lifecycle.ts";
import { makeBundledLauncher } from "../scripts/lib/launcher.ts";
import { processesIn, processesLeftIn } from "./support/processes.ts";
import { writeBundle } from "../src/tools/compile/bundle.ts";
import { TARGETS } from "../src/tools/compile/targets.ts";
import { servePermissions } from "../src/permissions.ts";

const dec = new TextDecoder();
const TOOL = join(REPO, "src", "tools", "compile.ts");
const MiB = 1024 * 1024;
/** What the bundle adds per target is ~1.5 MiB (the module graph: ~14 MiB); the bound leaves room. */
const BUNDLED_PAYLOAD_MAX = 3 * MiB;

/** Runs the compile tool in `cwd` with a private TMPDIR; the environment has no DENORT_BIN*. */
async function compile(args: string[], cwd: string, tmp: string, env: Record<string, string>) {
  const base = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("DENORT_BIN")),
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", TOOL, ...args],
    cwd,
    env: { ...base, NO_COLOR: "1", TMPDIR: tmp, ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A scratch folder holding `tmp/` (the compile's TMPDIR) and `bin/`. */
async function scratch(): Promise<{ dir: string; tmp: string; bin: string }> {
  const dir = await tempDir("bundle-");
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  return { dir, tmp, bin: join(dir, "bin") };
}

/** A scratch project: `main.ts` holding `main`, a deno.json with a version. */
async function demo(main: string): Promise<{ dir: string; tmp: string; bin: string }> {
  const s = await scratch();
  await Deno.writeTextFile(join(s.dir, "main.ts"), main);
  await Deno.writeTextFile(join(s.dir, "deno.json"), JSON.stringify({ version: "1.0.0" }));
  return s;
}

/** Compiles the {@linkcode demo} project for linux_amd64. */
function compileDemo(s: { dir: string; tmp: string }, env: Record<string, string>) {
  return compile(["--name", "demo", "--target", "linux_amd64"], s.dir, s.tmp, env);
}

/** Whether `haystack` holds `needle` byte for byte. */
function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const h = new TextDecoder("latin1").decode(haystack);
  return h.includes(new TextDecoder("latin1").decode(needle));
}

/**
 * The permissions deno compile bakes for a plugin that declares none: what
 * serve() needs on `os`, as its metadata lists them (`allow_<name>`, an empty
 * list when unscoped).
 */
function bakedDefaults(os: string): Record<string, unknown> {
  return Object.fromEntries(
    servePermissions(os).map((spec) => {
      const [name, scope] = spec.split("=");
      return [`allow_${name}`, scope === undefined ? [] : scope.split(",")];
    }),
  );
}

Deno.test("compile bundles first: every target embeds the bundle, flags baked, payload under 3 MiB", async () => {
  const runtimes = await fakeRuntimes();
  const s = await scratch();
  const entry = join("examples", "gobuilder", "main.ts");
  const r = await compile(
    ["--entry", entry, "--name", "gobuilder", "--out", s.bin],
    REPO,
    s.tmp,
    runtimeEnv(runtimes),
  );
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(r.stderr, `deno bundle ${entry} …`);
  assertEquals(await leftovers(s.tmp), [], "compile left its temporary folder behind");

  // The bundle compile embeds is the one writeBundle writes (deterministic), verbatim.
  const bundle = await Deno.readFile(
    await writeBundle({ name: "gobuilder", entry, config: "deno.json" }, join(s.dir, "b")),
  );
  // ASCII only: V8 keeps a script with one non-ASCII character as a two-byte string.
  assertEquals(bundle.findIndex((b) => b > 0x7f), -1, "the bundle holds a non-ASCII byte");
  for (const t of TARGETS) {
    const file = join(
      s.bin,
      t.goName,
      `waypoint-plugin-gobuilder${t.os === "windows" ? ".exe" : ""}`,
    );
    const binary = await Deno.readFile(file);
    const payload = binary.length - (await Deno.stat(runtimes[t.goName])).size;
    assert(
      payload < BUNDLED_PAYLOAD_MAX,
      `${t.goName}: payload ${(payload / MiB).toFixed(2)} MiB is not under 3 MiB`,
    );
    assert(contains(binary, bundle), `${t.goName}: the binary does not embed the bundle`);
    const meta = await compiledMetadata(file);
    assertMatch(meta.entrypoint_key, /\/waypoint-compile-[^/]+\/gobuilder\/main\.js$/, t.goName);
    const permissions = Object.fromEntries(
      Object.entries(meta.permissions).filter(([k, v]) => k.startsWith("allow_") && v !== null),
    );
    // allow_import is deno's default list of hosts, not ours.
    delete permissions.allow_import;
    assertEquals(permissions, bakedDefaults(t.os), t.goName);
    assertEquals(meta.permissions.prompt, false, `${t.goName}: prompts are on`);
    assertEquals(
      meta.v8_flags.slice(-3),
      ["--min-semi-space-size=8", "--max-semi-space-size=8", "--heap-growing-percent=30"],
      t.goName,
    );
  }
});

Deno.test("--no-bundle compiles the entry's module graph, as before the bundle step", async () => {
  const runtimes = await fakeRuntimes();
  const s = await scratch();
  const entry = join("examples", "gobuilder", "main.ts");
  const r = await compile(
    [
      "--entry",
      entry,
      "--name",
      "gobuilder",
      "--out",
      s.bin,
      "--target",
      "linux_amd64",
      "--no-bundle",
    ],
    REPO,
    s.tmp,
    runtimeEnv(runtimes),
  );
  assertEquals(r.code, 0, r.stderr);
  assert(!r.stderr.includes("deno bundle"), r.stderr);
  const file = join(s.bin, "linux_amd64", "waypoint-plugin-gobuilder");
  const meta = await compiledMetadata(file);
  assert(meta.entrypoint_key.endsWith("examples/gobuilder/main.ts"), meta.entrypoint_key);
  const payload = (await Deno.stat(file)).size - (await Deno.stat(runtimes.linux_amd64)).size;
  // The npm packages' files are embedded: several times the bundle's bound.
  assert(payload > 2 * BUNDLED_PAYLOAD_MAX, `payload ${(payload / MiB).toFixed(2)} MiB`);
  assertEquals(await leftovers(s.tmp), []);
});

Deno.test("what a compiled plugin runs works: the bundles take the hello app through the lifecycle", async () => {
  // Bundled as compile bundles them; run with no deno.json, lockfile, npm or remote modules.
  const launch = (dir: string, name: string) =>
    makeBundledLauncher(dir, name, join(REPO, "examples", name, "main.ts"));
  const p = await project(WITH_REGISTRY_AND_RELEASE, launch);
  await leavesNothingRunning(p, async () => {
    const run = await lifecycle(p, ALL_STEPS, ...execArgs("cat; exit 3", "hello from stdin\n"));
    const r = run.report;
    assertEquals([r.ok, r.stage, r.error], [true, "", ""], run.stdout + run.stderr);
    const s = r.steps;
    // gobuilder built the app; localdeploy pushed it, deployed it and it answered.
    assertEquals(
      await Deno.readFile(join(p.dir, s.push.result.templateData.path)),
      await Deno.readFile(join(p.dir, "app", "app")),
    );
    const url = `http://127.0.0.1:${s.deploy.result.templateData.port}`;
    assertEquals([s.deploy.url, s.release.url], [url, url]);
    assertEquals(s.status.deployment.health, "READY");
    assertEquals(s.status.release.health, "READY");
    assertEquals([s.exec.exitCode, s.exec.stdout], [3, "hello from stdin\n"]);
    assertEquals(s.logs.events[0].contents, `listening on ${url}`);
    assertEquals(
      s.destroy.deployment.destroyedResources.map((x: { name: string }) => x.name),
      ["process", "binary"],
    );
    assertEquals(await exists(join(p.dir, ".waypoint/deployments")), false);
    // Each process was a bundle: the launchers run nothing else.
    for (const name of ["gobuilder", "localdeploy"]) {
      const text = await Deno.readTextFile(join(p.dir, `waypoint-plugin-${name}`));
      assertStringIncludes(text, ` --no-config --no-lock --no-npm --no-remote `);
      assertStringIncludes(text, join(p.dir, "bundles", name, "main.js"));
    }
    assertEquals(r.processes.length, 17);
    assertAllShutDownCleanly(r);
    assertEquals(await leftovers(p.tmp), []);
  });
});

Deno.test("a failed bundle: the error names the entry, exit 1, no bin/, no temporary folder", async () => {
  const runtimes = await fakeRuntimes();
  const s = await demo("const x = ;\n");
  const r = await compileDemo(s, runtimeEnv(runtimes));
  assertEquals(r.code, 1, r.stderr);
  // deno bundle's own message points at the line; ours names the entry and the way out.
  assertStringIncludes(r.stderr, `${join(s.dir, "main.ts")}:1:11`);
  assertStringIncludes(
    r.stderr,
    `error: deno bundle failed for "main.ts" (exit 1); its output is above. Fix the entry's ` +
      "module graph, or compile it without a bundle: --no-bundle. Command: deno bundle ",
  );
  assertEquals(await exists(s.bin), false, "bin/ was left behind");
  assertEquals(await leftovers(s.tmp), [], "the temporary folder was left behind");
});

Deno.test("a compile that fails after the bundle leaves no temporary folder", async () => {
  const runtimes = await fakeRuntimes();
  const s = await demo('console.log("demo plugin");\n');
  // A folder where the binary goes: deno compile refuses to write over it.
  await Deno.mkdir(join(s.bin, "linux_amd64", "waypoint-plugin-demo"), { recursive: true });
  const r = await compileDemo(s, runtimeEnv(runtimes));
  assertEquals(r.code, 1, r.stderr);
  assertStringIncludes(r.stderr, "deno bundle main.ts …\n");
  assertStringIncludes(r.stderr, "error: deno compile failed for linux_amd64 (exit 1)");
  assertEquals(await leftovers(s.tmp), [], "the temporary folder was left behind");
});

Deno.test("without esbuild (deno bundle fetches it from npm once), the error says so and names --no-bundle", async () => {
  // A fresh DENO_DIR and a proxy on a closed port: the fetch fails here as it would offline.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const proxy = `http://127.0.0.1:${listener.addr.port}`;
  listener.close();
  const s = await demo('console.log("demo plugin");\n');
  const r = await compileDemo(s, {
    DENO_DIR: join(s.dir, "deno_dir"),
    HTTPS_PROXY: proxy,
    https_proxy: proxy,
    NO_PROXY: "",
    no_proxy: "",
  });
  assertEquals(r.code, 1, r.stderr);
  assertStringIncludes(
    r.stderr,
    `error: deno bundle failed for "main.ts" (exit 1); its output is above. deno bundle could ` +
      "not fetch esbuild from the npm registry (once per DENO_DIR); go online once, or compile " +
      "without a bundle: --no-bundle. Command: ",
  );
  assertEquals(await exists(s.bin), false, "bin/ was left behind");
  assertEquals(await leftovers(s.tmp), [], "the temporary folder was left behind");
});

Deno.test("Ctrl-C during the bundle stops deno bundle, removes the temporary folder, exits 130", async () => {
  const runtimes = await fakeRuntimes();
  const s = await demo('console.log("demo plugin");\n');
  const base = Object.fromEntries(
    Object.entries(Deno.env.toObject()).filter(([k]) => !k.startsWith("DENORT_BIN")),
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", TOOL, "--name", "demo", "--target", "linux_amd64"],
    cwd: s.dir,
    env: { ...base, NO_COLOR: "1", TMPDIR: s.tmp, ...runtimeEnv(runtimes) },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Wait until deno bundle runs with its output in the temporary folder.
  const deadline = Date.now() + 30_000;
  while ((await processesIn(s.tmp)).length === 0) {
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.output();
      throw new Error("deno bundle did not start within 30 s");
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  const out = await child.output();
  const stderr = dec.decode(out.stderr);
  assertEquals(out.code, 130, stderr);
  assertMatch(stderr, /error: stopped by SIGINT; the temporary folder .+ is removed\n$/);
  assertEquals(await processesLeftIn(s.tmp), [], "deno bundle was left running");
  assertEquals(await leftovers(s.tmp), [], "the temporary folder was left behind");
  assertEquals(await exists(s.bin), false, "bin/ was left behind");
});
