/**
 * `deno task bench`: what a TypeScript plugin costs next to the same plugin
 * written in Go with the real SDK, and next to the floor (a bare `deno run`,
 * a bare Go binary), measured in one run through the Go conformance host
 * (`wphost`, the client code Waypoint links).
 *
 * ```sh
 * deno task bench                   # 20 runs, 1000 RPCs, 10000 UI lines → bench/RESULTS.md
 * deno task bench --quick           # a smoke test: fewer runs and calls
 * deno task bench --runs 40 --out /tmp/results.md
 * ```
 *
 * Columns: the floors, our gobuilder run by `deno run` through a launcher
 * script (as `deno task demo` and the tests run it), the same compiled with
 * `deno compile` (only when a Deno runtime, denort, is at hand), and the Go
 * reference plugin (tests/conformance/goplugin). Rows: spawn → handshake,
 * kill, a full build session with a no-op build body, BuildSpec latency,
 * terminal UI throughput, peak RSS of the plugin process, the size
 * `deno compile` adds, and (scripts/bench_cli.ts) whole `waypoint build` and
 * `waypoint up` commands of the real CLI with our plugins against Go SDK
 * plugins doing the same work, with their plugin launch counts. The
 * Markdown goes to stdout and to `--out`; progress goes to stderr. Linux
 * only (/proc, /usr/bin/time).
 *
 * Exit status: 0 when every figure was measured, 1 when one failed (the
 * table says which and why), 2 for a usage error.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, dirname, join, relative, resolve } from "node:path";
import { goPluginBinary, hostBinary } from "./lib/conformance.ts";
import { makeLauncher } from "./lib/launcher.ts";
import { REPO, WORK } from "./lib/repo.ts";
import { benchCli } from "./bench_cli.ts";
import { measureBuildsMemory } from "./bench_memory.ts";

// ---------------------------------------------------------------------------------------------
// Options

const HELP = `Usage: deno task bench [options]

Measures our gobuilder plugin (deno run through a launcher; deno compile when a denort is
available) against the same plugin written in Go with the real SDK and against the floor
(an empty deno script, a trivial Go binary), through the Go conformance host.

Options:
  --runs N    spawn → exit, spawn → handshake and build-session runs (default 20)
  --rpc N     timed BuildSpec calls (default 1000)
  --lines N   UI lines the build prints (default 10000)
  --cli-runs N  timed waypoint build and up runs with the real CLI, per side (default 5)
  --builds N  builds one debug-mode plugin process serves for the memory rows (default 5000)
  --quick     fewer runs (5, CLI 2), calls (200), lines (2000) and builds (1000) unless given: a smoke test
  --out PATH  where the Markdown goes (default bench/RESULTS.md in the repository)
  -h, --help  show this help

DENORT_BIN (or DENORT_BIN_LINUX_AMD64) naming a denort ${Deno.version.deno} adds the compiled
plugin's column; without it the compile is tried once (it downloads the runtime).
`;

interface Options {
  runs: number;
  rpc: number;
  lines: number;
  /** builds served by one process for the memory rows (at least 500). */
  builds: number;
  quick: boolean;
  out: string;
  /** uibench runs per plugin (median reported). */
  uiRuns: number;
  /** build sessions under /usr/bin/time per plugin, for peak RSS. */
  rssRuns: number;
  /** untimed BuildSpec calls before the timed ones. */
  rpcWarmup: number;
  /** timed real-CLI build and up runs per side. */
  cliRuns: number;
}

class UsageError extends Error {}

function options(args: string[]): Options | "help" {
  let v;
  try {
    v = parseArgs({
      args,
      options: {
        runs: { type: "string" },
        rpc: { type: "string" },
        lines: { type: "string" },
        "cli-runs": { type: "string" },
        builds: { type: "string" },
        quick: { type: "boolean", default: false },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (v.help) return "help";
  const count = (name: string, raw: string | undefined, dflt: number): number => {
    if (raw === undefined) return dflt;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) {
      throw new UsageError(`--${name} "${raw}" must be a whole number >= 1`);
    }
    return n;
  };
  const quick = v.quick;
  const rpc = count("rpc", v.rpc, quick ? 200 : 1000);
  return {
    runs: count("runs", v.runs, quick ? 5 : 20),
    rpc,
    lines: count("lines", v.lines, quick ? 2000 : 10000),
    builds: Math.max(500, count("builds", v.builds, quick ? 1000 : 5000)),
    quick,
    out: resolve(Deno.cwd(), v.out ?? join(REPO, "bench", "RESULTS.md")),
    uiRuns: quick ? 1 : 3,
    rssRuns: quick ? 1 : 5,
    rpcWarmup: Math.min(100, Math.ceil(rpc / 10)),
    cliRuns: count("cli-runs", v["cli-runs"], quick ? 2 : 5),
  };
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const dec = new TextDecoder();
const BENCH = join(WORK, "bench");
const GO_TARGET = `linux_${Deno.build.arch === "aarch64" ? "arm64" : "amd64"}`;
/** How long any one measured command may take before it is killed. */
const TIMEOUT_MS = 180_000;

function progress(msg: string): void {
  console.error(`• ${msg}`);
}

interface Output {
  code: number;
  success: boolean;
  stdout: string;
  stderr: string;
}

async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; clearEnv?: boolean } = {},
): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.clearEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  return {
    code: out.code,
    success: out.success,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

interface Summary {
  n: number;
  min: number;
  median: number;
  p90: number;
  max: number;
}

/** Nearest-rank summary, the formula wphost's own `summarize` uses. */
function summarize(xs: number[]): Summary {
  if (xs.length === 0) throw new Error("no samples");
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1) + 0.5)];
  return { n: s.length, min: s[0], median: at(0.5), p90: at(0.9), max: s[s.length - 1] };
}

function median(xs: number[]): number {
  return summarize(xs).median;
}

async function fileSize(path: string): Promise<number> {
  return (await Deno.stat(path)).size;
}

async function reset(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
}

// ---------------------------------------------------------------------------------------------
// Process hygiene: every measured process must be gone after its run

/** Problems with process shutdown, reported under the table. */
const hygiene: string[] = [];

/**
 * Checks that each pid has exited; one still running (not a zombie) whose
 * command line is one of ours is SIGKILLed and reported.
 */
async function reap(pids: number[], what: string): Promise<void> {
  for (const pid of pids) {
    if (!(pid > 0)) continue;
    let stat: string;
    try {
      stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    } catch {
      continue; // gone
    }
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") continue;
    const cmdline = await Deno.readTextFile(`/proc/${pid}/cmdline`).catch(() => "");
    if (!cmdline.includes(REPO)) continue; // pid reused by someone else's process
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // exited meanwhile
    }
    hygiene.push(`${what}: pid ${pid} was still running after the run; it was SIGKILLed`);
  }
}

