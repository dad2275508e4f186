/**
 * The start-up section of the results file: each variant's marks, then the
 * round-by-round differences that state issue 18's goals (the toolkit's own
 * cost above a bare grpc-js server: ≤ 15 ms wall from source; bundled ≤ 5 ms
 * wall and ≤ 10 ms CPU; and ≤ 100 ms of CPU per launch of the bundled
 * gobuilder) next to its floors.
 *
 * @module
 */
import { type Mark, markSummary, type Paired, paired, type Startup } from "./startup.ts";
import type { Summary } from "./stats.ts";

/** What issue 18 allows the toolkit above the bare grpc-js server, ms: wall (both marks) and CPU. */
export interface ToolkitGoal {
  wallMs?: number;
  cpuMs?: number;
}

/**
 * Issue 18's goals for the two toolkit rows: from source (what `install --dev`
 * runs: since it runs a cached bundle of the source, its launcher is measured),
 * and bundled as compile embeds it.
 */
export const TOOLKIT_GOALS: { readonly source: ToolkitGoal; readonly bundled: ToolkitGoal } = {
  source: { wallMs: 15 },
  bundled: { wallMs: 5, cpuMs: 10 },
};

/** Issue 18's goal for the CPU time of one launch of the bundled gobuilder, ms. */
export const BUNDLED_CPU_GOAL_MS = 100;

function goalText(g: ToolkitGoal): string {
  const parts = [];
  if (g.wallMs !== undefined) parts.push(`wall ≤ ${g.wallMs} ms`);
  if (g.cpuMs !== undefined) parts.push(`CPU ≤ ${g.cpuMs} ms`);
  return `goal: ${parts.join(", ")}`;
}

const MARKS: [Mark, string][] = [
  ["lineMs", "spawn → handshake line"],
  ["firstRpcMs", "spawn → first RPC answered"],
  ["configuredMs", "spawn → Configure answered"],
  ["probedMs", "spawn → BuildSpec answered"],
  ["killMs", "Shutdown → exited"],
  ["cpuMs", "CPU time (user + system)"],
];

