/**
 * The cases that run a plugin through wphost: spawn → handshake (and Kill),
 * build sessions, BuildSpec latency, terminal UI throughput and peak RSS.
 * Each takes the plugin as wphost launches it, so the same case measures the
 * TS plugin, the Go SDK plugin and the compiled one.
 *
 * @module
 */
import { join } from "../lib/path.ts";
import { BENCH, reset } from "./exec.ts";
import type { Problems } from "./problems.ts";
import { wrappedRss } from "./rss.ts";
import { median, summarize, type Summary } from "./stats.ts";
import {
  type BuildReport,
  checkProcesses,
  failed,
  type Plugin,
  type ProcessReport,
  reap,
  type RPCBenchReport,
  type UIBenchReport,
  wphost,
} from "./wphost.ts";

/** Spawn → handshake and Kill → exited. */
export interface Handshake {
  handshake: Summary;
  kill: Summary;
}

/** `wphost handshake -n N`. */
export async function handshake(problems: Problems, plugin: Plugin, n: number): Promise<Handshake> {
  const r = await wphost<BuildReport>("handshake", plugin, ["-n", String(n)]);
  await checkProcesses(problems, `handshake ${plugin.label}`, r.processes);
  if (!r.ok) throw failed(`handshake ${plugin.label}`, r);
  return {
    handshake: summarize(r.timings.spawnToClientMs),
    kill: summarize(r.processes.map((p) => p.killMs)),
  };
}

async function buildSession(
  problems: Problems,
  plugin: Plugin,
  config: string,
): Promise<BuildReport> {
  const r = await wphost<BuildReport>("build", plugin, ["-config", config, "-push=false"]);
  await checkProcesses(problems, `build ${plugin.label}`, r.processes);
  if (!r.ok) throw failed(`build session ${plugin.label}`, r);
  if (!r.result?.typeUrl) throw new Error(`build session ${plugin.label}: no artifact`);
  return r;
}

/** A whole build session, and its BuildSpec + Build calls. */
export interface Sessions {
  session: Summary;
  buildCall: Summary;
}

/**
 * `runs` build sessions of each plugin, alternating so that all see the same
 * machine load. A plugin that fails is dropped (its entry is the error).
 */
export async function sessions(
  problems: Problems,
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
        const r = await buildSession(problems, p.plugin, p.config);
        if (i < 0) continue;
        s.session.push(r.timings.sessionMs);
        s.call.push(r.timings.buildCallMs ?? 0);
      } catch (err) {
        s.error = err instanceof Error ? err : new Error(String(err));
      }
    }
  }
  return samples.map((s) =>
    s.error ?? { session: summarize(s.session), buildCall: summarize(s.call) }
  );
}

/**
 * The builder's peak RSS (KiB) from the RSS wrapper of a run's processes,
 * after checking that they, and the plugins inside the wrappers, are gone.
 */
async function builderRss(
  problems: Problems,
  what: string,
  processes: ProcessReport[],
): Promise<number | undefined> {
  const inner: number[] = [];
  let kib: number | undefined;
  for (const p of processes) {
    const m = await wrappedRss(p.pid).catch(() => undefined);
    if (m) inner.push(m.inner);
    if (p.role === "builder" && m) kib = m.kib;
  }
  await checkProcesses(problems, what, processes);
  await reap(problems, inner, what);
  return kib;
}

/** Peak RSS (KiB, median over runs) of the builder process of a no-op build session. */
export async function sessionRss(
  problems: Problems,
  plugin: Plugin,
  config: string,
  runs: number,
): Promise<number> {
  const kib: number[] = [];
  for (let i = 0; i < runs; i++) {
    await reset(join(BENCH, "rss"));
    const r = await wphost<BuildReport>("build", plugin, ["-config", config, "-push=false"]);
    const rss = await builderRss(problems, `build (RSS) ${plugin.label}`, r.processes);
    if (rss !== undefined) kib.push(rss);
    if (!r.ok) throw failed(`build session (RSS) ${plugin.label}`, r);
  }
  return median(kib);
}

/** BuildSpec latency. */
export interface RPC {
  p50: number;
  p99: number;
  callsPerSec: number;
}

/** `wphost rpcbench -n N -warmup W`: sequential BuildSpec calls on one connection. */
export async function rpcBench(
  problems: Problems,
  plugin: Plugin,
  o: { n: number; warmup: number },
): Promise<RPC> {
  const r = await wphost<RPCBenchReport>("rpcbench", plugin, [
    "-n",
    String(o.n),
    "-warmup",
    String(o.warmup),
  ]);
  if (r.process) await checkProcesses(problems, `rpcbench ${plugin.label}`, [r.process]);
  if (!r.ok) throw failed(`rpcbench ${plugin.label}`, r);
  if (r.errors > 0) {
    throw new Error(
      `rpcbench ${plugin.label}: ${r.errors} of ${o.n} calls failed: ${r.firstError}`,
    );
  }
  if (r.rpc !== "Builder/BuildSpec" || !r.latencyUs) {
    throw new Error(`rpcbench ${plugin.label}: timed ${r.rpc}, not Builder/BuildSpec`);
  }
  return { p50: r.latencyUs.p50, p99: r.latencyUs.p99, callsPerSec: r.callsPerSec };
}

/** Terminal UI throughput, and the builder's peak RSS meanwhile. */
export interface UI {
  linesPerSec: number;
  firstLineMs: number;
  rssKib: number;
  /** Output events that carried the lines (median). */
  events: number;
}

/** `runs` uibench runs of a wrapped plugin: medians of throughput, first line, and peak RSS. */
export async function uiBench(
  problems: Problems,
  plugin: Plugin,
  o: { config: string; lines: number; runs: number },
): Promise<UI> {
  const rate: number[] = [], first: number[] = [], rss: number[] = [], events: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    await reset(join(BENCH, "rss"));
    const r = await wphost<UIBenchReport>("uibench", plugin, [
      "-config",
      o.config,
      "-lines",
      String(o.lines),
    ]);
    const kib = await builderRss(problems, `uibench ${plugin.label}`, r.build?.processes ?? []);
    if (kib !== undefined) rss.push(kib);
    if (!r.ok) throw failed(`uibench ${plugin.label}`, r);
    if (!r.complete || r.received.textLines !== o.lines) {
      throw new Error(
        `uibench ${plugin.label}: the host rendered ${r.received.textLines} of ${o.lines} lines`,
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
