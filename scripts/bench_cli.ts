/**
 * The benchmark's real-CLI rows: whole `waypoint build` and `waypoint up`
 * commands of the real Waypoint v0.11.4 CLI (local server, `-local=true`),
 * with our plugins (gobuilder and localdeploy, installed with `install
 * --dev`) against the Go SDK reference plugins of tests/conformance doing
 * the same work (goplugin builds with `go build`; goplatform with `serve =
 * true` pushes by copying, deploys by starting the web app on a free port
 * and waiting until it answers, releases with a marker), side by side in one
 * run: the wall time of each command, the CPU its plugin processes used
 * (user + system of every plugin launch, with what each waited for, such as
 * `go build`) and how many plugin processes it launched. Our plugins run
 * twice over: from their `install --dev` launchers and from their bundles,
 * as `compile` bundles them (what a compiled plugin runs; a compiled binary
 * cannot run here without denort).
 *
 * ```sh
 * deno run -A scripts/bench_cli.ts --runs 5   # just these rows, as Markdown
 * ```
 *
 * `deno task bench` calls {@linkcode benchCli} and puts the rows in its table.
 *
 * Two things keep the figures about the plugins: every timed `up` prunes
 * exactly one old deployment (two untimed ups come first), and the apps it
 * stops are reaped at once by this process (scripts/bench/reaper.ts), not
 * whenever the machine's init gets to it.
 *
 * @module
 */
import { join } from "node:path";
import { StreamStall, Waypoint } from "./lib/waypoint.ts";
import { runCli, UsageError } from "../src/tools/cli.ts";
import { goPlatformBinary, goPluginBinary } from "./lib/conformance.ts";
import { REPO } from "./lib/repo.ts";
import { makeBundledLauncher } from "./lib/launcher.ts";
import { clearCpuLog, type CpuLog, cpuWrapper, readCpuLog, wrapPlugins } from "./bench/cpu_wrap.ts";
import { OrphanReaper } from "./bench/reaper.ts";

/** One row of the benchmark table (the TS and Go columns). */
export interface CliRow {
  figure: string;
  unit: "ms" | "launches";
  ts?: number | string;
  go?: number | string;
  ratios?: { tsGo?: boolean };
}

/** What {@linkcode benchCli} measured. */
export interface CliBench {
  rows: CliRow[];
  /** Figures that could not be measured, with the reason. */
  failures: string[];
  /** How the figures were taken (for the results file), including every run's figures. */
  method: string[];
}

/** Our plugins from source, our plugins from their bundles, the Go SDK's. */
type Side = "ts" | "bundle" | "go";
const SIDES: Side[] = ["ts", "bundle", "go"];
type Command = "build" | "up";
const COMMANDS: Command[] = ["build", "up"];