function num(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function cell(s: Summary | undefined): string {
  return s ? `${num(s.min)} / **${num(s.median)}** / ${num(s.p90)}` : "—";
}

function signed(p: Paired | undefined, goal?: number): string {
  if (!p) return "—";
  const f = (x: number) => `${x >= 0 ? "+" : "−"}${num(Math.abs(x))}`;
  const verdict = goal === undefined ? "" : p.median <= goal ? " ✓" : " ✗";
  return `**${f(p.median)} ms**${verdict} (${f(p.q1)} … ${f(p.q3)})`;
}

/** The section's Markdown lines. */
export function startupSection(s: Startup | undefined, failure?: string): string[] {
  if (!s) return ["## Start-up (issue 13)", "", `Not measured: ${failure ?? "see Problems"}.`];
  const vs = [s.line, s.grpc, s.ts, s.go, s.grpcBundle, s.tsBundle, s.tsDev];
  const rss = (v: typeof s.line) => {
    const xs = v.launches.map((l) => l.maxRssKiB / 1024);
    return xs.length ? `${num(xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)])} MiB` : "—";
  };
  const head = ["process", ...MARKS.map(([, l]) => l), "peak RSS"];
  const rows = vs.map((v) =>
    `| ${v.label} | ${MARKS.map(([m]) => cell(markSummary(v, m))).join(" | ")} | ${rss(v)} |`
  );
  const diff = (label: string, a: typeof s.line, b: typeof s.line, goal: ToolkitGoal = {}) =>
    `| ${label} | ${signed(paired(a, b, "lineMs"), goal.wallMs)} | ${
      signed(paired(a, b, "firstRpcMs"), goal.wallMs)
    } | ${signed(paired(a, b, "cpuMs"), goal.cpuMs)} |`;
  const cpu = markSummary(s.tsBundle, "cpuMs");
  const floorCpu = markSummary(s.grpcBundle, "cpuMs");
  const cpuVerdict = cpu
    ? `**${num(cpu.median)} ms** ${cpu.median <= BUNDLED_CPU_GOAL_MS ? "✓" : "✗"}`
    : "not measured";
  return [
    "## Start-up (issue 13)",
    "",
    `\`wphost startprobe\`, ${s.rounds} rounds (after 2 untimed), the seven processes interleaved ` +
    "round by round. *bundled*: `deno bundle` of the entry as `compile` makes it (the file a " +
    "compiled plugin embeds), run by `deno run --no-config --no-lock --no-npm --no-remote`. " +
    "Cells: min / **median** / p90, ms.",
    "",
    `| ${head.join(" | ")} |`,
    `|---|${head.slice(1).map(() => "---:").join("|")}|`,
    ...rows,
    "",
    "Round by round: the median (quartiles) of each round's difference, ms.",
    "",
    "| difference | spawn → handshake | spawn → first RPC answered | CPU |",
    "|---|---:|---:|---:|",
    diff(
      `**toolkit's own cost, from source**: TS gobuilder's install --dev launcher − bare ` +
        `grpc-js (${goalText(TOOLKIT_GOALS.source)})`,
      s.tsDev,
      s.grpc,
      TOOLKIT_GOALS.source,
    ),
    diff(
      `**toolkit's own cost, compiled-like**: TS gobuilder bundled − bare grpc-js bundled ` +
        `(${goalText(TOOLKIT_GOALS.bundled)})`,
      s.tsBundle,
      s.grpcBundle,
      TOOLKIT_GOALS.bundled,
    ),
    diff("plain deno run of the source: TS gobuilder deno run − bare grpc-js", s.ts, s.grpc),
    diff("bundle's gain: TS gobuilder bundled − TS gobuilder deno run", s.tsBundle, s.ts),
    diff(
      "install --dev's check of the sources: its launcher − TS gobuilder bundled",
      s.tsDev,
      s.tsBundle,
    ),
    diff("bundle's gain on the floor: bare grpc-js bundled − bare grpc-js", s.grpcBundle, s.grpc),
    diff("grpc-js floor: bare grpc-js − deno line", s.grpc, s.line),
    diff("grpc-js floor, bundled: bare grpc-js bundled − deno line", s.grpcBundle, s.line),
    diff("bare grpc-js − Go SDK gobuilder", s.grpc, s.go),
    diff("TS gobuilder − Go SDK gobuilder", s.ts, s.go),
    diff("TS gobuilder bundled − Go SDK gobuilder", s.tsBundle, s.go),
    "",
    `CPU per launch of the bundled gobuilder (goal ≤ ${BUNDLED_CPU_GOAL_MS} ms): ${cpuVerdict}` +
    (floorCpu ? `; the bare grpc-js server bundled: ${num(floorCpu.median)} ms.` : "."),
  ];
}

/** How the start-up figures are taken, for the method list. */
export const STARTUP_METHOD: string =
  "*start-up*: `wphost startprobe` (tests/conformance/startprobe.go) spawns each process as " +
  "go-plugin v1.4.3 does (the host's environment plus the cookie, PLUGIN_MIN_PORT, " +
  "PLUGIN_MAX_PORT, PLUGIN_PROTOCOL_VERSIONS), reads the handshake line, dials with " +
  "go-plugin's options, opens GRPCBroker/StartStream and GRPCStdio/StreamStdio, calls " +
  "Builder/IsAuthenticator (the SDK builder client's first call), for the plugins then " +
  "Mapper/ListMappers, Builder/ConfigStruct, Builder/Configure and Builder/BuildSpec with no " +
  "pause, then GRPCController/Shutdown, and waits for the exit (CPU time and peak RSS from " +
  "wait4). The floors run through the same launcher as the TS plugin: " +
  "scripts/bench/floors/line.ts prints a handshake line and exits; " +
  "scripts/bench/floors/grpc_server.ts is a bare grpc-js server (bind a unix socket, the " +
  "line, the two streams, IsAuthenticator, Shutdown; bytes through, no protobufjs). The " +
  "*bundled* variants are the same entry points bundled as compile bundles them " +
  "(src/tools/compile/bundle.ts) and run through scripts/lib/launcher.ts's bundle launcher " +
  "(no config, lockfile, npm or remote modules: the bundle must hold everything). The " +
  "*install --dev launcher* is the gobuilder installed into a project of the bench's by " +
  "`install --dev`, as a user would: it checks that the sources are unchanged and runs its " +
  'cached bundle of them (issue 18\'s "from source"). Each ' +
  "round runs the seven once, starting at a different one; a difference row is the median " +
  "of the per-round differences, which cancels most of the machine's drift.";