// ---------------------------------------------------------------------------------------------
// wphost

interface ProcessReport {
  role: string;
  pid: number;
  exited: boolean;
  forced: boolean;
  killMs: number;
  spawnToClientMs: number;
  socketRemovedAfterKill: boolean | null;
}

interface BuildReport {
  ok: boolean;
  stage: string;
  error: string;
  result: { typeUrl: string } | null;
  processes: ProcessReport[];
  timings: {
    spawnToClientMs: number[];
    buildCallMs?: number;
    sessionMs: number;
    kill?: Summary;
  };
}

interface RPCBenchReport {
  ok: boolean;
  stage: string;
  error: string;
  rpc: string;
  errors: number;
  firstError: string;
  latencyUs: { p50: number; p90: number; p99: number; mean: number } | null;
  callsPerSec: number;
  process: ProcessReport | null;
}

interface UIBenchReport {
  ok: boolean;
  stage: string;
  error: string;
  /** `lines` counts Output calls (events), `textLines` the lines they carried. */
  received: { lines: number; textLines: number };
  complete: boolean;
  lastLine: string;
  firstLineMs: number;
  lastLineMs: number;
  linesPerSec: number;
  build: BuildReport;
}

/** A plugin executable as wphost launches it. */
interface Plugin {
  /** Shown in progress and errors. */
  label: string;
  path: string;
  args: string[];
}

let reportSeq = 0;

/** Runs `wphost <sub> -report … <args>` in the bench project and returns its report. */
async function wphost<R>(sub: string, plugin: Plugin, args: string[]): Promise<R> {
  const host = await hostBinary();
  const report = join(BENCH, "reports", `${sub}-${++reportSeq}.json`);
  const out = await run(host, [
    sub,
    "-report",
    report,
    "-plugin",
    plugin.path,
    ...plugin.args.flatMap((a) => ["-plugin-arg", a]),
    ...args,
  ], { cwd: join(BENCH, "project") });
  let text: string;
  try {
    text = await Deno.readTextFile(report);
  } catch {
    throw new Error(
      `wphost ${sub} (${plugin.label}) wrote no report (exit ${out.code}): ${out.stderr.trim()}`,
    );
  }
  await Deno.remove(report).catch(() => {});
  return JSON.parse(text) as R;
}

/** Fails on a report that is not ok, and on processes that did not exit cleanly. */
async function checkProcesses(what: string, processes: ProcessReport[]): Promise<void> {
  for (const p of processes) {
    if (!p.exited) hygiene.push(`${what}: ${p.role} process ${p.pid} did not exit on Kill`);
    if (p.forced) {
      hygiene.push(`${what}: ${p.role} process ${p.pid} needed SIGKILL (no graceful exit)`);
    }
    if (p.socketRemovedAfterKill === false) {
      hygiene.push(`${what}: ${p.role} process ${p.pid} left its socket (wphost removed it)`);
    }
  }
  await reap(processes.map((p) => p.pid), what);
}

function failed(what: string, r: { ok: boolean; stage: string; error: string }): Error {
  return new Error(`${what}: failed at ${r.stage || "?"}: ${r.error}`);
}

// ---------------------------------------------------------------------------------------------
// Peak RSS: /usr/bin/time around the plugin

/**
 * A wrapper wphost runs as the plugin: `/usr/bin/time -f %M` (peak RSS, KiB,
 * from wait4's rusage) around a shell that writes its pid and execs the
 * plugin, so the measured process is the plugin itself (the launcher execs
 * deno, so sh, launcher and deno are one process). The time process's pid is
 * what wphost reports; the files are named after it.
 */
