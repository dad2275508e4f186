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
 * `waypoint up` commands of the real CLI with our plugins (from source, and
 * from their bundles as `compile` embeds them) against Go SDK plugins doing
 * the same work, with their plugin launch counts. The
 * Markdown goes to stdout and to `--out`; progress goes to stderr. Linux
 * only (/proc, /usr/bin/time).
 *
 * Exit status: 0 when every figure was measured, 1 when one failed (the
 * table says which and why), 2 for a usage error.
 *
 * The parts live in scripts/bench/: `options`, `setup` (what runs), the
 * cases (`floor`, `plugin_cases`, `compiled`, and scripts/bench_memory.ts
 * and scripts/bench_cli.ts), `run` (their order), and the report (`rows`,
 * `table`, `method`, `report`).
 *
 * @module
 */
import { runCli } from "../src/tools/cli.ts";
import { benchOptions, CLI } from "./bench/options.ts";
import { runBench } from "./bench/run.ts";

/** Runs `deno task bench`; returns the exit status. */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, ({ values }) => runBench(benchOptions(values)));
}

if (import.meta.main) Deno.exit(await main(Deno.args));
