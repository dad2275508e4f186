/**
 * One benchmark run: prepare, measure each case in turn (nothing in
 * parallel, alternating sides where the machine's load could differ), then
 * write the report. A figure that cannot be measured is a problem in the
 * report, not the end of the run.
 *
 * @module
 */
import { dirname, join, relative } from "../lib/path.ts";
import { CommandError } from "../../src/tools/cli.ts";
import { benchCli } from "../bench_cli.ts";
import { measureBuildsMemory } from "../bench_memory.ts";
import {
  type Compiled,
  COMPILED_DIR,
  measurePayload,
  payloadPerTarget,
  tryCompile,
} from "./compiled.ts";
import { BENCH, fileSize, progress } from "./exec.ts";
import { measureFloor } from "./floor.ts";
import { machine } from "./machine.ts";
import type { Options } from "./options.ts";
import {
  handshake,
  rpcBench,
  sessionRss,
  type Sessions,
  sessions,
  uiBench,
} from "./plugin_cases.ts";
import { measureSides, Problems, type Sides } from "./problems.ts";
import { report } from "./report.ts";
import type { Results } from "./results.ts";
import { makeWrapper } from "./rss.ts";
import { type Fixtures, prepare } from "./setup.ts";
import { measureStartup, type Startup } from "./startup.ts";
import { startupSection } from "./startup_report.ts";
import type { Plugin } from "./wphost.ts";

/** The figures of the plugin cases. */
type PluginFigures = Pick<Results, "handshake" | "sessions" | "rpc" | "ui" | "rss">;

async function measureSessions(
  problems: Problems,
  o: Options,
  fx: Fixtures,
  compiled: Compiled,
): Promise<Sides<Sessions>> {
  progress(`build session (no-op body): ${o.runs} × wphost build -push=false each, alternating`);
  const list = [fx.ts.noop, fx.go.noop, ...(compiled.plugins ? [compiled.plugins.noop] : [])]
    .map((plugin) => ({ plugin, config: fx.noopHcl }));
  const all = await problems.measure("build session", () => sessions(problems, list, o.runs));
  const side = (i: number, who: string): Sessions | undefined => {
    const x = all?.[i];
    if (!(x instanceof Error)) return x;
    problems.failures.push(`build session, ${who}: ${x.message.split("\n")[0]}`);
    return undefined;
  };
  return { ts: side(0, "TS"), go: side(1, "Go"), compiled: side(2, "compiled") };
}

/** The plugin behind the peak-RSS wrapper (see rss.ts). */
async function wrap(p: Plugin, name: string): Promise<Plugin> {
  return { ...p, path: await makeWrapper(name, p.path) };
}

async function measurePlugins(
  problems: Problems,
  o: Options,
  fx: Fixtures,
  compiled: Compiled,
): Promise<PluginFigures> {
  const c = compiled.plugins;
  progress(`spawn → handshake: wphost handshake -n ${o.runs}`);
  const hs = (p: Plugin) => () => handshake(problems, p, o.runs);
  const handshakes = await measureSides(problems, "handshake", {
    ts: hs(fx.ts.gobuilder),
    go: hs(fx.go.gobuilder),
    compiled: c && hs(c.gobuilder),
  });
  const builds = await measureSessions(problems, o, fx, compiled);
  progress(`BuildSpec latency: wphost rpcbench -n ${o.rpc} -warmup ${o.rpcWarmup}`);
  const rpc = (p: Plugin) => () => rpcBench(problems, p, { n: o.rpc, warmup: o.rpcWarmup });
  const rpcs = await measureSides(problems, "rpcbench", {
    ts: rpc(fx.ts.gobuilder),
    go: rpc(fx.go.gobuilder),
    compiled: c && rpc(c.gobuilder),
  });
  progress(`terminal UI: wphost uibench -lines ${o.lines}, ${o.uiRuns} run(s) each`);
  const ui = (p: Plugin, name: string, config: string) => async () =>
    uiBench(problems, await wrap(p, name), { config, lines: o.lines, runs: o.uiRuns });
  const uis = await measureSides(problems, "uibench", {
    ts: ui(fx.ts.showcase, "showcase", fx.linesHcl),
    go: ui(fx.go.lines, "go", fx.noopHcl),
    compiled: c && ui(c.showcase, "c-showcase", fx.linesHcl),
  });
  progress(`peak RSS: ${o.rssRuns} no-op build session(s) each under /usr/bin/time`);
  const rss = (p: Plugin, name: string) => async () =>
    sessionRss(problems, await wrap(p, name), fx.noopHcl, o.rssRuns);
  const rsses = await measureSides(problems, "RSS", {
    ts: rss(fx.ts.noop, "noop"),
    go: rss(fx.go.noop, "go"),
    compiled: c && rss(c.noop, "c-noop"),
  });
  return { handshake: handshakes, sessions: builds, rpc: rpcs, ui: uis, rss: rsses };
}

