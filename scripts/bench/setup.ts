/**
 * What the benchmark runs, made ready before anything is timed: wphost and
 * the Go reference plugin, a trivial Go binary and an empty deno script (the
 * floor), launchers for the TS plugins, the project's waypoint.hcl files, and
 * a warm cache.
 *
 * @module
 */
import { join } from "../lib/path.ts";
import { REPO } from "../lib/repo.ts";
import { goPluginBinary, hostBinary } from "../lib/conformance.ts";
import { makeLauncher } from "../lib/launcher.ts";
import type { Entries } from "./compiled.ts";
import { BENCH, progress, reset, run } from "./exec.ts";
import { spawnExit } from "./floor.ts";
import { handshake } from "./plugin_cases.ts";
import type { Problems } from "./problems.ts";
import type { Plugin } from "./wphost.ts";

/** Everything the cases run. */
export interface Fixtures {
  entries: Entries;
  /** The Go reference plugin's binary. */
  goPlugin: string;
  /** A Go binary whose main is empty. */
  trivial: string;
  /** The empty script's launcher. */
  emptyLauncher: string;
  ts: Record<"gobuilder" | "noop" | "showcase", Plugin>;
  go: Record<"gobuilder" | "noop" | "lines", Plugin>;
  /** waypoint.hcl of the no-op builder (TS and Go), and of the lines builder (TS). */
  noopHcl: string;
  linesHcl: string;
}

async function trivialGoBinary(): Promise<string> {
  const dir = join(BENCH, "trivial");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "go.mod"), "module trivial\n\ngo 1.21\n");
  await Deno.writeTextFile(join(dir, "main.go"), "package main\n\nfunc main() {}\n");
  const out = join(dir, "trivial");
  const gb = await run("go", ["build", "-o", out, "."], { cwd: dir });
  if (!gb.success) throw new Error(`go build of the trivial binary failed: ${gb.stderr}`);
  return out;
}

async function projectFiles(lines: number): Promise<{ noopHcl: string; linesHcl: string }> {
  const project = join(BENCH, "project");
  await Deno.mkdir(project, { recursive: true });
  const hcl = (use: string, body: string) =>
    `project = "bench"\n\napp "bench" {\n  build {\n    use "${use}" {${body}}\n  }\n}\n`;
  const noopHcl = join(project, "noop.hcl");
  const linesHcl = join(project, "lines.hcl");
  await Deno.writeTextFile(noopHcl, hcl("bench", ""));
  await Deno.writeTextFile(linesHcl, hcl("showcase", `\n      lines = ${lines}\n    `));
  return { noopHcl, linesHcl };
}

async function warmUp(problems: Problems, fx: Fixtures): Promise<void> {
  progress("warming deno's cache (deno cache, one untimed run each)");
  const cache = await run(Deno.execPath(), [
    "cache",
    "--quiet",
    "--config",
    join(REPO, "deno.json"),
    ...Object.values(fx.entries),
  ]);
  if (!cache.success) throw new Error(`deno cache failed: ${cache.stderr}`);
  for (let i = 0; i < 2; i++) {
    await spawnExit(fx.emptyLauncher, []);
    await spawnExit(fx.trivial, []);
  }
  // Failures here show up again, with their reason, in the measured runs.
  await handshake(problems, fx.ts.gobuilder, 2).catch(() => {});
  await handshake(problems, fx.go.gobuilder, 2).catch(() => {});
}

/** Builds and writes everything, then warms the caches (process problems go to `problems`). */
export async function prepare(problems: Problems, o: { lines: number }): Promise<Fixtures> {
  progress("building wphost, the Go reference plugin and a trivial Go binary");
  await Deno.mkdir(BENCH, { recursive: true });
  await reset(join(BENCH, "reports"));
  await reset(join(BENCH, "rss"));
  const [, goPlugin] = await Promise.all([hostBinary(), goPluginBinary()]);
  const trivial = await trivialGoBinary();
  const empty = join(BENCH, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const entries: Entries = {
    gobuilder: join(REPO, "examples", "gobuilder", "main.ts"),
    noop: join(REPO, "tests", "fixtures", "bench_noop_plugin.ts"),
    showcase: join(REPO, "tests", "fixtures", "showcase_plugin.ts"),
    empty,
  };
  const launchers = join(BENCH, "launchers");
  const launch = async (k: "gobuilder" | "noop" | "showcase", label: string) => ({
    label,
    args: [],
    path: await makeLauncher(launchers, k, entries[k]),
  });
  const fx: Fixtures = {
    entries,
    goPlugin,
    trivial,
    emptyLauncher: await makeLauncher(launchers, "empty", empty),
    ts: {
      gobuilder: await launch("gobuilder", "TS gobuilder"),
      noop: await launch("noop", "TS no-op"),
      showcase: await launch("showcase", "TS showcase"),
    },
    go: {
      gobuilder: { label: "Go gobuilder", path: goPlugin, args: [] },
      noop: { label: "Go no-op", path: goPlugin, args: ["-noop"] },
      lines: { label: "Go lines", path: goPlugin, args: ["-noop", "-lines", String(o.lines)] },
    },
    ...await projectFiles(o.lines),
  };
  await warmUp(problems, fx);
  return fx;
}
