/**
 * The floor: spawn → exit and peak RSS of an empty deno script (through the
 * same launcher as the plugins) and of a Go binary whose main is empty.
 *
 * @module
 */
import { commandRss } from "./rss.ts";
import { TIMEOUT_MS } from "./exec.ts";
import { median, summarize, type Summary } from "./stats.ts";

/** Spawn → exit of one command, in ms, as seen from here. */
export async function spawnExit(cmd: string, args: string[]): Promise<number> {
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

/** The floor figures of the deno side and the Go side. */
export interface Floor {
  /** Spawn → exit. */
  deno: Summary;
  go: Summary;
  /** Peak RSS, KiB, median. */
  rssDeno: number;
  rssGo: number;
}

/** `runs` spawn → exit runs and `rssRuns` RSS runs of each, deno and Go alternating. */
export async function measureFloor(
  emptyLauncher: string,
  trivial: string,
  o: { runs: number; rssRuns: number },
): Promise<Floor> {
  const deno: number[] = [], go: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    deno.push(await spawnExit(emptyLauncher, []));
    go.push(await spawnExit(trivial, []));
  }
  const rssDeno: number[] = [], rssGo: number[] = [];
  for (let i = 0; i < o.rssRuns; i++) {
    rssDeno.push(await commandRss(emptyLauncher, []));
    rssGo.push(await commandRss(trivial, []));
  }
  return {
    deno: summarize(deno),
    go: summarize(go),
    rssDeno: median(rssDeno),
    rssGo: median(rssGo),
  };
}
