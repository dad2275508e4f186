/**
 * The results table: one row per figure, the floors, the TS plugin (deno
 * run and deno compile) and the Go SDK plugin, and the ratios between them.
 *
 * @module
 */

/** A value: a number in the row's unit, a note such as `failed`, or nothing (`—`). */
export type Cell = number | string | undefined;
/** The value columns. */
export type Column = "floorDeno" | "floorGo" | "ts" | "compiled" | "go";

/** One figure. */
export interface Row {
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

/** The Markdown table of `rows`. */
export function table(rows: Row[]): string {
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
