/**
 * Instructions per launch, for a machine whose timings move more than the
 * change being measured: the bench's two bundled start-up variants (the bare
 * grpc-js server to its first RPC, our gobuilder through BuildSpec and
 * Shutdown), each driven by `wphost startprobe` as `deno task bench
 * --startup` drives them, with the plugin run under valgrind's callgrind.
 * The count (all threads) hardly moves between identical runs (about
 * ±1 %) on an otherwise idle machine, so a change of a few percent shows. Under
 * load it does not hold (a bare launch of 332M counted 422M and 701M while
 * a Go build or other launches ran beside it; why was not found), so the
 * load average is printed with each variant and a busy machine is warned
 * about. One untimed launch first writes Deno's
 * code cache, as on a user's machine; callgrind makes a launch ~100×
 * slower, so startprobe waits up to 5 minutes per step.
 *
 * ```sh
 * deno run -A scripts/bench_instructions.ts                      # bare grpc-js and gobuilder, 2 launches each
 * deno run -A scripts/bench_instructions.ts --bundle old=/tmp/main.js   # and a gobuilder bundle built elsewhere
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO } from "./lib/repo.ts";
import { hostBinary } from "./lib/conformance.ts";
import {
  declaredPermissions,
  launcherVariant,
  makeBundledLauncher,
  makeBundleLauncher,
} from "./lib/launcher.ts";
import { BENCH, filesByMtime, reset } from "./bench/exec.ts";
import { median } from "./bench/stats.ts";
import { startprobeArgs, TS_CONFIGURE } from "./bench/startup.ts";

/** One plugin variant as startprobe takes it. */
interface Variant {
  label: string;
  mode: "rpc" | "probe";
  launcher: string;
}

/** The instruction count callgrind wrote into `file` (its `summary:` line). */
export function summaryInstructions(text: string, file: string): number {
  const m = /^summary: (\d+)$/m.exec(text);
  if (!m) throw new Error(`${file}: no "summary:" line (did callgrind finish?)`);
  return Number(m[1]);
}

/** A copy of `launcher` that runs its `deno` under callgrind, writing `<out>/<label>.<pid>`. */
function underCallgrind(launcher: string, out: string, label: string): Promise<string> {
  return launcherVariant(
    launcher,
    "callgrind",
    "\nexec ",
    `\nexec valgrind --tool=callgrind --callgrind-out-file=${out}/${label}.%p `,
  );
}

/** The 1-minute load average (Linux), or undefined where /proc/loadavg is not there. */
async function loadAverage(): Promise<number | undefined> {
  try {
    return Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
  } catch {
    return undefined;
  }
}

/** Runs `v` for one untimed and `runs` timed launches; the timed launches' instruction counts. */
async function measure(v: Variant, runs: number, dir: string): Promise<number[]> {
  const out = join(dir, "callgrind", v.label);
  await reset(out);
  const spec = join(dir, `${v.label}.spec.json`);
  const report = join(dir, `${v.label}.report.json`);
  const cmd = [await underCallgrind(v.launcher, out, v.label)];
  await Deno.writeTextFile(
    spec,
    JSON.stringify([{
      label: v.label,
      mode: v.mode,
      cmd,
      configure: v.mode === "probe" ? TS_CONFIGURE : undefined,
    }]),
  );
  const project = join(BENCH, "project");
  await Deno.mkdir(project, { recursive: true });
  const probe = await new Deno.Command(await hostBinary(), {
    args: [...startprobeArgs(spec, report, runs, 1), "-timeout", "5m"],
    cwd: project,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!probe.success) {
    throw new Error(
      `wphost startprobe (${v.label}) failed: ${new TextDecoder().decode(probe.stderr)}`,
    );
  }
  const launches = JSON.parse(await Deno.readTextFile(report)).variants[0].runs as {
    error?: string;
  }[];
  const failed = launches.find((l) => l.error);
  if (failed) throw new Error(`${v.label}: a launch failed: ${failed.error}`);
  const files = await filesByMtime(out);
  if (files.length !== runs + 1) {
    throw new Error(`${v.label}: ${files.length} callgrind files for ${runs + 1} launches`);
  }
  const counts = [];
  for (const f of files.slice(1)) {
    counts.push(summaryInstructions(await Deno.readTextFile(f), f));
  }
  return counts;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "2" },
      bundle: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: deno run -A scripts/bench_instructions.ts [--runs N] [--bundle LABEL=FILE]...",
    );
    return 0;
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`error: --runs "${values.runs}" must be a whole number >= 1`);
    return 2;
  }
  const valgrind = await new Deno.Command("valgrind", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  })
    .output().catch(() => undefined);
  if (!valgrind?.success) {
    console.error("error: valgrind is not on PATH (Debian/Ubuntu: apt-get install valgrind)");
    return 1;
  }
  const dir = join(BENCH, "instructions");
  const gobuilder = join(REPO, "examples", "gobuilder", "main.ts");
  const floor = join(REPO, "scripts", "bench", "floors", "grpc_server.ts");
  const variants: Variant[] = [
    {
      label: "bare-grpc-js",
      mode: "rpc",
      launcher: await makeBundledLauncher(dir, "floor-grpc", floor),
    },
    {
      label: "gobuilder",
      mode: "probe",
      launcher: await makeBundledLauncher(dir, "gobuilder", gobuilder),
    },
  ];
  for (const b of values.bundle) {
    const i = b.indexOf("=");
    if (i < 1) {
      console.error(`error: --bundle "${b}" must be LABEL=FILE`);
      return 2;
    }
    const label = b.slice(0, i);
    const launcher = await makeBundleLauncher(
      dir,
      label,
      b.slice(i + 1),
      declaredPermissions(gobuilder),
    );
    variants.push({ label, mode: "probe", launcher });
  }
  const rows = [];
  for (const v of variants) {
    const before = await loadAverage();
    console.error(`• ${v.label}: 1 untimed + ${runs} launches under callgrind`);
    const counts = await measure(v, runs, dir);
    const after = await loadAverage();
    // callgrind itself keeps one core busy: a load well above 1 means something else ran too.
    if ((before ?? 0) > 0.7 || (after ?? 0) > 1.6) {
      console.error(
        `  warning: load average ${before} before, ${after} after: the machine was busy, ` +
          `and callgrind's counts grow under load; run again on an idle machine`,
      );
    }
    rows.push({ v, counts, load: `${before ?? "?"} → ${after ?? "?"}` });
  }
  const bare = median(rows[0].counts);
  const M = (n: number) => `${(n / 1e6).toFixed(1)}M`;
  console.log(
    "| variant | instructions per launch (median) | each launch | above the bare grpc-js server | load average (1 min), before → after |",
  );
  console.log("|---|---:|---:|---:|---:|");
  for (const { v, counts, load } of rows) {
    const m = median(counts);
    const above = v === rows[0].v ? "—" : `+${M(m - bare)}`;
    console.log(
      `| ${v.label} (${v.mode === "rpc" ? "first RPC" : "BuildSpec, Shutdown"}) | ${M(m)} | ${
        counts.map(M).join(", ")
      } | ${above} | ${load} |`,
    );
  }
  return 0;
}

if (import.meta.main) Deno.exit(await main());
