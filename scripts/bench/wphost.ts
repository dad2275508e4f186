/**
 * Running `wphost` (the Go conformance host) for a benchmark case, the
 * reports it writes, and the check that every plugin process it started is
 * gone afterwards.
 *
 * @module
 */
import { join } from "../lib/path.ts";
import { REPO } from "../lib/repo.ts";
import { hostBinary } from "../lib/conformance.ts";
import { BENCH, run } from "./exec.ts";
import type { Problems } from "./problems.ts";
import type { Summary } from "./stats.ts";

/** A plugin executable as wphost launches it. */
export interface Plugin {
  /** Shown in progress and errors. */
  label: string;
  path: string;
  args: string[];
}

/** One plugin process as a report describes it. */
export interface ProcessReport {
  role: string;
  pid: number;
  exited: boolean;
  forced: boolean;
  killMs: number;
  spawnToClientMs: number;
  socketRemovedAfterKill: boolean | null;
}

/** What every report has. */
export interface Outcome {
  ok: boolean;
  stage: string;
  error: string;
}

/** The report of `wphost build` and `wphost handshake`. */
export interface BuildReport extends Outcome {
  result: { typeUrl: string } | null;
  processes: ProcessReport[];
  timings: {
    spawnToClientMs: number[];
    buildCallMs?: number;
    sessionMs: number;
    kill?: Summary;
  };
}

/** The report of `wphost rpcbench`. */
export interface RPCBenchReport extends Outcome {
  rpc: string;
  errors: number;
  firstError: string;
  latencyUs: { p50: number; p90: number; p99: number; mean: number } | null;
  callsPerSec: number;
  process: ProcessReport | null;
}

/** The report of `wphost uibench`. */
export interface UIBenchReport extends Outcome {
  /** `lines` counts Output calls (events), `textLines` the lines they carried. */
  received: { lines: number; textLines: number };
  complete: boolean;
  lastLine: string;
  firstLineMs: number;
  lastLineMs: number;
  linesPerSec: number;
  build: BuildReport;
}

let reportSeq = 0;

/** Runs `wphost <sub> -report … <args>` in the bench project and returns its report. */
export async function wphost<R>(sub: string, plugin: Plugin, args: string[]): Promise<R> {
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

/** The error for a report that is not ok. */
export function failed(what: string, r: Outcome): Error {
  return new Error(`${what}: failed at ${r.stage || "?"}: ${r.error}`);
}

/**
 * Checks that each pid has exited; one still running (not a zombie) whose
 * command line is one of ours is SIGKILLed and reported.
 */
export async function reap(problems: Problems, pids: number[], what: string): Promise<void> {
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
    problems.hygiene.push(`${what}: pid ${pid} was still running after the run; it was SIGKILLed`);
  }
}

/** Records processes that did not exit cleanly on Kill, then reaps what is left. */
export async function checkProcesses(
  problems: Problems,
  what: string,
  processes: ProcessReport[],
): Promise<void> {
  for (const p of processes) {
    const who = `${what}: ${p.role} process ${p.pid}`;
    if (!p.exited) problems.hygiene.push(`${who} did not exit on Kill`);
    if (p.forced) problems.hygiene.push(`${who} needed SIGKILL (no graceful exit)`);
    if (p.socketRemovedAfterKill === false) {
      problems.hygiene.push(`${who} left its socket (wphost removed it)`);
    }
  }
  await reap(problems, processes.map((p) => p.pid), what);
}
