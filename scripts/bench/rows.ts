/**
 * The rows of the results table, from what a run measured: per figure the
 * floors, the TS plugin (deno run, deno compile) and the Go SDK plugin.
 *
 * @module
 */
import type { Sides } from "./problems.ts";
import type { Results } from "./results.ts";
import type { Cell, Row } from "./table.ts";

const MIB = 1024 * 1024;
/** The compiled column when nothing could be compiled: not measurable, see note ¹. */
const NOT_MEASURABLE = "n/m¹";
const ALL = { tsGo: true, tsFloor: true, goFloor: true };

/** A value that was measured, or `failed` when its measurement failed. */
function val<T>(x: T | undefined, pick: (x: T) => number | undefined): Cell {
  return x === undefined ? "failed" : pick(x);
}

/** The TS, Go and compiled cells of one figure. */
function sides<T>(
  r: Results,
  s: Sides<T>,
  pick: (x: T) => number | undefined,
): Pick<Row, "ts" | "go" | "compiled"> {
  return {
    ts: val(s.ts, pick),
    go: val(s.go, pick),
    compiled: r.compiled.plugins ? val(s.compiled, pick) : NOT_MEASURABLE,
  };
}

/** A figure's median and p90 rows, compared with the floors' median and p90 (spawn → exit). */
function medianAndP90<T>(
  r: Results,
  figure: string,
  s: Sides<T>,
  pick: (x: T, q: "median" | "p90") => number,
): Row[] {
  return (["median", "p90"] as const).map((q) => ({
    figure: `${figure}, ${q}`,
    unit: "ms",
    floorDeno: r.floor.deno[q],
    floorGo: r.floor.go[q],
    ...sides(r, s, (x) => pick(x, q)),
    ratios: ALL,
  }));
}

function startRows(r: Results): Row[] {
  const { floor } = r;
  return [
    {
      figure: "spawn → exit, median",
      unit: "ms",
      floorDeno: floor.deno.median,
      floorGo: floor.go.median,
    },
    { figure: "spawn → exit, p90", unit: "ms", floorDeno: floor.deno.p90, floorGo: floor.go.p90 },
    ...medianAndP90(r, "gobuilder: spawn → handshake", r.handshake, (x, q) => x.handshake[q]),
    {
      figure: "gobuilder: Kill → exited, median",
      unit: "ms",
      ...sides(r, r.handshake, (x) => x.kill.median),
      ratios: { tsGo: true },
    },
    ...medianAndP90(r, "no-op builder: build session", r.sessions, (x, q) => x.session[q]),
    {
      figure: "no-op builder: … of it BuildSpec + Build, median",
      unit: "ms",
      ...sides(r, r.sessions, (x) => x.buildCall.median),
      ratios: { tsGo: true },
    },
  ];
}

function rpcAndUiRows(r: Results): Row[] {
  const { o, floor } = r;
  const row = (figure: string, unit: Row["unit"], cells: Pick<Row, "ts" | "go" | "compiled">) =>
    ({ figure, unit, ...cells, ratios: { tsGo: true } }) satisfies Row;
  const floors = { floorDeno: floor.rssDeno / 1024, floorGo: floor.rssGo / 1024 };
  return [
    row(`gobuilder: BuildSpec latency, p50 of ${o.rpc}`, "µs", sides(r, r.rpc, (x) => x.p50)),
    row(`gobuilder: BuildSpec latency, p99 of ${o.rpc}`, "µs", sides(r, r.rpc, (x) => x.p99)),
    row("lines builder: Build call → first UI line", "ms", sides(r, r.ui, (x) => x.firstLineMs)),
    row(
      `lines builder: ${o.lines} UI lines/s (higher is better)`,
      "lines/s",
      sides(r, r.ui, (x) => x.linesPerSec),
    ),
    {
      figure: "no-op builder: peak RSS, build session",
      unit: "MiB",
      ...floors,
      ...sides(r, r.rss, (kib) => kib / 1024),
      ratios: ALL,
    },
    {
      figure: `lines builder: peak RSS, ${o.lines} UI lines`,
      unit: "MiB",
      ...floors,
      ...sides(r, r.ui, (x) => x.rssKib / 1024),
      ratios: ALL,
    },
  ];
}

function memoryRows(r: Results): Row[] {
  const { o } = r;
  const compiled = r.compiled.plugins ? undefined : NOT_MEASURABLE;
  // From source (the launchers' V8 flags), then the bundle a compiled plugin runs with the
  // V8 flags compile bakes in: the TS column is `deno run` of each.
  const of = (what: string, memory: Results["memory"]): Row[] => {
    const at = (k: number) => memory?.rssMib.get(k);
    const growth = at(500) !== undefined && at(o.builds) !== undefined
      ? at(o.builds)! - at(500)!
      : undefined;
    return [
      ...[500, o.builds].map((k): Row => ({
        figure: `showcase builder, one debug-mode process${what}: RSS after ${k} builds`,
        unit: "MiB",
        ts: val(memory, () => at(k)),
        compiled,
        go: "n/a⁴",
      })),
      {
        figure: `… growth from build 500 to ${o.builds} (target ≤ 10 MiB)`,
        unit: "MiB",
        ts: val(memory, () => growth),
        compiled,
        go: "n/a⁴",
      },
    ];
  };
  return [
    ...of("", r.memory),
    ...of(", its bundle as compiled (compile's V8 flags)", r.memoryBundled),
  ];
}

function sizeRows(r: Results): Row[] {
  const { payload, compiled } = r;
  const base = payload?.base ?? compiled.base?.size;
  return [
    {
      figure: "gobuilder: compiled payload (added to the runtime)",
      unit: "MiB",
      floorDeno: val(payload, (p) => p.empty / MIB),
      compiled: val(payload, (p) => p.payload / MIB),
      marks: { floorDeno: "²", compiled: "²" },
      ratios: { tsFloor: true },
    },
    {
      figure: "gobuilder: executable size",
      unit: "MiB",
      floorDeno: base === undefined ? undefined : base / MIB,
      floorGo: r.trivialSize / MIB,
      compiled: val(payload, (p) => p.size / MIB),
      go: r.goSize / MIB,
      marks: compiled.plugins && compiled.realDenort ? {} : { floorDeno: "³", compiled: "³" },
      ratios: ALL,
    },
  ];
}

/** Every row, in table order, the real-CLI rows last. */
export function rows(r: Results): Row[] {
  return [...startRows(r), ...rpcAndUiRows(r), ...memoryRows(r), ...sizeRows(r), ...r.cli.rows];
}
