/**
 * A snapshot of what the real Go host sees of our example plugins, for
 * refactors that must not change behaviour: the wphost scenarios the tests
 * use (a build with its UI, every lifecycle step with localdeploy, the
 * default releaser, docs of every component, a task, auth, the probes),
 * each report normalised (no pids, timings, ports, temp paths or ids that
 * differ run to run) and written as one JSON document.
 *
 * ```sh
 * deno run -A tests/conformance_snapshot.ts > before.json
 * # … change the code …
 * deno run -A tests/conformance_snapshot.ts > after.json && diff before.json after.json
 * ```
 *
 * @module
 */
import { join } from "./support/path.ts";
import { makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";
import { BUILD_AND_DEPLOY_ONLY, taskArgs } from "./support/lifecycle.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys whose values differ from run to run by nature. */
const VOLATILE =
  /^(pid|pids|timings|elapsed.*|.*Ms|.*Nanos|duration|startupMs|timestamp|@timestamp|generatedTime|createdTime|address|serverCert|cert|mtls|valueBase64|generationId)$/i;

function normaliseText(s: string, dir: string): string {
  return s
    .replaceAll(dir, "<DIR>")
    .replaceAll(REPO, "<REPO>")
    .replace(/\/tmp\/[\w.-]+/g, "<TMP>")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<PORT>")
    .replace(/localhost:\d+/g, "localhost:<PORT>")
    .replace(/\(pid \d+\)/g, "(pid <PID>)")
    .replace(/\bpid \d+/g, "pid <PID>")
    .replace(/\b01[0-9A-HJKMNP-TV-Z]{24}\b/g, "<ULID>")
    .replace(/hello-[0-9a-f]{6,}/g, "hello-<ID>")
    .replace(/\b\d+(\.\d+)?(ms|s|µs)\b/g, "<DURATION>")
    .replace(/"(pid|port)":\d+/g, '"$1":<N>')
    .replace(/\b[0-9a-f]{32,64}\b/g, "<HEX>")
    .replace(/\b(task[- ])\d+/gi, "$1<N>")
    // Whether the host's Shutdown call saw its answer or the closed connection first is a race.
    .replace(/^(plugin\.GRPCController\/Shutdown) !Canceled$/, "$1");
}

/**
 * go-plugin's client opens the stdio and broker streams from two goroutines at
 * once: which the plugin sees first is a race. Their order is not compared.
 */
function streamsSorted(rpcs: Json[]): Json[] {
  const streams = (r: Json) => typeof r === "string" && /^plugin\.(GRPCStdio|GRPCBroker)\//.test(r);
  let n = 0;
  while (n < rpcs.length && streams(rpcs[n])) n++;
  return [...rpcs.slice(0, n).sort(), ...rpcs.slice(n)];
}

function normalise(value: unknown, dir: string): Json {
  if (typeof value === "string") return normaliseText(value, dir);
  if (Array.isArray(value)) return streamsSorted(value.map((v) => normalise(v, dir)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(value).sort()) {
      if (VOLATILE.test(key)) continue;
      out[key] = normalise((value as Record<string, unknown>)[key], dir);
    }
    return out;
  }
  // Pids and ports (a deployed app's, a task's): anything this large differs run to run.
  if (typeof value === "number" && Number.isInteger(value) && value >= 1024) return "<N>";
  return (value ?? null) as Json;
}

/** What the UI printed, one normalised line each (the host's plain UI on stdout). */
function uiLines(stdout: string, dir: string): string[] {
  return stdout.split("\n").filter((l) => l.trim() !== "").map((l) => normaliseText(l, dir));
}

async function run(
  name: string,
  args: string[],
  dir: string,
  env?: Record<string, string>,
): Promise<[string, Json]> {
  const r = await runHost(args, { cwd: dir, env });
  return [name, { code: r.code, report: normalise(r.report, dir), ui: uiLines(r.stdout, dir) }];
}

async function copyApp(from: string, dir: string): Promise<void> {
  await Deno.mkdir(join(dir, "app"), { recursive: true });
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", from, "app", f), join(dir, "app", f));
  }
}

