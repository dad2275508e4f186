/**
 * The benchmark's real-CLI rows: the wall time of whole `waypoint build` and
 * `waypoint up` commands of the real Waypoint v0.11.4 CLI (local server,
 * `-local=true`), with our plugins (gobuilder and localdeploy, installed
 * with `install --dev`) against the Go SDK reference plugins of
 * tests/conformance doing the same work (goplugin builds with `go build`;
 * goplatform with `serve = true` pushes by copying, deploys by starting the
 * web app on a free port and waiting until it answers, releases with a
 * marker), side by side in one run, and how many plugin processes each
 * command launches. Our plugins run twice over: from source (`install --dev`
 * launchers) and from their bundles, as `compile` bundles them (what a
 * compiled plugin runs; a compiled binary cannot run here without denort).
 *
 * ```sh
 * deno run -A scripts/bench_cli.ts --runs 5   # just these rows, as Markdown
 * ```
 *
 * `deno task bench` calls {@linkcode benchCli} and puts the rows in its table.
 *
 * @module
 */
import { join } from "node:path";
import { StreamStall, Waypoint } from "./lib/waypoint.ts";
import { runCli, UsageError } from "../src/tools/cli.ts";
import { goPlatformBinary, goPluginBinary } from "./lib/conformance.ts";
import { REPO } from "./lib/repo.ts";
import { makeBundledLauncher } from "./lib/launcher.ts";

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
  /** How the figures were taken (for the results file), including every run's time. */
  method: string[];
}

/** Our plugins from source, our plugins from their bundles, the Go SDK's. */
type Side = "ts" | "bundle" | "go";
const SIDES: Side[] = ["ts", "bundle", "go"];
type Command = "build" | "up";

const APP = join(REPO, "examples", "localdeploy", "app");

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

/** The three projects on one server: ours twice and the Go reference, each with its plugins in place. */
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

/** The Waypoint server's GetJobStream stalls this run met and ran again (see waypoint_stall.ts). */
const stalls: string[] = [];

/**
 * Runs one command; returns its wall time. A run the Waypoint server's
 * GetJobStream stall interrupts (its job finished; the CLI never heard) is
 * not the plugins' doing: it is noted and run once more, its time dropped.
 */
async function cli(wp: Waypoint, dir: string, args: string[]): Promise<number> {
  for (let attempt = 1;; attempt++) {
    try {
      const r = await wp.run([...args, "-plain"], { cwd: dir });
      if (r.code !== 0) {
        throw new Error(`waypoint ${args.join(" ")} failed (exit ${r.code}):\n${r.output}`);
      }
      return r.ms;
    } catch (err) {
      if (!(err instanceof StreamStall) || attempt > 1) throw err;
      stalls.push(`waypoint ${args.join(" ")} in ${dir.split("/").at(-1)}`);
    }
  }
}

const OPS: Record<Command, string[]> = {
  build: ["build", "-local=true"],
  up: ["up", "-local=true"],
};

/**
 * Counts the plugin processes one command starts: each plugin executable is
 * swapped for a shell script that notes its start and execs the real one.
 * (The timed runs use the plugins unwrapped.)
 */
async function launches(
  wp: Waypoint,
  p: { dir: string; plugins: string[] },
  op: Command,
): Promise<number> {
  const plugins = join(p.dir, ".waypoint", "plugins");
  const real = join(p.dir, ".waypoint", "real-plugins");
  const log = join(p.dir, `launches-${op}.log`);
  await Deno.mkdir(real, { recursive: true });
  for (const name of p.plugins) {
    const file = `waypoint-plugin-${name}`;
    await Deno.rename(join(plugins, file), join(real, file));
    await Deno.writeTextFile(
      join(plugins, file),
      `#!/bin/sh\necho "${name}" >> "${log}"\nexec "${join(real, file)}" "$@"\n`,
      { mode: 0o755 },
    );
  }
  try {
    await cli(wp, p.dir, OPS[op]);
    return (await Deno.readTextFile(log)).trim().split("\n").length;
  } finally {
    for (const name of p.plugins) {
      const file = `waypoint-plugin-${name}`;
      await Deno.rename(join(real, file), join(plugins, file));
    }
    await Deno.remove(real, { recursive: true });
    await Deno.remove(log).catch(() => {});
  }
}

type Times = Record<Side, Record<Command, number[]>>;
type Counts = Record<"ts" | "go", Partial<Record<Command, number>>>;
type Projects = Awaited<ReturnType<typeof projects>>;

/** The timed runs, sides in turn, after one untimed build and up each; then the launches. */
async function measure(
  wp: Waypoint,
  p: Projects,
  o: { runs: number; progress: (msg: string) => void },
  times: Times,
  counts: Counts,
): Promise<void> {
  for (const side of SIDES) await cli(wp, p[side].dir, ["init"]);
  o.progress("real CLI: one untimed build and up each (warms Deno's and Go's caches)");
  for (const side of SIDES) {
    for (const op of ["build", "up"] as const) await cli(wp, p[side].dir, OPS[op]);
  }
  o.progress(
    `real CLI: ${o.runs} × waypoint build and up, TS, TS bundled and Go in turn (rotating)`,
  );
  for (let i = 0; i < o.runs; i++) {
    for (const op of ["build", "up"] as const) {
      const order = [...SIDES.slice(i % SIDES.length), ...SIDES.slice(0, i % SIDES.length)];
      for (const side of order) times[side][op].push(await cli(wp, p[side].dir, OPS[op]));
    }
  }
  o.progress("real CLI: plugin launches per command (plugins wrapped by a counting script)");
  for (const side of ["ts", "go"] as const) {
    for (const op of ["build", "up"] as const) counts[side][op] = await launches(wp, p[side], op);
  }
}

