/**
 * The start-up case (issue 13): `wphost startprobe` launches each variant as
 * go-plugin v1.4.3 does and times spawn → handshake line, → the first RPC
 * answered (Builder/IsAuthenticator, after go-plugin's broker and stdio
 * streams), → Configure answered, → BuildSpec answered and Shutdown →
 * exited, for the floors (a `deno run` that prints a handshake line, a bare
 * grpc-js server doing the same handshake), our gobuilder and the Go SDK's,
 * and the bare grpc-js server and our gobuilder again as bundles (what a
 * compiled plugin runs: `compile` bundles first) and our gobuilder through its
 * `install --dev` launcher, interleaved round by round. The toolkit's own cost is the median of the
 * per-round differences between our gobuilder and the bare grpc-js server,
 * which cancels most of a shared machine's drifting load.
 *
 * @module
 */
import { join } from "../lib/path.ts";
import { REPO } from "../lib/repo.ts";
import { hostBinary } from "../lib/conformance.ts";
import { declaredPermissions, makeBundledLauncher, makeLauncher } from "../lib/launcher.ts";
import { BENCH, run } from "./exec.ts";
import { installDev } from "../../src/testing/waypoint/harness.ts";
import { summarize, type Summary } from "./stats.ts";

/** How a variant is driven: `line` stops at the handshake, `rpc` after the first RPC, `probe` after BuildSpec. */
type Mode = "line" | "rpc" | "probe";

/** One variant as startprobe takes it. */
interface Variant {
  label: string;
  mode: Mode;
  cmd: string[];
  configure?: string;
}

/** One launch as startprobe reports it (ms after the spawn; 0 = not reached). */
interface Launch {
  round: number;
  lineMs: number;
  firstRpcMs: number;
  configuredMs: number;
  probedMs: number;
  killMs: number;
  cpuMs: number;
  maxRssKiB: number;
  error?: string;
}

/** The figures a launch has. */
export type Mark = "lineMs" | "firstRpcMs" | "configuredMs" | "probedMs" | "killMs" | "cpuMs";

/** One variant's launches. */
export interface VariantResult {
  label: string;
  mode: Mode;
  launches: Launch[];
}

/** The start-up case's figures. */
export interface Startup {
  rounds: number;
  line: VariantResult;
  grpc: VariantResult;
  ts: VariantResult;
  go: VariantResult;
  /** The bare grpc-js server as a bundle. */
  grpcBundle: VariantResult;
  /** Our gobuilder as a bundle, as `compile` embeds it. */
  tsBundle: VariantResult;
  /** Our gobuilder through its `install --dev` launcher: what development runs (issue 18's "from source"). */
  tsDev: VariantResult;
}

const FLOORS = join(REPO, "scripts", "bench", "floors");
/** Our gobuilder's Configure body: the json keys are the HCL names. */
export const TS_CONFIGURE = JSON.stringify({ output_name: "app", source: "./" });
/** The Go SDK gobuilder's: no json tags, so Go's field names. */
const GO_CONFIGURE = JSON.stringify({ OutputName: "app", Source: "./" });

/**
 * Installs our gobuilder into a project of the bench's with `install --dev`, as
 * a user would; returns its launcher (it checks the sources are unchanged, then
 * runs its cached bundle of them, which its first launch builds).
 */
async function installDevLauncher(gobuilder: string): Promise<string> {
  const project = join(BENCH, "dev-project");
  await Deno.mkdir(project, { recursive: true });
  return await installDev(project, {
    name: "gobuilder",
    entry: gobuilder,
    permissions: declaredPermissions(gobuilder),
    root: REPO,
  });
}

