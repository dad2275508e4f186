/**
 * The results file: a heading with the run's sizes, the table, its notes,
 * the machine, how each figure is measured, and the problems of the run.
 *
 * @module
 */
import { METHOD } from "./method.ts";
import type { Results } from "./results.ts";
import { rows } from "./rows.ts";
import { table } from "./table.ts";
import { STARTUP_METHOD, startupSection } from "./startup_report.ts";

function notes(r: Results): string[] {
  const { compiled, payload } = r;
  const measuredOnRealRuntime = compiled.plugins && compiled.realDenort;
  return [
    ...(compiled.plugins ? [] : [`¹ ${compiled.note}`]),
    `² ${payload?.note ?? "payload: not measured"}.`,
    ...(measuredOnRealRuntime ? [] : [
      `³ ${
        compiled.plugins ? "the downloaded runtime" : "the deno binary standing in for denort"
      } (floor column) and the compiled gobuilder built on it; a real denort ${Deno.version.deno} is smaller than the deno CLI.`,
    ]),
    "⁴ The Go SDK's debug server (go-plugin v1.4.3) answers the broker of the first host " +
    'only: the second `waypoint build` against it fails with "timeout waiting for connection ' +
    'info", so one Go process cannot serve many builds. Compiled: not measured (same runtime ' +
    "and flags as deno run).",
  ];
}

function targetsSection(r: Results): string[] {
  if (!r.targets) return [];
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
  return [
    "## Compiled payload per target",
    "",
    "What `deno compile` (as compile.ts invokes it) adds to a stand-in runtime for each target " +
    "(a tiny Go program: the binaries do not run, their sizes are the figure); a real denort " +
    "adds the same payload to its own size. *gobuilder*: compiled from its bundle, as " +
    "`compile` does; *--no-bundle*: from its module graph, with compile's npm excludes.",
    "",
    "| target | gobuilder | gobuilder, --no-bundle | empty script |",
    "|---|---:|---:|---:|",
    ...r.targets.map((t) =>
      `| ${t.target} | ${mib(t.gobuilder)} | ${mib(t.gobuilderGraph)} | ${mib(t.empty)} |`
    ),
    "",
  ];
}

function heading(r: Results): string {
  const { o } = r;
  const seconds = (performance.now() - r.started) / 1000;
  return `\`deno task bench\` on ${r.date.toISOString()} — runs ${o.runs}, RPC calls ${o.rpc} ` +
    `(+${o.rpcWarmup} warm-up), UI lines ${o.lines}, ${o.uiRuns} UI run(s), builds ${o.builds}, ` +
    `${o.rssRuns} RSS run(s), ${o.cliRuns} real-CLI run(s)${o.quick ? ", --quick" : ""}; ` +
    `took ${seconds.toFixed(0)} s.`;
}

function method(r: Results): string[] {
  const { ts, go } = r.ui;
  return [
    ...[...METHOD, STARTUP_METHOD, ...r.cli.method].map((l) => `- ${l}`),
    ...(ts && go
      ? [
        `- In this run the ${r.o.lines} UI lines reached the host in ${ts.events} Output ` +
        `event(s) from the TS plugin and ${go.events} from the Go plugin.`,
      ]
      : []),
  ];
}

function problems(r: Results): string[] {
  const { failures, hygiene } = r.problems;
  if (failures.length === 0 && hygiene.length === 0) return [];
  return [
    "",
    "## Problems in this run",
    "",
    ...failures.map((f) => `- not measured: ${f}`),
    ...hygiene.map((h) => `- process cleanup: ${h}`),
  ];
}

/** The results file's Markdown. */
export function report(r: Results): string {
  return [
    "# waypoint-plugin for Deno: benchmark",
    "",
    heading(r),
    "",
    table(rows(r)),
    "",
    ...notes(r).map((n) => `${n}  `),
    "",
    ...startupSection(r.startup),
    "",
    ...targetsSection(r),
    "## Machine",
    "",
    ...r.host.map((l) => `- ${l}`),
    `- load average at the end: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
    "",
    "## How each figure is measured",
    "",
    ...method(r),
    ...problems(r),
    "",
  ].join("\n");
}