function rowsOf(times: Times, counts: Counts, runs: number): CliRow[] {
  const val = (xs: number[]) => xs.length === runs ? median(xs) : "failed";
  const rows: CliRow[] = [];
  for (const op of ["build", "up"] as const) {
    rows.push({
      figure: `real CLI: waypoint ${op}, wall time, median of ${runs}`,
      unit: "ms",
      ts: val(times.ts[op]),
      go: val(times.go[op]),
      ratios: { tsGo: true },
    });
    rows.push({
      figure:
        `real CLI: waypoint ${op}, plugins from their bundles (as compiled), median of ${runs}`,
      unit: "ms",
      ts: val(times.bundle[op]),
      go: val(times.go[op]),
      ratios: { tsGo: true },
    });
  }
  for (const op of ["build", "up"] as const) {
    rows.push({
      figure: `real CLI: waypoint ${op}, plugin launches`,
      unit: "launches",
      ts: counts.ts[op] ?? "failed",
      go: counts.go[op] ?? "failed",
    });
  }
  return rows;
}

function methodOf(times: Times): string[] {
  const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(", ");
  return [
    "*real CLI*: the Waypoint v0.11.4 CLI built by scripts/waypoint_cli.ts, one local server " +
    "(`server run -url-enabled=false`, HOME in a temp dir, bootstrapped), three projects on it " +
    "with the localdeploy example's web app: *TS* = examples/localdeploy/waypoint.hcl " +
    "(gobuilder; localdeploy as registry, platform and release manager) with the plugins " +
    "installed by `install --dev` (launchers running `deno run`); *plugins from their bundles* " +
    "= the same project with gobuilder and localdeploy bundled as `compile` bundles them and " +
    "run by `deno run --no-config --no-lock --no-npm --no-remote` (scripts/lib/launcher.ts), " +
    "what a compiled plugin runs; *Go* = goplugin (`go build`) " +
    "and goplatform with `serve = true` (copies the binary to a registry folder, deploys a " +
    "copy, starts it on a free port with PORT and waits until it answers HTTP, releases with " +
    "a marker file). Wall time of `waypoint build -local=true -plain` and `waypoint up " +
    "-local=true -plain` as this script sees it (spawn to exit), after one untimed build and " +
    "up each; the three sides take turns, each round starting at the next. `up` includes Waypoint's pruning of old deployments (it " +
    "keeps two), which stops their apps. *plugin launches*: one more build and up with each " +
    "plugin executable replaced by a shell script that logs its start, then execs it.",
    `In this run (s): build TS ${list(times.ts.build)}; build TS bundled ` +
    `${list(times.bundle.build)}; build Go ${list(times.go.build)}; up TS ` +
    `${list(times.ts.up)}; up TS bundled ${list(times.bundle.up)}; up Go ${list(times.go.up)}.`,
    stalls.length
      ? `Waypoint's GetJobStream stall (scripts/lib/waypoint_stall.ts: the job finished, the ` +
        `CLI never heard) interrupted ${stalls.length} run(s), each run once more and its ` +
        `time dropped: ${stalls.join("; ")}.`
      : "No run met Waypoint's GetJobStream stall.",
  ];
}

/**
 * Runs `waypoint build` and `waypoint up` `runs` times for each side (ours
 * from source, ours from bundles, Go's; in turn, after one untimed warm-up
 * each), counts plugin launches, destroys everything and stops the server.
 */
export async function benchCli(
  o: { runs: number; progress: (msg: string) => void },
): Promise<CliBench> {
  const failures: string[] = [];
  stalls.length = 0;
  const times: Times = {
    ts: { build: [], up: [] },
    bundle: { build: [], up: [] },
    go: { build: [], up: [] },
  };
  const counts: Counts = { ts: {}, go: {} };
  let wp: Waypoint | undefined;
  const dirs: string[] = [];
  try {
    o.progress("real CLI: getting Waypoint v0.11.4, starting a local server");
    wp = await Waypoint.start();
    const p = await projects(wp);
    dirs.push(...SIDES.map((side) => p[side].dir));
    await measure(wp, p, o, times, counts);
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
  }
  return { rows: rowsOf(times, counts, o.runs), failures, method: methodOf(times) };
}

const CLI = {
  usage: "Usage: deno run -A scripts/bench_cli.ts [--runs N]",
  help: `Usage: deno run -A scripts/bench_cli.ts [--runs N]

Just the benchmark's real-CLI rows, as Markdown: waypoint build and up with our plugins (from
source, and from their bundles as compile embeds them) and with the Go SDK reference plugins,
and how many plugin processes each command launches.

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