async function removeScratch(): Promise<void> {
  for (const dir of [COMPILED_DIR, join(BENCH, "reports"), join(BENCH, "rss")]) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

function startupCase(problems: Problems, o: Options, fx: Fixtures): Promise<Startup | undefined> {
  progress(
    `start-up: wphost startprobe, ${o.runs} rounds (deno line, bare grpc-js, TS and Go gobuilder, bundled grpc-js and TS, TS install --dev)`,
  );
  return problems.measure(
    "start-up",
    () =>
      measureStartup({ rounds: o.runs, tsLauncher: fx.ts.gobuilder.path, goPlugin: fx.goPlugin }),
  );
}

async function write(o: Options, md: string): Promise<void> {
  console.log(md);
  await Deno.mkdir(dirname(o.out), { recursive: true });
  await Deno.writeTextFile(o.out, md);
  console.error(`wrote ${relative(Deno.cwd(), o.out) || o.out}`);
}

/** `--startup`: the start-up section alone. */
async function runStartupOnly(o: Options, problems: Problems, fx: Fixtures): Promise<number> {
  const startup = await startupCase(problems, o, fx);
  await removeScratch();
  await write(
    o,
    [
      "# waypoint-plugin for Deno: start-up",
      "",
      `\`deno task bench --startup\` on ${new Date().toISOString()}; load average ` +
      Deno.loadavg().map((x) => x.toFixed(2)).join(" ") + ".",
      "",
      ...startupSection(startup, problems.failures[0]),
      "",
    ].join("\n"),
  );
  return problems.failures.length > 0 ? 1 : 0;
}

/** Runs every case, writes the report to `o.out` and stdout; exit status 1 when a figure failed. */
export async function runBench(o: Options): Promise<number> {
  if (Deno.build.os !== "linux") {
    throw new CommandError("The benchmark reads /proc and uses /usr/bin/time: run it on Linux");
  }
  const started = performance.now();
  const date = new Date();
  const host = await machine();
  const problems = new Problems();
  const fx = await prepare(problems, o);
  if (o.startupOnly) return runStartupOnly(o, problems, fx);
  progress(`floor: spawn → exit, ${o.runs} runs each (empty deno script, trivial Go binary)`);
  const floor = await measureFloor(fx.emptyLauncher, fx.trivial, o);
  const startup = await startupCase(problems, o, fx);
  const compiled = await tryCompile(fx.entries);
  console.error(`  ${compiled.note}`);
  const plugins = await measurePlugins(problems, o, fx, compiled);
  progress(`memory: ${o.builds} builds served by one debug-mode showcase plugin (wphost builds)`);
  const memory = await problems.measure(
    "memory, TS",
    () => measureBuildsMemory(join(BENCH, "memory"), o.builds, [500, o.builds]),
  );
  progress(`memory: the same, the plugin's bundle as compiled (compile's V8 flags)`);
  const memoryBundled = await problems.measure(
    "memory, TS bundled",
    () => measureBuildsMemory(join(BENCH, "memory-bundled"), o.builds, [500, o.builds], true),
  );
  const payload = await problems.measure(
    "compiled payload",
    () => measurePayload(compiled, fx.entries),
  );
  const targets = o.quick
    ? undefined
    : await problems.measure("compiled payload per target", () => {
      progress("compiled payload per target: deno compile onto a stand-in runtime per target");
      return payloadPerTarget(fx.entries);
    });
  const cli = await benchCli({ runs: o.cliRuns, progress });
  problems.failures.push(...cli.failures);
  await removeScratch();
  const md = report({
    o,
    problems,
    started,
    date,
    host,
    floor,
    startup,
    compiled,
    ...plugins,
    memory,
    memoryBundled,
    payload,
    targets,
    cli,
    goSize: await fileSize(fx.goPlugin),
    trivialSize: await fileSize(fx.trivial),
  });
  await write(o, md);
  return problems.failures.length > 0 ? 1 : 0;
}