const APP = join(REPO, "examples", "localdeploy", "app");
/** The deployed binary's name on every side (`output_name`), the name the reaper reaps. */
const APP_NAME = "app";
const GO_HCL = `project = "bench-go"

app "hello" {
  build {
    use "gobuild" {
      output_name = "app"
      source      = "./app"
    }

    registry {
      use "gofiles" {
        directory = ".waypoint/registry"
      }
    }
  }

  deploy {
    use "gofiles" {
      directory = ".waypoint/deployments"
      serve     = true
    }
  }

  release {
    use "gofiles" {}
  }
}
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The three projects on one server: ours twice and the Go reference, their plugins in place. */
async function projects(wp: Waypoint): Promise<Record<Side, { dir: string; plugins: string[] }>> {
  const app = {
    "app/main.go": { from: join(APP, "main.go") },
    "app/go.mod": { from: join(APP, "go.mod") },
  };
  const tsHcl = (await Deno.readTextFile(join(REPO, "examples", "localdeploy", "waypoint.hcl")))
    .replace('project = "hello"', 'project = "bench-ts"');
  const ts = await wp.project("bench-ts", { "waypoint.hcl": tsHcl, ...app });
  await wp.installPlugin(ts, "gobuilder");
  await wp.installPlugin(ts, "localdeploy");
  const bundle = await wp.project("bench-tsb", {
    "waypoint.hcl": tsHcl.replace('project = "bench-ts"', 'project = "bench-tsb"'),
    ...app,
  });
  for (const name of ["gobuilder", "localdeploy"]) {
    const entry = join(REPO, "examples", name, "main.ts");
    await makeBundledLauncher(join(bundle, ".waypoint", "plugins"), name, entry);
  }
  const go = await wp.project("bench-go", { "waypoint.hcl": GO_HCL, ...app });
  const [builder, platform] = await Promise.all([goPluginBinary(), goPlatformBinary()]);
  await Deno.mkdir(join(go, ".waypoint", "plugins"), { recursive: true });
  await Deno.symlink(builder, join(go, ".waypoint", "plugins", "waypoint-plugin-gobuild"));
  await Deno.symlink(platform, join(go, ".waypoint", "plugins", "waypoint-plugin-gofiles"));
  return {
    ts: { dir: ts, plugins: ["gobuilder", "localdeploy"] },
    bundle: { dir: bundle, plugins: ["gobuilder", "localdeploy"] },
    go: { dir: go, plugins: ["gobuild", "gofiles"] },
  };
}

/**
 * The Waypoint server's GetJobStream stalls this run met and ran again (see
 * src/testing/waypoint/stall.ts).
 */
const stalls: string[] = [];

/** One command's figures. */
interface Run {
  /** Wall time as this script sees it (spawn to exit). */
  ms: number;
  /** What the plugin wrappers logged. */
  cpu: CpuLog;
  /** Old deployments `up` pruned (from its output). */
  pruned: number;
}

/**
 * The dev bundles an `install --dev` launcher (moved to
 * `.waypoint/real-plugins` by the wrapping) runs: the `bundle=` line of each
 * script, unquoted. None for other launchers and for binaries.
 */
async function devBundles(project: string, names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const file = join(project, ".waypoint", "real-plugins", `waypoint-plugin-${name}`);
    let text: string;
    try {
      text = new TextDecoder().decode((await Deno.readFile(file)).subarray(0, 4096));
    } catch {
      continue;
    }
    const m = /^bundle=(.*)$/m.exec(text);
    if (!m) continue;
    const word = m[1];
    found.push(
      word.startsWith("'") && word.endsWith("'")
        ? word.slice(1, -1).replaceAll(`'\\''`, "'")
        : word,
    );
  }
  return found;
}

/** What identifies a file's version: inode and mtime ("" when it is missing). */
async function version(file: string): Promise<string> {
  try {
    const st = await Deno.stat(file);
    return `${st.ino}:${st.mtime?.getTime()}`;
  } catch {
    return "";
  }
}

/** Runs `install --dev` launchers rebuilt their bundle in (a source changed meanwhile), run again. */
const rebuilds: string[] = [];

/**
 * Runs one command; returns its figures. A run the Waypoint server's
 * GetJobStream stall interrupts (its job finished; the CLI never heard) is
 * not the plugins' doing: it is noted and run once more, its figures
 * dropped. So is, up to twice, a run in which an `install --dev` launcher
 * rebuilt its bundle (`watch`: the bundles) because a source file changed
 * meanwhile (other work in the same tree), as it does once after an edit.
 */
async function cli(wp: Waypoint, dir: string, args: string[], watch: string[] = []): Promise<Run> {
  const what = `waypoint ${args.join(" ")} in ${dir.split("/").at(-1)}`;
  for (let stalled = 0, rebuilt = 0;;) {
    await clearCpuLog(dir);
    const before = await Promise.all(watch.map(version));
    try {
      const r = await wp.run([...args, "-plain"], { cwd: dir });
      if (r.code !== 0) {
        throw new Error(`waypoint ${args.join(" ")} failed (exit ${r.code}):\n${r.output}`);
      }
      const after = await Promise.all(watch.map(version));
      if (after.some((v, i) => v !== before[i]) && rebuilt < 2) {
        rebuilt++;
        rebuilds.push(what);
        continue;
      }
      const pruned = r.stdout.split("» Pruning old deployments")[1]?.split("»")[0]
        .match(/^\s+Deployment: \S+ \(v\d+\)$/gm)?.length ?? 0;
      return { ms: r.ms, cpu: await readCpuLog(dir), pruned };
    } catch (err) {
      if (!(err instanceof StreamStall) || stalled++ > 0) throw err;
      stalls.push(what);
    }
  }
}

const OPS: Record<Command, string[]> = {
  build: ["build", "-local=true"],
  up: ["up", "-local=true"],
};

type Runs = Record<Side, Record<Command, Run[]>>;
type Projects = Awaited<ReturnType<typeof projects>>;

/**
 * The timed runs, sides in turn (each round starting at the next side),
 * after one untimed build and two untimed ups each: Waypoint's `up` keeps
 * two deployments, so every timed `up` prunes exactly one.
 */
