/**
 * A Waypoint v0.11.4 server bug, caught by name: now and then (about one
 * `waypoint build` in 200 on this machine, more under load) the server's
 * GetJobStream handler blocks in a Send of buffered terminal output, so the
 * CLI never hears that its job ended. The job itself finishes: the runner
 * reports it complete, `waypoint job list` shows SUCCESS, and the CLI waits
 * on its stream forever (seen with goroutine dumps of both: the CLI in
 * jobstream Recv, the server in getJobStreamOutputInit until the CLI goes,
 * then "failed to init job output stream … transport is closing").
 *
 * Nothing a plugin does reaches that stream, so this is not ours to fix.
 * What we can do is tell it apart from a real hang: a CLI that has printed
 * nothing for a while although every job it queued has ended on the server.
 * {@linkcode StreamStall} is then thrown and the run interrupted (the job is
 * over, so no app lock is held); which the end-to-end tests retry once on
 * a fresh server, saying so in their output.
 *
 * @module
 */
import { finished, type Job } from "./jobs.ts";
import type { RunningCli } from "./cli_process.ts";

/**
 * The CLI missed its job's end (the Waypoint server bug above).
 *
 * @example Tell Waypoint's stall from a plugin hang
 * ```ts
 * import assert from "node:assert";
 * import { startWaypoint, StreamStall } from "@x/waypoint-plugin/testing";
 * const stall = new StreamStall("build", [{
 *   id: "01J",
 *   state: "SUCCESS",
 *   operation: "build",
 *   queuedAt: 0,
 * }], "");
 * assert.match(stall.message, /GetJobStream stall/);
 * Deno.test("build, retried once on Waypoint's stream stall", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   // project.run() already retries once; a second stall reaches the test as a StreamStall.
 *   const r = await project.run("build").catch((e) => {
 *     if (e instanceof StreamStall) throw new Error(`Waypoint stalled twice: ${e.message}`);
 *     throw e;
 *   });
 *   assert.equal(r.code, 0, r.output);
 * });
 * ```
 */
export class StreamStall extends Error {
  /** `command` as run, the jobs the server finished, and what the CLI printed. */
  constructor(command: string, jobs: Job[], output: string) {
    super(
      `waypoint ${command}: the server finished ${
        jobs.map((j) => `job ${j.id} (${j.operation}, ${j.state})`).join(", ")
      } but the CLI never heard of it (Waypoint 0.11.4 GetJobStream stall). Output:\n${output}`,
    );
    this.name = "StreamStall";
  }
}

/** How long the CLI must be silent before the server is asked about its jobs, and how often to look. */
export interface StallTiming {
  quietMs: number;
  everyMs: number;
}

const TIMING: StallTiming = { quietMs: 15_000, everyMs: 2_500 };

/** Resolves after `ms`, or at once (false) when `signal` aborts; leaves no timer behind. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", done);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Watches `cli` until `signal` aborts (the caller's run is over). Throws
 * {@linkcode StreamStall} at once (the caller then interrupts the CLI) once
 * it has been quiet for `timing.quietMs` twice in a row with every job queued since
 * `since` (ms since the epoch) finished; otherwise never settles.
 * `listJobs` must not itself be watched.
 */
export async function watchForStall(
  cli: RunningCli,
  command: string,
  since: number,
  listJobs: () => Promise<Job[]>,
  signal: AbortSignal,
  timing: StallTiming = TIMING,
): Promise<never> {
  let strikes = 0;
  while (await pause(timing.everyMs, signal)) {
    if (cli.idleMs() < timing.quietMs) {
      strikes = 0;
      continue;
    }
    const mine = (await listJobs().catch(() => [])).filter((j) => j.queuedAt >= since - 1_000);
    strikes = mine.length > 0 && mine.every(finished) ? strikes + 1 : 0;
    if (strikes >= 2 && !signal.aborted) throw new StreamStall(command, mine, cli.output());
  }
  return await new Promise<never>(() => {});
}
