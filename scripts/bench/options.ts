/**
 * `deno task bench`'s command line: its help, options and the run sizes
 * they give.
 *
 * @module
 */
import { join, resolve } from "../lib/path.ts";
import { REPO } from "../lib/repo.ts";
import { type ParsedCommandLine, UsageError } from "../../src/tools/cli.ts";

const USAGE = "Usage: deno task bench [options]";

/** The command line, for `runCli`. */
export const CLI = {
  usage: USAGE,
  help: `${USAGE}

Measures our gobuilder plugin (deno run through a launcher; deno compile when a denort is
available) against the same plugin written in Go with the real SDK and against the floor
(an empty deno script, a trivial Go binary), through the Go conformance host.

Options:
  --runs N    spawn → exit, spawn → handshake, start-up rounds and build-session runs (default 20)
  --rpc N     timed BuildSpec calls (default 1000)
  --lines N   UI lines the build prints (default 10000)
  --cli-runs N  timed waypoint build and up runs with the real CLI, per side (default 5)
  --builds N  builds one debug-mode plugin process serves for the memory rows (default 5000)
  --quick     fewer runs (5, CLI 2), calls (200), lines (2000) and builds (1000) unless given: a smoke test
  --startup   only the start-up table (issue 13's floors, our gobuilder, the Go SDK's, and the
              bare grpc-js server and our gobuilder as bundles, as compile embeds them): a quick A/B
  --out PATH  where the Markdown goes (default bench/RESULTS.md in the repository)
  -h, --help  show this help

DENORT_BIN (or DENORT_BIN_LINUX_AMD64) naming a denort ${Deno.version.deno} adds the compiled
plugin's column; without it the compile is tried once (it downloads the runtime).
`,
  options: {
    runs: { type: "string" },
    rpc: { type: "string" },
    lines: { type: "string" },
    "cli-runs": { type: "string" },
    builds: { type: "string" },
    quick: { type: "boolean", default: false },
    startup: { type: "boolean", default: false },
    out: { type: "string" },
  },
} as const;

/** How much one run measures. */
export interface Options {
  runs: number;
  rpc: number;
  lines: number;
  /** builds served by one process for the memory rows (at least 500). */
  builds: number;
  quick: boolean;
  /** Only the start-up case. */
  startupOnly: boolean;
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

function count(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} "${raw}" must be a whole number >= 1`);
  }
  return n;
}

/** The run sizes the options give; throws `UsageError` for a bad number. */
export function benchOptions(v: ParsedCommandLine<typeof CLI.options>["values"]): Options {
  const quick = v.quick;
  const rpc = count("rpc", v.rpc, quick ? 200 : 1000);
  return {
    runs: count("runs", v.runs, quick ? 5 : 20),
    rpc,
    lines: count("lines", v.lines, quick ? 2000 : 10000),
    builds: Math.max(500, count("builds", v.builds, quick ? 1000 : 5000)),
    quick,
    startupOnly: v.startup,
    out: resolve(Deno.cwd(), v.out ?? join(REPO, "bench", "RESULTS.md")),
    uiRuns: quick ? 1 : 3,
    rssRuns: quick ? 1 : 5,
    rpcWarmup: Math.min(100, Math.ceil(rpc / 10)),
    cliRuns: count("cli-runs", v["cli-runs"], quick ? 2 : 5),
  };
}