async function measure(
  wp: Waypoint,
  p: Projects,
  o: { runs: number; progress: (msg: string) => void },
  runs: Runs,
): Promise<void> {
  o.progress("real CLI: wrapping every plugin executable in scripts/bench/cpuwrap");
  const wrapper = await cpuWrapper();
  const watch = {} as Record<Side, string[]>;
  for (const side of SIDES) {
    await wrapPlugins(p[side].dir, p[side].plugins, wrapper);
    watch[side] = await devBundles(p[side].dir, p[side].plugins);
  }
  for (const side of SIDES) await cli(wp, p[side].dir, ["init"]);
  o.progress(
    "real CLI: untimed build, up and up each (warms the caches; later ups each prune one)",
  );
  for (const side of SIDES) {
    for (const op of ["build", "up", "up"] as const) await cli(wp, p[side].dir, OPS[op]);
  }
  o.progress(
    `real CLI: ${o.runs} × waypoint build and up, TS, TS bundled and Go in turn (rotating)`,
  );
  for (let i = 0; i < o.runs; i++) {
    for (const op of COMMANDS) {
      const order = [...SIDES.slice(i % SIDES.length), ...SIDES.slice(0, i % SIDES.length)];
      for (const side of order) {
        runs[side][op].push(await cli(wp, p[side].dir, OPS[op], watch[side]));
      }
    }
  }
}

/** The summed plugin CPU (user + system) of a run, ms. */
const cpuMs = (r: Run) => (r.cpu.userUs + r.cpu.sysUs) / 1000;

function rowsOf(runs: Runs, n: number): CliRow[] {
  const val = (rs: Run[], f: (r: Run) => number) => rs.length === n ? median(rs.map(f)) : "failed";
  const rows: CliRow[] = [];
  const pair = (figure: string, unit: CliRow["unit"], ts: CliRow["ts"], go: CliRow["go"]) =>
    rows.push({ figure, unit, ts, go, ratios: unit === "ms" ? { tsGo: true } : undefined });
  for (const op of COMMANDS) {
    const [ts, bundle, go] = [runs.ts[op], runs.bundle[op], runs.go[op]];
    pair(
      `real CLI: waypoint ${op}, wall time, median of ${n}`,
      "ms",
      val(ts, (r) => r.ms),
      val(go, (r) => r.ms),
    );
    pair(
      `real CLI: waypoint ${op}, plugins from their bundles (as compiled), median of ${n}`,
      "ms",
      val(bundle, (r) => r.ms),
      val(go, (r) => r.ms),
    );
  }
  for (const op of COMMANDS) {
    const [ts, bundle, go] = [runs.ts[op], runs.bundle[op], runs.go[op]];
    pair(
      `real CLI: waypoint ${op}, plugin CPU (user + system, all launches), median of ${n}`,
      "ms",
      val(ts, cpuMs),
      val(go, cpuMs),
    );
    pair(
      `real CLI: waypoint ${op}, plugin CPU, plugins from their bundles, median of ${n}`,
      "ms",
      val(bundle, cpuMs),
      val(go, cpuMs),
    );
  }
  for (const op of COMMANDS) {
    const launches = (rs: Run[]) => val(rs, (r) => r.cpu.launches);
    pair(
      `real CLI: waypoint ${op}, plugin launches`,
      "launches",
      launches(runs.ts[op]),
      launches(runs.go[op]),
    );
  }
  return rows;
}

const SIDE_NAME: Record<Side, string> = { ts: "TS", bundle: "TS bundled", go: "Go" };

/** Each side's list of one figure over the runs, for the method text. */
function perRun(runs: Runs, f: (r: Run) => string): string {
  return COMMANDS.flatMap((op) =>
    SIDES.map((side) => `${op} ${SIDE_NAME[side]} ${runs[side][op].map(f).join(", ")}`)
  )
    .join("; ");
}