const BUILD_HCL = `project = "hello"

app "hello" {
  build {
    use "gobuilder" {
      output_name = "app"
      source      = "./app"
    }
  }
}
`;

async function project(hcl: string, app: string): Promise<{ dir: string; plugins: string[] }> {
  const dir = await tempDir("snap-");
  await Deno.mkdir(join(dir, "tmp"));
  await copyApp(app, dir);
  await Deno.writeTextFile(join(dir, "waypoint.hcl"), hcl);
  const plugins: string[] = [];
  for (const name of ["gobuilder", "localdeploy"]) {
    plugins.push(await makeLauncher(dir, name, join(REPO, "examples", name, "main.ts")));
  }
  return { dir, plugins };
}

async function scenarios(): Promise<Record<string, Json>> {
  const out: [string, Json][] = [];
  const remove: string[] = [];

  const b = await project(BUILD_HCL, "gobuilder");
  remove.push(b.dir);
  const [gobuilder, localdeploy] = b.plugins;
  const tmp = { TMPDIR: join(b.dir, "tmp") };
  const hcl = join(b.dir, "waypoint.hcl");
  out.push(
    await run("build", ["build", "-plugin", gobuilder, "-config", hcl, "-ui", "plain"], b.dir, tmp),
  );
  out.push(await run("probe gobuilder", ["probe", "-plugin", gobuilder], b.dir, tmp));
  out.push(await run("probe localdeploy", ["probe", "-plugin", localdeploy], b.dir, tmp));
  out.push(
    await run("docs builder", ["docs", "-plugin", gobuilder, "-component", "builder"], b.dir, tmp),
  );
  for (const c of ["registry", "platform", "releasemanager"]) {
    out.push(await run(`docs ${c}`, ["docs", "-plugin", localdeploy, "-component", c], b.dir, tmp));
  }
  out.push(
    await run(
      "auth registry",
      [
        "auth",
        "-plugin",
        localdeploy,
        "-component",
        "registry",
        "-auth-mode",
        "needed",
        "-ui",
        "plain",
      ],
      b.dir,
      tmp,
    ),
  );
  out.push(
    await run(
      "task",
      taskArgs(localdeploy),
      b.dir,
      tmp,
    ),
  );

  const full = await project(
    await Deno.readTextFile(join(REPO, "examples", "localdeploy", "waypoint.hcl")),
    "localdeploy",
  );
  remove.push(full.dir);
  out.push(
    await run(
      "lifecycle all steps",
      [
        "lifecycle",
        "-config",
        join(full.dir, "waypoint.hcl"),
        "-plugin",
        `gobuilder=${full.plugins[0]}`,
        "-plugin",
        `localdeploy=${full.plugins[1]}`,
        "-steps",
        "build,push,deploy,release,status,exec,logs,destroy",
        "-ui",
        "plain",
        "-exec-arg",
        "sh",
        "-exec-arg",
        "-c",
        "-exec-arg",
        'cat; echo "PORT set: ${PORT:+yes}"; exit 3',
        "-exec-input",
        "hello from stdin\n",
      ],
      full.dir,
      { TMPDIR: join(full.dir, "tmp") },
    ),
  );

  const bare = await project(BUILD_AND_DEPLOY_ONLY, "localdeploy");
  remove.push(bare.dir);
  out.push(
    await run(
      "lifecycle default releaser",
      [
        "lifecycle",
        "-config",
        join(bare.dir, "waypoint.hcl"),
        "-plugin",
        `gobuilder=${bare.plugins[0]}`,
        "-plugin",
        `localdeploy=${bare.plugins[1]}`,
        "-steps",
        "build,push,deploy,release,destroy",
        "-ui",
        "plain",
      ],
      bare.dir,
      { TMPDIR: join(bare.dir, "tmp") },
    ),
  );
  for (const d of remove) await Deno.remove(d, { recursive: true }).catch(() => {});
  return Object.fromEntries(out);
}

if (import.meta.main) {
  console.log(JSON.stringify(await scenarios(), null, 2));
}
