/**
 * Least privilege, through the Go host (`wphost`, go-plugin v1.4.3): the
 * gobuilder example started with exactly its declared permissions plus what
 * serve() needs serves and builds; a plugin started without a permission
 * serve() needs gives the host an error naming the flag, and leaves no
 * socket directory and no process; a build that runs a command it may not
 * run fails with an RPC error naming the flag, and the plugin keeps serving.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import {
  gobuilderApp,
  launcherPermissionFlags,
  makeLauncher,
  REPO,
  runHost,
} from "./support/host.ts";
import { startDebugPlugin } from "./support/debug_plugin.ts";
import { processesLeftIn } from "./support/processes.ts";
import { PLUGIN_V8_FLAGS, SERVE_ENV } from "../src/permissions.ts";

const GOBUILDER = join(REPO, "examples", "gobuilder", "main.ts");
const ENV_FLAG = `--allow-env=${SERVE_ENV.join(",")}`;

/** A Waypoint project with the gobuilder's app and waypoint.hcl, and a private TMPDIR. */
async function project(): Promise<{ dir: string; tmp: string }> {
  const dir = await gobuilderApp("perm-");
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  return { dir, tmp };
}

async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out;
}

/** A launcher that runs the gobuilder with exactly `flags` (no shell expansion, no defaults). */
async function launcherWith(dir: string, flags: string[]): Promise<string> {
  const path = join(dir, "waypoint-plugin-gobuilder");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\nexec "${Deno.execPath()}" run --quiet --no-prompt --cached-only ${PLUGIN_V8_FLAGS} --config "${
      join(REPO, "deno.json")
    }" ${flags.map((f) => `'${f}'`).join(" ")} "${GOBUILDER}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("the gobuilder with exactly its declared permissions serves and builds through the Go host", async () => {
  const flags = launcherPermissionFlags(GOBUILDER);
  assertEquals(flags, [
    ENV_FLAG,
    "--allow-read=/tmp,/etc/group,.",
    "--allow-write=/tmp",
    "--allow-net",
    "--allow-run=go",
  ]);
  const p = await project();
  const launcher = await makeLauncher(p.dir, "gobuilder", GOBUILDER);
  const text = await Deno.readTextFile(launcher);
  assertStringIncludes(text, " --no-prompt ");
  assert(!/--allow-sys|--allow-all|-A /.test(text), text);

  const run = await runHost(
    ["build", "-plugin", launcher, "-config", "waypoint.hcl", "-ui", "plain"],
    { cwd: p.dir, env: { TMPDIR: p.tmp } },
  );
  assertEquals([run.report.ok, run.report.error], [true, ""], run.stdout);
  assertStringIncludes(run.stdout, " +: Application built successfully");
  assert((await Deno.stat(join(p.dir, "app", "app"))).isFile, "go build wrote no binary");
  // Only the plugin's own socket directory counts: a reattached go-plugin 1.4.3 host leaves its
  // broker socket (plugin<digits>) in TMPDIR when its Shutdown is dropped.
  const ours = (await entries(p.tmp)).filter((e) => /^plugin[0-9a-f]{16}$/.test(e));
  assertEquals(ours, [], "the plugin's socket directory stayed behind");
  assertEquals(await processesLeftIn(p.dir), []);
});

Deno.test("a plugin started without a permission serve() needs: the host's error names the flag, nothing is left behind", async () => {
  const readTmp = (tmp: string) => [`--allow-read=${tmp}`, `--allow-write=${tmp}`];
  const cases: { why: string; flags: (tmp: string) => string[]; error: (tmp: string) => string }[] =
    [
      {
        why: "no env at all: grpc-js reads GRPC_* while it loads",
        flags: (tmp) => [...readTmp(tmp), "--allow-net"],
        error: () =>
          `The plugin may not read the environment variable "GRPC_NODE_VERBOSITY", which it reads before it serves: start it with ${ENV_FLAG} (compile and install --dev add it)`,
      },
      {
        why: "env without the cookie",
        flags: (tmp) => ["--allow-env=GRPC_*", ...readTmp(tmp), "--allow-net"],
        error: () =>
          `The plugin may not read the environment variable "WAYPOINT_PLUGIN", which it reads before it serves: start it with ${ENV_FLAG} (compile and install --dev add it)`,
      },
      {
        why: "no net",
        flags: (tmp) => [ENV_FLAG, ...readTmp(tmp)],
        error: () =>
          "The plugin may not use the network, which its unix socket and the host's need (Deno scopes a unix socket to one exact path, and both get random names at start): start it with --allow-net (compile and install --dev add it)",
      },
      {
        why: "net scoped to a socket path: the socket's path is made at start",
        flags: (tmp) => [ENV_FLAG, ...readTmp(tmp), `--allow-net=unix:${tmp}/plugin.sock`],
        error: () =>
          "The plugin may not use the network, which its unix socket and the host's need (Deno scopes a unix socket to one exact path, and both get random names at start): start it with --allow-net (compile and install --dev add it)",
      },
      {
        // A folder beside TMPDIR, not /tmp: a clone under /tmp (as CI's) would hold TMPDIR in it.
        why: "read and write of another folder only, with TMPDIR outside it",
        flags: (tmp) => [ENV_FLAG, ...readTmp(join(tmp, "..", "elsewhere")), "--allow-net"],
        error: (tmp) =>
          `The plugin may not read and write "${tmp}" (TMPDIR), where its unix socket goes: add "read=${tmp}" and "write=${tmp}" to waypoint.permissions in deno.json (deno flags --allow-read=${tmp} --allow-write=${tmp})`,
      },
    ];
  for (const c of cases) {
    const p = await project();
    const launcher = await launcherWith(p.dir, c.flags(p.tmp));
    const run = await runHost(["kill", "-plugin", launcher], {
      cwd: p.dir,
      env: { TMPDIR: p.tmp },
    });
    assertEquals(
      [run.report.ok, run.report.stage, run.report.error],
      [
        false,
        "dispense",
        `Unrecognized remote plugin message: ${c.error(p.tmp)}\n\n` +
        "This usually means that the plugin is either invalid or simply\n" +
        "needs to be recompiled to support the latest protocol.",
      ],
      c.why,
    );
    // go-plugin re-logs the plugin's one hclog line, at error level, with the flags.
    const relogged = run.log.filter((l) => l["@message"] === "plugin init error");
    assertEquals(relogged.map((l) => [l["@level"], l.error]), [["error", c.error(p.tmp)]], c.why);
    assert(!run.log.some((l) => /NotCapable|Uncaught/.test(String(l["@message"]))), c.why);
    assertEquals(run.report.processes.map((x: { exited: boolean }) => x.exited), [true], c.why);
    assertEquals(await entries(p.tmp), [], `${c.why}: a socket directory stayed behind`);
    assertEquals(await processesLeftIn(p.dir), [], c.why);
  }
});