/** What is odd about the runs (uneven launch counts, lost exits, prunes other than one). */
function oddities(runs: Runs): string[] {
  const odd: string[] = [];
  for (const op of COMMANDS) {
    for (const side of SIDES) {
      const rs = runs[side][op];
      const what = `${op} ${SIDE_NAME[side]}`;
      const counts = [...new Set(rs.map((r) => r.cpu.launches))];
      if (counts.length > 1) odd.push(`${what} launched ${counts.join(" or ")} plugin processes`);
      const lost = rs.reduce((sum, r) => sum + r.cpu.launches - r.cpu.exits, 0);
      if (lost) {
        odd.push(`${what}: ${lost} launch(es) logged no exit (killed?), their CPU is missing`);
      }
      const unusual = rs.flatMap((r) => r.cpu.unusual);
      if (unusual.length) odd.push(`${what}: plugin exits ${unusual.join(", ")}`);
      if (op === "up" && rs.some((r) => r.pruned !== 1)) {
        odd.push(`${what} pruned ${rs.map((r) => r.pruned).join(", ")} deployments (not 1 each)`);
      }
    }
  }
  return odd;
}

function methodOf(runs: Runs, reaper: string): string[] {
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const odd = oddities(runs);
  return [
    "*real CLI*: the Waypoint v0.11.4 CLI built by scripts/waypoint_cli.ts, one local server " +
    "(`server run -url-enabled=false`, HOME in a temp dir, bootstrapped), three projects on it " +
    "with the localdeploy example's web app: *TS* = examples/localdeploy/waypoint.hcl " +
    "(gobuilder; localdeploy as registry, platform and release manager) with the plugins " +
    "installed by `install --dev` (launchers that check the sources are unchanged, then run " +
    "the cached bundle of them); *plugins from their " +
    "bundles* = the same project with gobuilder and localdeploy bundled as `compile` bundles " +
    "them and run by `deno run --no-config --no-lock --no-npm --no-remote` " +
    "(scripts/lib/launcher.ts), what a compiled plugin runs; *Go* = goplugin (`go build`) " +
    "and goplatform with `serve = true` (copies the binary to a registry folder, deploys a " +
    "copy, starts it on a free port with PORT and waits until it answers HTTP, releases with " +
    "a marker file). Wall time of `waypoint build -local=true -plain` and `waypoint up " +
    "-local=true -plain` as this script sees it (spawn to exit), after one untimed build and " +
    "two untimed ups each, so that every timed `up` prunes exactly one old deployment " +
    "(Waypoint keeps two) and so stops one app; the three sides take turns, each round " +
    "starting at the next; figures are medians of the runs.",
    "*plugin CPU*: in every run each plugin executable is a symlink to scripts/bench/cpuwrap " +
    "(Go), which runs the real plugin as its child with the same stdio descriptors, " +
    "arguments and environment, forwards SIGINT/SIGTERM, exits as it did and logs the " +
    "child's rusage: user + system CPU of the plugin and of what it waited for (`go build` " +
    "and its compiler, the same on both sides), summed over all the command's launches; " +
    "not the deployed app's (it outlives its plugin), nor the CLI's or server's. The wrapper " +
    "adds a small Go process start, about 2 ms, to every launch on both sides (in the wall " +
    "times too). *plugin launches*: the wrapper's start lines of the same runs.",
    "*apps stopped by prunes*: the plugin that stops an app sends SIGTERM to its process " +
    "group and waits until the group is gone; an exited app stays in it as a zombie until " +
    "whoever adopted it reaps it: systemd does at once, some inits late (that of the machine " +
    "these rows were first taken on, 1.0–2.0 s after the exit, as it fell). goplatform's " +
    "stopApp counts an exited process as gone (tests/conformance/goplatform/serve.go); " +
    "localdeploy's waits for the reaping, so this script makes itself the subreaper of what " +
    "it starts and reaps an exited " +
    `\`${APP_NAME}\` at once (scripts/bench/reaper.ts): ${reaper}.`,
    `In this run, wall time (s): ${perRun(runs, (r) => s(r.ms))}.`,
    `Plugin CPU, user + system (s): ${perRun(runs, (r) => s(cpuMs(r)))}; of it system (s): ` +
    `${perRun(runs, (r) => s(r.cpu.sysUs / 1000))}.`,
    `Longest plugin launch, start to exit (s): ${perRun(runs, (r) => s(r.cpu.longestUs / 1000))}.`,
    odd.length
      ? `Odd: ${odd.join("; ")}.`
      : "Each side launched the same number of plugin processes in every run of a command, " +
        "every launch exited with code 0, and every timed up pruned one deployment.",
    stalls.length
      ? `Waypoint's GetJobStream stall (src/testing/waypoint/stall.ts: the job finished, the ` +
        `CLI never heard) interrupted ${stalls.length} run(s), each run once more and its ` +
        `figures dropped: ${stalls.join("; ")}.`
      : "No run met Waypoint's GetJobStream stall.",
    rebuilds.length
      ? `An \`install --dev\` launcher rebuilt its bundle (a source changed meanwhile) in ` +
        `${rebuilds.length} run(s), each run again and its figures dropped: ` +
        `${rebuilds.join("; ")}.`
      : "No `install --dev` launcher rebuilt its bundle during a timed run.",
  ];
}