/** The seven variants: floors through the same launchers as our plugin. */
async function variants(tsLauncher: string, goPlugin: string): Promise<Variant[]> {
  const launchers = join(BENCH, "launchers");
  const bundled = join(BENCH, "bundled");
  const gobuilder = join(REPO, "examples", "gobuilder", "main.ts");
  return [
    {
      label: "floor: deno run, prints a handshake line",
      mode: "line",
      cmd: [await makeLauncher(launchers, "floor-line", join(FLOORS, "line.ts"))],
    },
    {
      label: "floor: bare grpc-js server, same handshake",
      mode: "rpc",
      cmd: [await makeLauncher(launchers, "floor-grpc", join(FLOORS, "grpc_server.ts"))],
    },
    { label: "TS gobuilder, deno run", mode: "probe", cmd: [tsLauncher], configure: TS_CONFIGURE },
    { label: "Go SDK gobuilder", mode: "probe", cmd: [goPlugin], configure: GO_CONFIGURE },
    {
      label: "floor: bare grpc-js server, bundled",
      mode: "rpc",
      cmd: [await makeBundledLauncher(bundled, "floor-grpc", join(FLOORS, "grpc_server.ts"))],
    },
    {
      label: "TS gobuilder, bundled (what compile embeds)",
      mode: "probe",
      cmd: [await makeBundledLauncher(bundled, "gobuilder", gobuilder)],
      configure: TS_CONFIGURE,
    },
    {
      label: "TS gobuilder, install --dev launcher (what development runs)",
      mode: "probe",
      cmd: [await installDevLauncher(gobuilder)],
      configure: TS_CONFIGURE,
    },
  ];
}

/** `wphost startprobe`'s arguments: `rounds` timed rounds of the variants in `spec`, after `warmup`. */
export function startprobeArgs(
  spec: string,
  report: string,
  rounds: number,
  warmup: number,
): string[] {
  return [
    "startprobe",
    "-spec",
    spec,
    "-report",
    report,
    "-n",
    String(rounds),
    "-warmup",
    String(warmup),
  ];
}

/** Runs `wphost startprobe` over the seven variants, `rounds` rounds after 2 untimed ones. */
export async function measureStartup(
  o: { rounds: number; tsLauncher: string; goPlugin: string },
): Promise<Startup> {
  const host = await hostBinary();
  const vs = await variants(o.tsLauncher, o.goPlugin);
  const spec = join(BENCH, "reports", "startprobe-spec.json");
  const report = join(BENCH, "reports", "startprobe.json");
  await Deno.writeTextFile(spec, JSON.stringify(vs));
  const out = await run(host, startprobeArgs(spec, report, o.rounds, 2), {
    cwd: join(BENCH, "project"),
  });
  if (!out.success) throw new Error(`wphost startprobe failed (exit ${out.code}): ${out.stderr}`);
  const raw = JSON.parse(await Deno.readTextFile(report)) as {
    variants: { label: string; mode: Mode; runs: Launch[] }[];
  };
  const [line, grpc, ts, go, grpcBundle, tsBundle, tsDev] = raw.variants.map((v) => ({
    label: v.label,
    mode: v.mode,
    launches: v.runs,
  }));
  for (const v of [line, grpc, ts, go, grpcBundle, tsBundle, tsDev]) {
    const bad = v.launches.filter((l) => l.error);
    if (bad.length) {
      throw new Error(`start-up, ${v.label}: ${bad.length} launch(es) failed: ${bad[0].error}`);
    }
  }
  return { rounds: o.rounds, line, grpc, ts, go, grpcBundle, tsBundle, tsDev };
}

/** The summary of one figure over a variant's launches; undefined when none reached it. */
export function markSummary(v: VariantResult, mark: Mark): Summary | undefined {
  const xs = v.launches.map((l) => l[mark]).filter((x) => x > 0);
  return xs.length ? summarize(xs) : undefined;
}

/** A round-by-round difference: median and quartiles of `a − b` over the rounds both reached. */
export interface Paired {
  median: number;
  q1: number;
  q3: number;
}

/** `a − b` of one figure, round by round. */
export function paired(a: VariantResult, b: VariantResult, mark: Mark): Paired | undefined {
  const byRound = new Map(b.launches.map((l) => [l.round, l[mark]]));
  const d = a.launches
    .filter((l) => l[mark] > 0 && (byRound.get(l.round) ?? 0) > 0)
    .map((l) => l[mark] - byRound.get(l.round)!)
    .sort((x, y) => x - y);
  if (d.length === 0) return undefined;
  const at = (q: number) => d[Math.floor(q * (d.length - 1) + 0.5)];
  return { median: at(0.5), q1: at(0.25), q3: at(0.75) };
}
