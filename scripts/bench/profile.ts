/**
 * Where a launch's main-thread time goes, from Deno's `--cpu-prof` profiles
 * (V8's sampling profiler; unlike V8's own `--prof` it does not change V8's
 * flags, so Deno's code cache is still hit): each sample's frame is put in
 * a group (our code, grpc-js, protobufjs, other npm code, esbuild's runtime
 * helpers, Deno's JavaScript, native calls, V8's own work), by its bundle
 * section for frames of the bundle. The analysis for
 * `scripts/bench_profile.ts`, apart so that it can be tested.
 *
 * @module
 */

/** A V8 `.cpuprofile` as Deno writes it (the fields used here). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Where each line of a bundle comes from. */
export interface BundleMap {
  /** The group of a 0-based line of the bundle. */
  groupOf(line: number): string;
}

/** The groups, in the order a table shows them. */
export const GROUPS = [
  "ours (toolkit and plugin)",
  "grpc-js",
  "protobufjs and long",
  "other npm code",
  "esbuild's runtime helpers",
  "the bundle's top level (ESM module bodies)",
  "Deno's JavaScript (runtime, node layer)",
  "native calls (ops, builtins)",
  "V8: (program)",
  "V8: (garbage collector)",
  "(idle)",
] as const;

/** The group of a module path as esbuild writes it in a bundle's `// path` comments. */
export function moduleGroup(path: string): string {
  if (/[/\\]@grpc[/\\]/.test(path)) return "grpc-js";
  if (/[/\\](protobufjs|@protobufjs|long)[/\\]/.test(path)) return "protobufjs and long";
  if (/[/\\](node_modules|npm)[/\\]/.test(path)) return "other npm code";
  return "ours (toolkit and plugin)";
}

const MODULE_COMMENT = /^\/\/ (\S+)$/;
const MOVED = /^var ([\w$]+) = \((?:async )?function/;
const DECLARED = /^(?:async )?function\*? ([\w$]+)\(/;

/**
 * The line map of `final`, the bundle as it runs, made from `raw`, the same
 * bundle before `eagerWrappers`: that pass moves the module scope's function
 * declarations to the start as `var name = (function…`, so their lines are
 * mapped by name to the module `raw` declares them in (esbuild gives every
 * module-scope name of a bundle its own spelling). Lines before the first
 * module and not of a moved function are esbuild's runtime helpers.
 */
export function bundleMap(raw: string, final: string): BundleMap {
  const origin = new Map<string, string>();
  let current = "esbuild's runtime helpers";
  for (const line of raw.split("\n")) {
    const c = MODULE_COMMENT.exec(line);
    if (c) current = moduleGroup(c[1]);
    const d = DECLARED.exec(line);
    if (d) origin.set(d[1], current);
  }
  const groups: string[] = [];
  current = "esbuild's runtime helpers";
  let inModules = false;
  for (const line of final.split("\n")) {
    const c = MODULE_COMMENT.exec(line);
    if (c) {
      inModules = true;
      current = moduleGroup(c[1]);
    } else if (!inModules) {
      const m = MOVED.exec(line);
      if (m) current = origin.get(m[1]) ?? "esbuild's runtime helpers";
      else if (/^\S/.test(line) && !/^[})\]]/.test(line)) current = "esbuild's runtime helpers";
    }
    groups.push(current);
  }
  return { groupOf: (line) => groups[line] ?? "esbuild's runtime helpers" };
}

/** The group of one sampled frame. */
export function frameGroup(
  frame: { functionName: string; url: string },
  bundleUrl: string,
  line: number,
  map: BundleMap,
): string {
  if (frame.url === bundleUrl) {
    // esbuild inlines every ESM module's body into the script's own top level.
    if (line === 0 && frame.functionName === "") {
      return "the bundle's top level (ESM module bodies)";
    }
    return map.groupOf(line);
  }
  if (frame.url.startsWith("ext:") || frame.url.startsWith("node:")) {
    return "Deno's JavaScript (runtime, node layer)";
  }
  if (frame.url === "") {
    if (frame.functionName === "(program)") return "V8: (program)";
    if (frame.functionName === "(garbage collector)") return "V8: (garbage collector)";
    if (frame.functionName === "(idle)") return "(idle)";
    if (frame.functionName === "(root)") return "V8: (program)";
    return "native calls (ops, builtins)";
  }
  return "other npm code";
}

/** Milliseconds per launch by group, and by function (`group | name (file:line)`), over `profiles`. */
export interface ProfileSummary {
  launches: number;
  groups: Map<string, number>;
  functions: Map<string, number>;
}

/** Sums the self time of `profiles` (one per launch) per group and function, per launch. */
export function summarize(
  profiles: readonly CpuProfile[],
  bundleUrl: string,
  map: BundleMap,
): ProfileSummary {
  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const p of profiles) {
    const nodes = new Map(p.nodes.map((n) => [n.id, n]));
    // timeDeltas[i] is the time before sample i: sample i lasts until sample i + 1.
    for (let i = 0; i < p.samples.length; i++) {
      const node = nodes.get(p.samples[i]);
      if (!node) continue;
      const us = p.timeDeltas[i + 1] ?? 0;
      const f = node.callFrame;
      const group = frameGroup(f, bundleUrl, f.lineNumber, map);
      add(groups, group, us);
      const file = f.url === bundleUrl ? "bundle" : f.url.split("/").at(-1) || "native";
      add(
        functions,
        `${group} | ${f.functionName || "(anonymous)"} (${file}:${f.lineNumber + 1})`,
        us,
      );
    }
  }
  const n = Math.max(profiles.length, 1);
  for (const m of [groups, functions]) for (const [k, v] of m) m.set(k, v / n / 1000);
  return { launches: profiles.length, groups, functions };
}

/** The Markdown table of two summaries side by side, then the functions that differ most. */
export function compareTable(
  base: ProfileSummary,
  baseLabel: string,
  other: ProfileSummary,
  otherLabel: string,
  top: number,
): string {
  const ms = (v: number) => v.toFixed(2);
  const diff = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`;
  const lines = [
    `| group (main thread, ms per launch) | ${baseLabel} | ${otherLabel} | difference |`,
    "|---|---:|---:|---:|",
  ];
  let busyBase = 0;
  let busyOther = 0;
  for (const g of GROUPS) {
    const a = base.groups.get(g) ?? 0;
    const b = other.groups.get(g) ?? 0;
    if (g !== "(idle)") {
      busyBase += a;
      busyOther += b;
    }
    lines.push(`| ${g} | ${ms(a)} | ${ms(b)} | ${diff(b - a)} |`);
  }
  lines.push(
    `| **busy (all but idle)** | **${ms(busyBase)}** | **${ms(busyOther)}** | **${
      diff(busyOther - busyBase)
    }** |`,
  );
  const names = new Set([...base.functions.keys(), ...other.functions.keys()]);
  const rows = [...names]
    .map((k) => ({ k, d: (other.functions.get(k) ?? 0) - (base.functions.get(k) ?? 0) }))
    .sort((x, y) => y.d - x.d)
    .slice(0, top);
  lines.push(
    "",
    `| ${otherLabel} minus ${baseLabel}: self time, ms per launch | difference |`,
    "|---|---:|",
  );
  for (const r of rows) lines.push(`| ${r.k.replaceAll("|", "·")} | ${diff(r.d)} |`);
  return lines.join("\n");
}