/**
 * Runs `waypoint build` and `waypoint up` `runs` times for each side (ours
 * from source, ours from bundles, Go's; in turn, after untimed warm-ups),
 * with every plugin wrapped to log its CPU, destroys everything and stops
 * the server.
 */
export async function benchCli(
  o: { runs: number; progress: (msg: string) => void },
): Promise<CliBench> {
  const failures: string[] = [];
  stalls.length = 0;
  rebuilds.length = 0;
  const runs: Runs = {
    ts: { build: [], up: [] },
    bundle: { build: [], up: [] },
    go: { build: [], up: [] },
  };
  let reaper: OrphanReaper | undefined;
  let reaperNote: string;
  try {
    reaper = OrphanReaper.start([APP_NAME]);
    reaperNote = "it reaped";
  } catch (err) {
    reaperNote = `not here (${(err as Error).message}), so prunes wait for the init`;
  }
  let wp: Waypoint | undefined;
  const dirs: string[] = [];
  try {
    o.progress("real CLI: getting Waypoint v0.11.4, starting a local server");
    wp = await Waypoint.start();
    const p = await projects(wp);
    dirs.push(...SIDES.map((side) => p[side].dir));
    await measure(wp, p, o, runs);
  } catch (err) {
    failures.push(`real CLI: ${(err as Error).message.split("\n")[0]}`);
    console.error(`  ! real CLI: ${(err as Error).message}`);
  } finally {
    o.progress("real CLI: waypoint destroy, stopping the server");
    for (const dir of dirs) {
      // Stops the deployed apps the Waypoint way; the server's stop then checks nothing is left.
      await cli(wp!, dir, ["destroy", "-auto-approve"]).catch((err) =>
        failures.push(`real CLI destroy: ${err.message.split("\n")[0]}`)
      );
    }
    await wp?.stop().catch((err) => failures.push(`real CLI cleanup: ${err.message}`));
    if (reaper) {
      reaper.stop();
      reaperNote = `it reaped ${reaper.reaped} exited apps in this run`;
    }
  }
  return { rows: rowsOf(runs, o.runs), failures, method: methodOf(runs, reaperNote) };
}

const CLI = {
  usage: "Usage: deno run -A scripts/bench_cli.ts [--runs N]",
  help: `Usage: deno run -A scripts/bench_cli.ts [--runs N]

Just the benchmark's real-CLI rows, as Markdown: waypoint build and up with our plugins (from
their install --dev launchers, and from their bundles as compile embeds them) and with the Go
SDK reference plugins: wall time, the CPU the plugin processes used, and how many plugin
processes each command launches.

Options:
  --runs N     timed runs per command and side (default 5)
  -h, --help   show this help
`,
  options: { runs: { type: "string", default: "5" } },
} as const;

function printTable(r: CliBench): void {
  console.log("| figure | TS plugins | Go SDK plugins | TS ÷ Go |\n|---|---:|---:|---:|");
  for (const row of r.rows) {
    const cell = (v: number | string | undefined) =>
      typeof v === "number" ? `${Math.round(v)} ${row.unit}` : v ?? "—";
    const ratio = typeof row.ts === "number" && typeof row.go === "number" && row.ratios?.tsGo
      ? `${(row.ts / row.go).toFixed(1)}×`
      : "—";
    console.log(`| ${row.figure} | ${cell(row.ts)} | ${cell(row.go)} | ${ratio} |`);
  }
  console.log("\n" + r.method.map((l) => `- ${l}`).join("\n"));
  for (const f of r.failures) console.log(`- not measured: ${f}`);
}

if (import.meta.main) {
  Deno.exit(
    await runCli(CLI, Deno.args, async ({ values }) => {
      const runs = Number(values.runs);
      if (!Number.isInteger(runs) || runs < 1) {
        throw new UsageError(`--runs "${values.runs}" must be a whole number >= 1`);
      }
      const r = await benchCli({ runs, progress: (m) => console.error(`• ${m}`) });
      printTable(r);
      return r.failures.length ? 1 : 0;
    }),
  );
}