async function makeWrapper(name: string, target: string): Promise<string> {
  const dir = join(BENCH, "wrappers");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  const rss = join(BENCH, "rss");
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\n# scripts/bench.ts: peak RSS of ${basename(target)}\n` +
      `exec /usr/bin/time -f %M -o "${rss}/rss-$$" /bin/sh -c 'echo $$ > "$1"; shift; exec "$@"' ` +
      `sh "${rss}/pid-$$" "${target}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

/** The peak RSS in KiB that the wrapper recorded for wphost's process `pid`, and the inner pid. */
async function wrappedRss(pid: number): Promise<{ kib: number; inner: number }> {
  const rss = join(BENCH, "rss");
  const text = await Deno.readTextFile(join(rss, `rss-${pid}`));
  // "Command exited with non-zero status N" may come first; %M is the last line.
  const last = text.trim().split("\n").pop() ?? "";
  const kib = Number(last);
  if (!Number.isFinite(kib) || kib <= 0) {
    throw new Error(`unexpected /usr/bin/time output: ${text}`);
  }
  const inner = Number((await Deno.readTextFile(join(rss, `pid-${pid}`)).catch(() => "0")).trim());
  return { kib, inner };
}

/** Peak RSS (KiB) of one command run under /usr/bin/time. */
async function commandRss(cmd: string, args: string[]): Promise<number> {
  const file = join(BENCH, "rss", `floor-${++reportSeq}`);
  const out = await run("/usr/bin/time", ["-f", "%M", "-o", file, cmd, ...args]);
  if (!out.success) throw new Error(`${cmd} failed: ${out.stderr.trim()}`);
  const kib = Number((await Deno.readTextFile(file)).trim().split("\n").pop());
  await Deno.remove(file).catch(() => {});
  return kib;
}

// ---------------------------------------------------------------------------------------------
// Measurements

/** Spawn → exit of one command, in ms, as seen from here. */
async function spawnExit(cmd: string, args: string[]): Promise<number> {
  const t0 = performance.now();
  const status = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    stdout: "null",
    stderr: "null",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).spawn().status;
  const ms = performance.now() - t0;
  if (!status.success) throw new Error(`${cmd} exited with ${status.code}`);
  return ms;
}

interface Handshake {
  handshake: Summary;
  kill: Summary;
}

async function handshake(plugin: Plugin, n: number): Promise<Handshake> {
  const r = await wphost<BuildReport>("handshake", plugin, ["-n", String(n)]);
  await checkProcesses(`handshake ${plugin.label}`, r.processes);
  if (!r.ok) throw failed(`handshake ${plugin.label}`, r);
  return {
    handshake: summarize(r.timings.spawnToClientMs),
    kill: summarize(r.processes.map((p) => p.killMs)),
  };
}

async function buildSession(plugin: Plugin, config: string): Promise<BuildReport> {
  const r = await wphost<BuildReport>("build", plugin, ["-config", config, "-push=false"]);
  await checkProcesses(`build ${plugin.label}`, r.processes);
  if (!r.ok) throw failed(`build session ${plugin.label}`, r);
  if (!r.result?.typeUrl) throw new Error(`build session ${plugin.label}: no artifact`);
  return r;
}

interface Sessions {
  session: Summary;
  buildCall: Summary;
}

/**
 * `runs` build sessions of each plugin, alternating so that all see the same
 * machine load. A plugin that fails is dropped (its entry is the error).
 */
async function sessions(
  plugins: { plugin: Plugin; config: string }[],
  runs: number,
): Promise<(Sessions | Error)[]> {
  const samples = plugins.map(() => ({
    session: [] as number[],
    call: [] as number[],
    error: undefined as Error | undefined,
  }));
  for (let i = -1; i < runs; i++) { // i = -1: warm-up, untimed
    for (const [k, p] of plugins.entries()) {
      const s = samples[k];
      if (s.error) continue;
      try {
        const r = await buildSession(p.plugin, p.config);
        if (i < 0) continue;
        s.session.push(r.timings.sessionMs);
        s.call.push(r.timings.buildCallMs ?? 0);
      } catch (err) {
        s.error = err as Error;
      }
    }
  }
  return samples.map((s) =>
    s.error ?? { session: summarize(s.session), buildCall: summarize(s.call) }
  );
}

/** Peak RSS (KiB, median over runs) of the builder process of a no-op build session. */
async function sessionRss(plugin: Plugin, config: string, runs: number): Promise<number> {
  const kib: number[] = [];
  for (let i = 0; i < runs; i++) {
    await reset(join(BENCH, "rss"));
    const r = await wphost<BuildReport>("build", plugin, ["-config", config, "-push=false"]);
    const inner: number[] = [];
    for (const p of r.processes) {
      const m = await wrappedRss(p.pid).catch(() => undefined);
      if (m) inner.push(m.inner);
      if (p.role === "builder" && m) kib.push(m.kib);
    }
    await checkProcesses(`build (RSS) ${plugin.label}`, r.processes);
    await reap(inner, `build (RSS) ${plugin.label}`);
    if (!r.ok) throw failed(`build session (RSS) ${plugin.label}`, r);
  }
  return median(kib);
}

interface RPC {
  p50: number;
  p99: number;
  callsPerSec: number;
}

async function rpcBench(plugin: Plugin, n: number, warmup: number): Promise<RPC> {
  const r = await wphost<RPCBenchReport>("rpcbench", plugin, [
    "-n",
    String(n),
    "-warmup",
    String(warmup),
  ]);
  if (r.process) await checkProcesses(`rpcbench ${plugin.label}`, [r.process]);
  if (!r.ok) throw failed(`rpcbench ${plugin.label}`, r);
  if (r.errors > 0) {
    throw new Error(`rpcbench ${plugin.label}: ${r.errors} of ${n} calls failed: ${r.firstError}`);
  }
  if (r.rpc !== "Builder/BuildSpec" || !r.latencyUs) {
    throw new Error(`rpcbench ${plugin.label}: timed ${r.rpc}, not Builder/BuildSpec`);
  }
  return { p50: r.latencyUs.p50, p99: r.latencyUs.p99, callsPerSec: r.callsPerSec };
}

interface UI {
  linesPerSec: number;
  firstLineMs: number;
  rssKib: number;
  /** Output events that carried the lines (median). */
  events: number;
}

/** `runs` uibench runs of a wrapped plugin: medians of throughput, first line, and peak RSS. */
async function uiBench(plugin: Plugin, config: string, lines: number, runs: number): Promise<UI> {
  const rate: number[] = [], first: number[] = [], rss: number[] = [], events: number[] = [];
  for (let i = 0; i < runs; i++) {
    await reset(join(BENCH, "rss"));
    const r = await wphost<UIBenchReport>("uibench", plugin, [
      "-config",
      config,
      "-lines",
      String(lines),
    ]);
    const procs = r.build?.processes ?? [];
    const inner: number[] = [];
    for (const p of procs) {
      const m = await wrappedRss(p.pid).catch(() => undefined);
      if (m) inner.push(m.inner);
      if (p.role === "builder" && m) rss.push(m.kib);
    }
    await checkProcesses(`uibench ${plugin.label}`, procs);
    await reap(inner, `uibench ${plugin.label}`);
    if (!r.ok) throw failed(`uibench ${plugin.label}`, r);
    if (!r.complete || r.received.textLines !== lines) {
      throw new Error(
        `uibench ${plugin.label}: the host rendered ${r.received.textLines} of ${lines} lines`,
      );
    }
    rate.push(r.linesPerSec);
    events.push(r.received.lines);
    first.push(r.firstLineMs);
  }
  return {
    linesPerSec: median(rate),
    firstLineMs: median(first),
    rssKib: median(rss),
    events: median(events),
  };
}

// ---------------------------------------------------------------------------------------------
// deno compile

/** The `deno compile` argv (without `deno`) that src/tools/compile.ts would run for one target. */
async function compileInvocation(entry: string, name: string, out: string): Promise<string[]> {
  const r = await run(Deno.execPath(), [
    "run",
    "-A",
    join(REPO, "src", "tools", "compile.ts"),
    "--entry",
    relative(REPO, entry),
    "--name",
    name,
    "--target",
    GO_TARGET,
    "--out",
    out,
    "--dry-run",
  ], { cwd: REPO });
  if (!r.success) throw new Error(`compile --dry-run failed: ${r.stderr.trim()}`);
  const words = shellWords(r.stdout.trim().split("\n")[0] ?? "");
  if (words[0] !== "deno" || words[1] !== "compile") {
    throw new Error(`unexpected compile --dry-run output: ${r.stdout}`);
  }
  return words.slice(1);
}

/** Splits a line of POSIX shell words as compile.ts's `shellQuote` writes them ('…', '\\''). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = "", inWord = false, quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === "'") quoted = false;
      else word += ch;
    } else if (ch === "'") {
      quoted = inWord = true;
    } else if (ch === "\\" && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (ch === " ") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

interface Compiled {
  ok: boolean;
  path: string;
  /** Why it failed, one line. */
  why?: string;
  /** The runtime download failed. */
  download?: boolean;
}

/** Runs one `deno compile` invocation with `DENORT_BIN` = `denort` (or none: download). */
async function compile(args: string[], denort: string | undefined): Promise<Compiled> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("DENORT_BIN")) env[k] = v;
  }
  env.NO_COLOR = "1";
  if (denort) env.DENORT_BIN = denort;
  const path = args[args.indexOf("--output") + 1];
  await Deno.mkdir(dirname(path), { recursive: true });
  const out = await run(Deno.execPath(), args, { cwd: REPO, env, clearEnv: true });
  if (out.success) return { ok: true, path };
  const text = out.stdout + out.stderr;
  if (text.includes("Setting up base binary")) {
    const m = text.match(/error sending request for url \((\S+)\): (.+)/);
    return {
      ok: false,
      path,
      download: true,
      why: m ? `${m[1]}: ${m[2].trim()}` : "the runtime could not be set up",
    };
  }
  const lines = text.trim().split("\n").filter((l) => l.trim());
  return { ok: false, path, why: lines.slice(0, 3).join(" / ") };
}

/** The size of a cached, downloaded denort (from deno compile's cache), if any. */
async function cachedDenortSize(): Promise<number | undefined> {
  try {
    const info = await run(Deno.execPath(), ["info", "--json"], { env: { NO_COLOR: "1" } });
    const denoDir = JSON.parse(info.stdout).denoDir as string;
    const { cachedRuntimePath, findTarget, zipEntries } = await import("../src/tools/compile.ts");
    const zip = await Deno.readFile(
      cachedRuntimePath(denoDir, Deno.version.deno, findTarget(GO_TARGET)!),
    );
    return zipEntries(zip).find((e) => /^denort(\.exe)?$/.test(e.name))?.size;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The machine

async function machine(): Promise<string[]> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const model = cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim() ?? "unknown CPU";
  const cores = cpuinfo.match(/^processor\s*:/gm)?.length ?? navigator.hardwareConcurrency;
  const mem = Deno.systemMemoryInfo();
  const osRelease = await Deno.readTextFile("/etc/os-release").catch(() => "");
  const os = osRelease.match(/^PRETTY_NAME="?([^"\n]+)"?$/m)?.[1] ?? Deno.build.os;
  const go = await run("go", ["version"]).then((o) => o.stdout.trim()).catch(() => "go: not found");
  const git = await run("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO }).catch(() => null);
  const dirty = await run("git", ["status", "--porcelain"], { cwd: REPO }).catch(() => null);
  const load = Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  return [
    `CPU: ${model}, ${cores} cores (${navigator.hardwareConcurrency} usable)`,
    `memory: ${(mem.total / 1024 ** 3).toFixed(1)} GiB (${
      (mem.available / 1024 ** 3).toFixed(1)
    } GiB available at start)`,
    `OS: ${os}, Linux ${Deno.osRelease()} ${Deno.build.arch}`,
    `Deno ${Deno.version.deno} (V8 ${Deno.version.v8}); ${go.replace(/^go version /, "Go ")}`,
    `load average at start: ${load}`,
    `commit: ${git?.stdout.trim() || "?"}${dirty?.stdout.trim() ? " + uncommitted changes" : ""}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// The table

type Cell = number | string | undefined;
type Column = "floorDeno" | "floorGo" | "ts" | "compiled" | "go";

interface Row {
  figure: string;
  unit: "ms" | "µs" | "lines/s" | "MiB" | "launches";
  floorDeno?: Cell;
  floorGo?: Cell;
  ts?: Cell;
  compiled?: Cell;
  go?: Cell;
  /** Footnote marks appended to a column's value. */
  marks?: Partial<Record<Column, string>>;
  /** Which ratio columns apply (the TS value is `ts`, else `compiled`). */
  ratios?: { tsGo?: boolean; tsFloor?: boolean; goFloor?: boolean };
}

function fmtNum(n: number, unit: Row["unit"]): string {
  if (unit === "lines/s" || unit === "launches") return Math.round(n).toLocaleString("en-US");
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return n.toFixed(digits);
}

function fmtCell(c: Cell, unit: Row["unit"], mark = ""): string {
  if (c === undefined) return "—";
  if (typeof c === "string") return c;
  return `${fmtNum(c, unit)} ${unit}${mark}`;
}

function ratio(a: Cell, b: Cell): string {
  if (typeof a !== "number" || typeof b !== "number" || b === 0) return "—";
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
}

const HEAD = [
  "figure",
  "floor: deno run, empty script",
  "floor: Go, trivial binary",
  "TS plugin, deno run",
  "TS plugin, deno compile",
  "Go SDK plugin",
  "TS ÷ Go",
  "TS ÷ deno floor",
  "Go ÷ Go floor",
];

function table(rows: Row[]): string {
  const out = [`| ${HEAD.join(" | ")} |`, `|${HEAD.map((_, i) => i ? "---:" : "---").join("|")}|`];
  for (const r of rows) {
    const ts = r.ts !== undefined ? r.ts : r.compiled;
    const cells = [
      r.figure,
      ...(["floorDeno", "floorGo", "ts", "compiled", "go"] as const).map((c) =>
        fmtCell(r[c], r.unit, r.marks?.[c])
      ),
      r.ratios?.tsGo ? ratio(ts, r.go) : "—",
      r.ratios?.tsFloor ? ratio(ts, r.floorDeno) : "—",
      r.ratios?.goFloor ? ratio(r.go, r.floorGo) : "—",
    ];
    out.push(`| ${cells.join(" | ")} |`);
  }
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Main

/** A figure that could not be measured: the cell says so, the notes say why. */
const failures: string[] = [];

async function measure<T>(what: string, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    const msg = (err as Error).message.split("\n")[0];
    failures.push(`${what}: ${msg}`);
    console.error(`  ! ${what}: ${msg}`);
    return undefined;
  }
}

const MIB = 1024 * 1024;
const kibToMib = (kib: number | undefined) => kib === undefined ? undefined : kib / 1024;

async function main(args: string[]): Promise<number> {
  let o: Options | "help";
  try {
    o = options(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(HELP);
    console.error(`error: ${err.message}`);
    return 2;
  }
  if (o === "help") {
    console.log(HELP);
    return 0;
  }
  if (Deno.build.os !== "linux") {
    console.error("error: the benchmark reads /proc and uses /usr/bin/time: run it on Linux");
    return 1;
  }
  const started = performance.now();
  const date = new Date();
  const host = await machine();

  // --- Preparation: binaries, launchers, the project, a warm cache -----------------------------
  progress("building wphost, the Go reference plugin and a trivial Go binary");
  await Deno.mkdir(BENCH, { recursive: true });
  await reset(join(BENCH, "reports"));
  await reset(join(BENCH, "rss"));
  const [, goPlugin] = await Promise.all([hostBinary(), goPluginBinary()]);
  const trivialDir = join(BENCH, "trivial");
  await Deno.mkdir(trivialDir, { recursive: true });
  await Deno.writeTextFile(join(trivialDir, "go.mod"), "module trivial\n\ngo 1.21\n");
  await Deno.writeTextFile(join(trivialDir, "main.go"), "package main\n\nfunc main() {}\n");
  const trivial = join(trivialDir, "trivial");
  const gb = await run("go", ["build", "-o", trivial, "."], { cwd: trivialDir });
  if (!gb.success) throw new Error(`go build of the trivial binary failed: ${gb.stderr}`);

  const emptyEntry = join(BENCH, "empty.ts");
  await Deno.writeTextFile(emptyEntry, "");
  const entries = {
    gobuilder: join(REPO, "examples", "gobuilder", "main.ts"),
    noop: join(REPO, "tests", "fixtures", "bench_noop_plugin.ts"),
    showcase: join(REPO, "tests", "fixtures", "showcase_plugin.ts"),
  };
  const launchers = join(BENCH, "launchers");
  const emptyLauncher = await makeLauncher(launchers, "empty", emptyEntry);
  const ts = {
    gobuilder: { label: "TS gobuilder", args: [] as string[], path: "" },
    noop: { label: "TS no-op", args: [] as string[], path: "" },
    showcase: { label: "TS showcase", args: [] as string[], path: "" },
  };
  for (const k of ["gobuilder", "noop", "showcase"] as const) {
    ts[k].path = await makeLauncher(launchers, k, entries[k]);
  }
  const go = {
    gobuilder: { label: "Go gobuilder", path: goPlugin, args: [] as string[] },
    noop: { label: "Go no-op", path: goPlugin, args: ["-noop"] },
    lines: { label: "Go lines", path: goPlugin, args: ["-noop", "-lines", String(o.lines)] },
  };

  const project = join(BENCH, "project");
  await Deno.mkdir(project, { recursive: true });
  const hcl = (use: string, body: string) =>
    `project = "bench"\n\napp "bench" {\n  build {\n    use "${use}" {${body}}\n  }\n}\n`;
  const noopHcl = join(project, "noop.hcl");
  const linesHcl = join(project, "lines.hcl");
  await Deno.writeTextFile(noopHcl, hcl("bench", ""));
  await Deno.writeTextFile(linesHcl, hcl("showcase", `\n      lines = ${o.lines}\n    `));

  progress("warming deno's cache (deno cache, one untimed run each)");
  const cache = await run(Deno.execPath(), [
    "cache",
    "--quiet",
    "--config",
    join(REPO, "deno.json"),
    emptyEntry,
    ...Object.values(entries),
  ]);
  if (!cache.success) throw new Error(`deno cache failed: ${cache.stderr}`);
  for (let i = 0; i < 2; i++) {
    await spawnExit(emptyLauncher, []);
    await spawnExit(trivial, []);
  }
  // Failures here show up again, with their reason, in the measured runs.
  await handshake(ts.gobuilder, 2).catch(() => {});
  await handshake(go.gobuilder, 2).catch(() => {});

  // --- Floor ----------------------------------------------------------------------------------
  progress(`floor: spawn → exit, ${o.runs} runs each (empty deno script, trivial Go binary)`);
  const floorDeno: number[] = [], floorGo: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    floorDeno.push(await spawnExit(emptyLauncher, []));
    floorGo.push(await spawnExit(trivial, []));
  }
  const fd = summarize(floorDeno), fg = summarize(floorGo);
  const floorRssDeno: number[] = [], floorRssGo: number[] = [];
  for (let i = 0; i < o.rssRuns; i++) {
    floorRssDeno.push(await commandRss(emptyLauncher, []));
    floorRssGo.push(await commandRss(trivial, []));
  }

  // --- Compiled: try once ---------------------------------------------------------------------
  progress("deno compile: trying once");
  const compiledDir = join(BENCH, "compiled");
  await reset(compiledDir);
  const denoBin = await Deno.realPath(Deno.execPath());
  const denortEnv = Deno.env.get(`DENORT_BIN_${GO_TARGET.toUpperCase()}`) ??
    Deno.env.get("DENORT_BIN");
  let realDenort: string | undefined;
  if (denortEnv) {
    const real = await Deno.realPath(denortEnv).catch(() => undefined);
    if (real && real !== denoBin && (await Deno.stat(real)).isFile) realDenort = real;
  }
  let compiledNote: string;
  let compiledPlugins: Record<"gobuilder" | "noop" | "showcase", Plugin> | undefined;
  let baseSize: number | undefined;
  let baseFrom = "";
  {
    const inv = await compileInvocation(entries.gobuilder, "gobuilder", join(compiledDir, "real"));
    const first = await compile(inv, realDenort);
    if (first.ok) {
      const others = {
        noop: await compile(
          await compileInvocation(entries.noop, "bench_noop", join(compiledDir, "real")),
          realDenort,
        ),
        showcase: await compile(
          await compileInvocation(entries.showcase, "showcase", join(compiledDir, "real")),
          realDenort,
        ),
      };
      const bad = Object.values(others).find((c) => !c.ok);
      if (bad) {
        compiledNote = `deno compile of a fixture failed: ${bad.why}`;
      } else {
        compiledPlugins = {
          gobuilder: { label: "compiled gobuilder", path: first.path, args: [] },
          noop: { label: "compiled no-op", path: others.noop.path, args: [] },
          showcase: { label: "compiled showcase", path: others.showcase.path, args: [] },
        };
        compiledNote = realDenort
          ? `compiled with DENORT_BIN=${realDenort}`
          : "compiled with the runtime deno compile downloaded";
        if (realDenort) {
          baseSize = await fileSize(realDenort);
          baseFrom = `the denort in DENORT_BIN (${realDenort})`;
        } else {
          baseSize = await cachedDenortSize();
          if (baseSize !== undefined) baseFrom = "the denort deno compile downloaded";
        }
      }
    } else if (first.download) {
      compiledNote = "not measurable here (denort download unreachable; set DENORT_BIN to a " +
        `denort ${Deno.version.deno} to measure). deno compile, tried once: ${first.why}`;
    } else {
      compiledNote = `not measurable here: deno compile failed: ${first.why}`;
    }
  }
  console.error(`  ${compiledNote}`);

  // --- Handshake ------------------------------------------------------------------------------
  progress(`spawn → handshake: wphost handshake -n ${o.runs}`);
  const hsTs = await measure("handshake, TS", () => handshake(ts.gobuilder, o.runs));
  const hsGo = await measure("handshake, Go", () => handshake(go.gobuilder, o.runs));
  const hsC = compiledPlugins
    ? await measure("handshake, compiled", () => handshake(compiledPlugins!.gobuilder, o.runs))
    : undefined;

  // --- Build session --------------------------------------------------------------------------
  progress(`build session (no-op body): ${o.runs} × wphost build -push=false each, alternating`);
  const sessionPlugins = [
    { plugin: ts.noop, config: noopHcl },
    { plugin: go.noop, config: noopHcl },
    ...(compiledPlugins ? [{ plugin: compiledPlugins.noop, config: noopHcl }] : []),
  ];
  const ses = await measure("build session", () => sessions(sessionPlugins, o.runs));

  // --- RPC ------------------------------------------------------------------------------------
  progress(`BuildSpec latency: wphost rpcbench -n ${o.rpc} -warmup ${o.rpcWarmup}`);
  const rpcTs = await measure("rpcbench, TS", () => rpcBench(ts.gobuilder, o.rpc, o.rpcWarmup));
  const rpcGo = await measure("rpcbench, Go", () => rpcBench(go.gobuilder, o.rpc, o.rpcWarmup));
  const rpcC = compiledPlugins
    ? await measure(
      "rpcbench, compiled",
      () => rpcBench(compiledPlugins!.gobuilder, o.rpc, o.rpcWarmup),
    )
    : undefined;

  // --- UI + RSS -------------------------------------------------------------------------------
  progress(`terminal UI: wphost uibench -lines ${o.lines}, ${o.uiRuns} run(s) each`);
  const wrap = async (p: Plugin, name: string): Promise<Plugin> => ({
    ...p,
    path: await makeWrapper(name, p.path),
  });
  const uiTs = await measure(
    "uibench, TS",
    async () => uiBench(await wrap(ts.showcase, "showcase"), linesHcl, o.lines, o.uiRuns),
  );
  const uiGo = await measure(
    "uibench, Go",
    async () => uiBench(await wrap(go.lines, "go"), noopHcl, o.lines, o.uiRuns),
  );
  const uiC = compiledPlugins
    ? await measure(
      "uibench, compiled",
      async () =>
        uiBench(await wrap(compiledPlugins!.showcase, "c-showcase"), linesHcl, o.lines, o.uiRuns),
    )
    : undefined;

  progress(`peak RSS: ${o.rssRuns} no-op build session(s) each under /usr/bin/time`);
  const rssTs = await measure(
    "RSS, TS",
    async () => sessionRss(await wrap(ts.noop, "noop"), noopHcl, o.rssRuns),
  );
  const rssGo = await measure(
    "RSS, Go",
    async () => sessionRss(await wrap(go.noop, "go"), noopHcl, o.rssRuns),
  );
  const rssC = compiledPlugins
    ? await measure(
      "RSS, compiled",
      async () => sessionRss(await wrap(compiledPlugins!.noop, "c-noop"), noopHcl, o.rssRuns),
    )
    : undefined;

  // --- Memory: one process, many builds -------------------------------------------------------
  progress(`memory: ${o.builds} builds served by one debug-mode showcase plugin (wphost builds)`);
  const mem = await measure(
    "memory, TS",
    () => measureBuildsMemory(join(BENCH, "memory"), o.builds, [500, o.builds]),
  );
  const rssAt = (k: number) => mem?.rssMib.get(k);
  const growth = mem && rssAt(500) !== undefined && rssAt(o.builds) !== undefined
    ? rssAt(o.builds)! - rssAt(500)!
    : undefined;

  // --- Payload --------------------------------------------------------------------------------
  let payloadNote = "payload: not measured";
  let payload: number | undefined, emptyPayload: number | undefined;
  let compiledSize: number | undefined;
  const sizes = await measure("compiled payload", async () => {
    if (compiledPlugins && baseSize !== undefined) {
      const empty = await compile(
        await compileInvocation(emptyEntry, "empty", join(compiledDir, "real")),
        realDenort,
      );
      if (!empty.ok) throw new Error(`deno compile of the empty script failed: ${empty.why}`);
      const size = await fileSize(compiledPlugins.gobuilder.path);
      payloadNote = `payload: the compiled binary's size minus ${baseFrom}`;
      return { size, payload: size - baseSize, empty: (await fileSize(empty.path)) - baseSize };
    }
    progress(
      `compiled payload: deno compile with the deno binary as a stand-in base (${GO_TARGET})`,
    );
    const out = join(compiledDir, "standin");
    const g = await compile(await compileInvocation(entries.gobuilder, "gobuilder", out), denoBin);
    const e = await compile(await compileInvocation(emptyEntry, "empty", out), denoBin);
    if (!g.ok || !e.ok) {
      throw new Error(`deno compile with DENORT_BIN=${denoBin} failed: ${(g.why ?? e.why)}`);
    }
    baseSize = await fileSize(denoBin);
    payloadNote = `payload over the deno binary used as a stand-in base (DENORT_BIN=${denoBin}, ` +
      `${(baseSize / MIB).toFixed(2)} MiB; ${GO_TARGET} only). The binary made this way does ` +
      "not run the plugin (the deno CLI ignores the payload): only its size is used. Most of " +
      "the empty script's payload is padding: deno compile places the payload segment at a " +
      "file offset equal to its virtual address, past the base's zero-filled data";
    const size = await fileSize(g.path);
    return { size, payload: size - baseSize, empty: (await fileSize(e.path)) - baseSize };
  });
  if (sizes) ({ payload, empty: emptyPayload, size: compiledSize } = sizes);
  // --- The real Waypoint CLI (scripts/bench_cli.ts) ----------------------------------------
  const cli = await benchCli({ runs: o.cliRuns, progress });
  failures.push(...cli.failures);

  await Deno.remove(compiledDir, { recursive: true }).catch(() => {});
  await Deno.remove(join(BENCH, "reports"), { recursive: true }).catch(() => {});
  await Deno.remove(join(BENCH, "rss"), { recursive: true }).catch(() => {});

  // --- Table ----------------------------------------------------------------------------------
  const val = (v: number | undefined, measured: unknown): Cell =>
    v ?? (measured ? undefined : "failed");
  const NM = "n/m¹";
  const cval = (v: number | undefined, measured: unknown): Cell =>
    compiledPlugins ? val(v, measured) : NM;
  const sesOf = (i: number) => {
    const x = ses?.[i];
    return x instanceof Error ? undefined : x;
  };
  for (const [i, who] of ["TS", "Go", "compiled"].entries()) {
    const x = ses?.[i];
    if (x instanceof Error) failures.push(`build session, ${who}: ${x.message.split("\n")[0]}`);
  }
  const [sesTs, sesGo, sesC] = [sesOf(0), sesOf(1), sesOf(2)];
  const all = { tsGo: true, tsFloor: true, goFloor: true };
  const goSize = await fileSize(goPlugin);
  const trivialSize = await fileSize(trivial);
  // A figure's median and p90 rows, compared with the floors' median and p90.
  const medianAndP90 = (
    figure: string,
    cells: (q: "median" | "p90") => Pick<Row, "ts" | "compiled" | "go">,
  ): Row[] =>
    (["median", "p90"] as const).map((q) => ({
      figure: `${figure}, ${q}`,
      unit: "ms",
      floorDeno: fd[q],
      floorGo: fg[q],
      ...cells(q),
      ratios: all,
    }));
  const rows: Row[] = [
    { figure: "spawn → exit, median", unit: "ms", floorDeno: fd.median, floorGo: fg.median },
    { figure: "spawn → exit, p90", unit: "ms", floorDeno: fd.p90, floorGo: fg.p90 },
    ...medianAndP90("gobuilder: spawn → handshake", (q) => ({
      ts: val(hsTs?.handshake[q], hsTs),
      compiled: cval(hsC?.handshake[q], hsC),
      go: val(hsGo?.handshake[q], hsGo),
    })),
    {
      figure: "gobuilder: Kill → exited, median",
      unit: "ms",
      ts: val(hsTs?.kill.median, hsTs),
      compiled: cval(hsC?.kill.median, hsC),
      go: val(hsGo?.kill.median, hsGo),
      ratios: { tsGo: true },
    },
    ...medianAndP90("no-op builder: build session", (q) => ({
      ts: val(sesTs?.session[q], sesTs),
      compiled: cval(sesC?.session[q], sesC),
      go: val(sesGo?.session[q], sesGo),
    })),
    {
      figure: "no-op builder: … of it BuildSpec + Build, median",
      unit: "ms",
      ts: val(sesTs?.buildCall.median, sesTs),
      compiled: cval(sesC?.buildCall.median, sesC),
      go: val(sesGo?.buildCall.median, sesGo),
      ratios: { tsGo: true },
    },
    {
      figure: `gobuilder: BuildSpec latency, p50 of ${o.rpc}`,
      unit: "µs",
      ts: val(rpcTs?.p50, rpcTs),
      compiled: cval(rpcC?.p50, rpcC),
      go: val(rpcGo?.p50, rpcGo),
      ratios: { tsGo: true },
    },
    {
      figure: `gobuilder: BuildSpec latency, p99 of ${o.rpc}`,
      unit: "µs",
      ts: val(rpcTs?.p99, rpcTs),
      compiled: cval(rpcC?.p99, rpcC),
      go: val(rpcGo?.p99, rpcGo),
      ratios: { tsGo: true },
    },
    {
      figure: "lines builder: Build call → first UI line",
      unit: "ms",
      ts: val(uiTs?.firstLineMs, uiTs),
      compiled: cval(uiC?.firstLineMs, uiC),
      go: val(uiGo?.firstLineMs, uiGo),
      ratios: { tsGo: true },
    },
    {
      figure: `lines builder: ${o.lines} UI lines/s (higher is better)`,
      unit: "lines/s",
      ts: val(uiTs?.linesPerSec, uiTs),
      compiled: cval(uiC?.linesPerSec, uiC),
      go: val(uiGo?.linesPerSec, uiGo),
      ratios: { tsGo: true },
    },
    {
      figure: "no-op builder: peak RSS, build session",
      unit: "MiB",
      floorDeno: median(floorRssDeno) / 1024,
      floorGo: median(floorRssGo) / 1024,
      ts: val(kibToMib(rssTs), rssTs),
      compiled: cval(kibToMib(rssC), rssC),
      go: val(kibToMib(rssGo), rssGo),
      ratios: all,
    },
    {
      figure: `lines builder: peak RSS, ${o.lines} UI lines`,
      unit: "MiB",
      floorDeno: median(floorRssDeno) / 1024,
      floorGo: median(floorRssGo) / 1024,
      ts: val(kibToMib(uiTs?.rssKib), uiTs),
      compiled: cval(kibToMib(uiC?.rssKib), uiC),
      go: val(kibToMib(uiGo?.rssKib), uiGo),
      ratios: all,
    },
    ...[500, o.builds].map((k): Row => ({
      figure: `showcase builder, one debug-mode process: RSS after ${k} builds`,
      unit: "MiB",
      ts: val(rssAt(k), mem),
      compiled: cval(undefined, mem),
      go: "n/a⁴",
    })),
    {
      figure: `… growth from build 500 to ${o.builds} (target ≤ 10 MiB)`,
      unit: "MiB",
      ts: val(growth, mem),
      compiled: cval(undefined, mem),
      go: "n/a⁴",
    },
    {
      figure: "gobuilder: compiled payload (added to the runtime)",
      unit: "MiB",
      floorDeno: val(emptyPayload === undefined ? undefined : emptyPayload / MIB, sizes),
      compiled: val(payload === undefined ? undefined : payload / MIB, sizes),
      marks: { floorDeno: "²", compiled: "²" },
      ratios: { tsFloor: true },
    },
    {
      figure: "gobuilder: executable size",
      unit: "MiB",
      floorDeno: baseSize === undefined ? undefined : baseSize / MIB,
      floorGo: trivialSize / MIB,
      compiled: val(compiledSize === undefined ? undefined : compiledSize / MIB, sizes),
      go: goSize / MIB,
      marks: compiledPlugins && realDenort ? {} : { floorDeno: "³", compiled: "³" },
      ratios: all,
    },
    ...cli.rows,
  ];

  const seconds = (performance.now() - started) / 1000;
  const notes = [
    ...(compiledPlugins ? [] : [`¹ ${compiledNote}`]),
    `² ${payloadNote}.`,
    ...(compiledPlugins && realDenort ? [] : [
      `³ ${
        compiledPlugins ? "the downloaded runtime" : "the deno binary standing in for denort"
      } (floor column) and the compiled gobuilder built on it; a real denort ${Deno.version.deno} is smaller than the deno CLI.`,
    ]),
    "⁴ The Go SDK's debug server (go-plugin v1.4.3) answers the broker of the first host " +
    'only: the second `waypoint build` against it fails with "timeout waiting for connection ' +
    'info", so one Go process cannot serve many builds. Compiled: not measured (same runtime ' +
    "and flags as deno run).",
  ];
  const md = [
    "# waypoint-plugin for Deno: benchmark",
    "",
    `\`deno task bench\` on ${date.toISOString()} — runs ${o.runs}, RPC calls ${o.rpc} ` +
    `(+${o.rpcWarmup} warm-up), UI lines ${o.lines}, ${o.uiRuns} UI run(s), builds ${o.builds}, ` +
    `${o.rssRuns} RSS run(s), ${o.cliRuns} real-CLI run(s)${o.quick ? ", --quick" : ""}; ` +
    `took ${seconds.toFixed(0)} s.`,
    "",
    table(rows),
    "",
    ...notes.map((n) => `${n}  `),
    "",
    "## Machine",
    "",
    ...host.map((l) => `- ${l}`),
    `- load average at the end: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
    "",
    "## How each figure is measured",
    "",
    ...[...METHOD, ...cli.method].map((l) => `- ${l}`),
    ...(uiTs && uiGo
      ? [
        `- In this run the ${o.lines} UI lines reached the host in ${uiTs.events} Output ` +
        `event(s) from the TS plugin and ${uiGo.events} from the Go plugin.`,
      ]
      : []),
    ...(failures.length || hygiene.length
      ? [
        "",
        "## Problems in this run",
        "",
        ...failures.map((f) => `- not measured: ${f}`),
        ...hygiene.map((h) => `- process cleanup: ${h}`),
      ]
      : []),
    "",
  ].join("\n");

  console.log(md);
  await Deno.mkdir(dirname(o.out), { recursive: true });
  await Deno.writeTextFile(o.out, md);
  console.error(`wrote ${relative(Deno.cwd(), o.out) || o.out}`);
  return failures.length > 0 ? 1 : 0;
}

/** How each figure is measured, for the results file. */
const METHOD = [
  "All plugin figures go through `wphost` (tests/conformance: go-plugin v1.4.3 and " +
  "waypoint-plugin-sdk as Waypoint 0.11.4 links them), run with the project folder " +
  "tests/.work/bench/project as cwd and no host log. Runs alternate or follow each other; " +
  "nothing runs in parallel.",
  "Plugins (the prefix of each figure): *gobuilder* = examples/gobuilder/main.ts and its Go " +
  "twin tests/conformance/goplugin (`goPluginBinary()`); *no-op builder* = " +
  "tests/fixtures/bench_noop_plugin.ts (no config, build returns at once) and `goplugin " +
  "-noop` (no config, build(ctx, ui, source, logger) returns at once); *lines builder* = " +
  "tests/fixtures/showcase_plugin.ts with `lines = N` (prints `line I`, returns) and " +
  "`goplugin -noop -lines N` (prints `line I of N`, returns). *TS plugin, deno run* runs " +
  "through the launcher of tests/support/host.ts `makeLauncher` (`/bin/sh` execs `deno run " +
  "--quiet --no-prompt --cached-only --config deno.json --allow-…`) with a warm cache " +
  "(`deno cache` and two untimed handshakes first); *TS plugin, deno compile* runs the " +
  "compiled binary (only when deno compile has a runtime).",
  "*spawn → exit* (floor): wall time from `Deno.Command.spawn()` to the exit status, seen " +
  "from this script: the launcher with an empty script (same shell, flags and deno.json as " +
  "the plugin launcher) and a Go binary whose main is empty (tests/.work/bench/trivial). " +
  "Two untimed runs first; deno and Go runs alternate.",
  "*spawn → handshake*: `wphost handshake -n RUNS`, go-plugin's `NewClient` + `Client()` " +
  "per round: exec, the handshake line on stdout, the gRPC dial to the announced socket. " +
  "*Kill → exited*: go-plugin's `Kill()` in the same rounds (broker close, " +
  "GRPCController/Shutdown, wait for exit). Ratios to the floor divide by spawn → exit.",
  "*build session*: RUNS × `wphost build -push=false` (plus one untimed), the report's " +
  "`sessionMs`: config load, the mapper process (spawn, ListMappers, kill), the builder " +
  "process (spawn, dispense with the IsAuthenticator probe, ListMappers, ConfigStruct " +
  "[+ Configure when there is a config], BuildSpec, Build with the UI broker, kill). Two " +
  "plugin processes, so the floor ratio compares with two starts' worth of work. The next " +
  "row is `buildCallMs` (BuildSpec + Build) of the same sessions.",
  "*BuildSpec RPC latency*: `wphost rpcbench -n RPC -warmup W`: one process, Builder " +
  "dispensed, then sequential BuildSpec calls with the SDK's generated stub on the " +
  "go-plugin connection; nearest-rank p50/p99 of the per-call time.",
  "*UI*: `wphost uibench -lines N` (the build path with a counting terminal.UI that renders " +
  "nothing); *first line* is the time from the Build call (after BuildSpec) to the first " +
  "line's arrival, which includes the plugin dialing the host's UI broker service; " +
  "*throughput* is the report's `linesPerSec` = text lines ÷ time to the last line (one " +
  "Output event may carry several lines, which the host prints the same way). Median of " +
  "the UI runs; every run must deliver exactly N text lines.",
  "*peak RSS*: wphost is given a wrapper as `-plugin` that runs `/usr/bin/time -f %M -o FILE` " +
  "around `sh -c 'echo $$ > PIDFILE; exec PLUGIN'`; the launcher execs deno, so the " +
  "measured process is the plugin itself, and %M is its peak resident set (wait4's " +
  "ru_maxrss; it would include waited-for children, and these plugins start none). The " +
  "figure is the builder process's (the one that served Build), median over the RSS runs " +
  "of a no-op build session, and over the UI runs for the UI row. Floors: the same tool " +
  "around the empty deno script and the trivial Go binary.",
  "*compiled payload*: the `deno compile` invocation `src/tools/compile.ts --dry-run " +
  "--target <this machine>` prints, run with `DENORT_BIN`; the payload is the output's size " +
  "minus the runtime's. The floor column compiles the empty script the same way. " +
  "*executable size*: the runtime (floor column), the compiled gobuilder (runtime + " +
  "payload), the goplugin binary as `go build` makes it (not stripped) and the trivial Go " +
  "binary.",
  "*one debug-mode process*: scripts/bench_memory.ts starts tests/fixtures/showcase_plugin.ts " +
  "with `--debug` through the same launcher (so with the toolkit's V8 flags, " +
  "`PLUGIN_V8_FLAGS`) and runs `wphost builds -reattach -n BUILDS -rss-at 500,BUILDS`: each " +
  "build is a `waypoint build` of its own (mapper and builder connections, every UI feature " +
  "through the UI broker, a log line, the result), closing its connections as a CLI exit " +
  "does; RSS is the plugin's VmRSS after one idle second at each count. Every build must " +
  "succeed.",
  "Cleanup: every wphost report must show each plugin process exited after `Kill()` " +
  "without SIGKILL; afterwards each pid (and the inner pid under the RSS wrapper) is " +
  "checked in /proc and killed if it is still there (reported under Problems). Compiled " +
  "binaries and reports are deleted at the end.",
  "Ratios: value ÷ value of the named column (TS = the deno run column, or the compiled " +
  "one for the size rows); for throughput a ratio below 1 means TS is slower.",
];

if (import.meta.main) Deno.exit(await main(Deno.args));