Deno.test("a build that runs a command it may not run: the RPC error names the flag, and the plugin keeps serving", async () => {
  const p = await project();
  // The gobuilder's declaration without "run=go".
  const plugin = await startDebugPlugin(p.dir, "gobuilder", GOBUILDER, { TMPDIR: p.tmp }, [
    "read=.",
  ]);
  let report;
  try {
    const run = await runHost(
      ["builds", "-reattach", "gobuilder", "-config", join(p.dir, "waypoint.hcl"), "-n", "2"],
      { cwd: p.dir, env: { WP_REATTACH_PLUGINS: plugin.reattach, TMPDIR: p.tmp } },
    );
    report = run.report;
  } finally {
    assertEquals(await plugin.stop(), 0, "the plugin did not keep serving");
  }
  assertEquals([report.n, report.completed, report.hung], [2, 2, 0]);
  const want = 'rpc error: code = PermissionDenied desc = requires run access to "go"; ' +
    'add "run=go" to waypoint.permissions in deno.json (deno flag --allow-run=go)';
  assertEquals(report.failed, 2);
  for (const b of report.builds) assertEquals([b.stage, b.error], ["build", want]);
  // Only the plugin's own socket directory counts: a reattached go-plugin 1.4.3 host leaves its
  // broker socket (plugin<digits>) in TMPDIR when its Shutdown is dropped.
  const ours = (await entries(p.tmp)).filter((e) => /^plugin[0-9a-f]{16}$/.test(e));
  assertEquals(ours, [], "the plugin's socket directory stayed behind");
  assertEquals(await processesLeftIn(p.dir), []);
});

/**
 * Builds the gobuilder through the test host, from a project whose deno.json
 * declares `permissions`, in a `deno` process of its own
 * (tests/fixtures/test_host_build.ts). Why a process each: two test-host
 * sessions in one process, the first with a refused build, crashed Deno
 * 2.9.6 in about half the runs during the second one's build (an nghttp2
 * assertion on a GOAWAY in its node:http2, denoland/deno#36788, or a bare
 * SIGSEGV), killing the whole test run before any code of ours could see
 * it. Each session alone never crashed (0 in 12 runs each).
 */
async function buildDeclaring(permissions: string[]): Promise<Record<string, unknown>> {
  const repoConfig = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const p = await project();
  // A plugin project of its own: the gobuilder's main module, and a deno.json declaring `permissions`.
  await Deno.writeTextFile(
    join(p.dir, "deno.json"),
    JSON.stringify({
      imports: { ...repoConfig.imports, "@x/waypoint-plugin": join(REPO, "mod.ts") },
      waypoint: { permissions },
    }),
  );
  await Deno.writeTextFile(join(p.dir, "main.ts"), `import ${JSON.stringify(GOBUILDER)};\n`);
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-prompt",
      join(REPO, "tests", "fixtures", "test_host_build.ts"),
      p.dir,
      join(p.dir, "main.ts"),
    ],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assertEquals(out.code, 0, dec.decode(out.stderr));
  return JSON.parse(dec.decode(out.stdout));
}

Deno.test("the test host grants what the deno.json beside the entry declares, and nothing more", async () => {
  assertEquals(await buildDeclaring(["read=."]), {
    codeName: "PERMISSION_DENIED",
    message:
      'hashicorp.waypoint.sdk.Builder/Build: requires run access to "go"; add "run=go" to waypoint.permissions in deno.json (deno flag --allow-run=go)',
    stillServing: true,
  });
  assertEquals(await buildDeclaring(["read=.", "run=go"]), {
    json: { location: "./app/app" },
    stillServing: true,
  });
});
