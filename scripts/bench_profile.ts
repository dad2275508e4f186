/**
 * Where the toolkit's own launch cost goes: the bench's two bundled start-up
 * variants (the bare grpc-js server to its first RPC, our gobuilder through
 * BuildSpec and Shutdown), driven by `wphost startprobe` and taking turns,
 * each launch sampled by Deno's `--cpu-prof`; the main thread's time per
 * launch by group (our code, grpc-js, protobufjs, Deno's node layer, native
 * calls, V8's own work), the two side by side, and the functions whose self
 * time differs most. Samples come from the main thread only (V8's
 * background compile and GC threads are not in them) and sampling slows a
 * launch down, so the figures tell where, not how much: for how much, use
 * `deno task bench` or `scripts/bench_instructions.ts`.
 *
 * ```sh
 * deno run -A scripts/bench_profile.ts                  # 20 launches each, 50 µs sampling
 * deno run -A scripts/bench_profile.ts --runs 40 --top 40
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO } from "./lib/repo.ts";
import { hostBinary } from "./lib/conformance.ts";
import { declaredPermissions, launcherVariant, makeBundleLauncher } from "./lib/launcher.ts";
import { BENCH, filesByMtime, reset } from "./bench/exec.ts";
import { startprobeArgs, TS_CONFIGURE } from "./bench/startup.ts";
import { bundleMap, compareTable, type CpuProfile, summarize } from "./bench/profile.ts";
import { bundleArgs, bundlePath, finishBundle } from "../src/tools/compile/bundle.ts";
import { runDeno } from "../src/tools/compile/run_deno.ts";

/** One variant: its startprobe mode, its bundle and what the bundle was before the eager pass. */
interface Variant {
  label: string;
  mode: "rpc" | "probe";
  entry: string;
  bundle?: string;
  raw?: string;
  launcher?: string;
}

/** Bundles `v.entry` as `compile` does, keeping the text before the eager pass for the line map. */
async function bundle(v: Variant, dir: string): Promise<void> {
  const output = bundlePath(join(dir, "bundles"), v.label);
  const args = bundleArgs(
    { name: v.label, entry: v.entry, config: join(REPO, "deno.json") },
    output,
  );
  const out = await runDeno(args);
  if (!out.success) throw new Error(`deno bundle ${v.entry} failed:\n${out.text}`);
  v.raw = await Deno.readTextFile(output);
  await Deno.writeTextFile(output, finishBundle(v.raw));
  v.bundle = output;
}

/** A launcher for `v` that samples its launch into `profiles/<label>`. */
async function profilingLauncher(v: Variant, dir: string, intervalUs: number): Promise<string> {
  const plain = await makeBundleLauncher(dir, v.label, v.bundle!, declaredPermissions(v.entry));
  const out = join(dir, "profiles", v.label);
  await reset(out);
  return await launcherVariant(
    plain,
    "cpu-prof",
    " run ",
    ` run --cpu-prof --cpu-prof-dir=${out} --cpu-prof-interval=${intervalUs} `,
  );
}

/** The profiles of `label`'s timed launches (the `warmup` first ones, by time, left out). */
async function profilesOf(dir: string, label: string, warmup: number): Promise<CpuProfile[]> {
  const timed = (await filesByMtime(join(dir, "profiles", label), ".cpuprofile")).slice(warmup);
  return await Promise.all(timed.map(async (f) => JSON.parse(await Deno.readTextFile(f))));
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      runs: { type: "string", default: "20" },
      interval: { type: "string", default: "50" },
      top: { type: "string", default: "25" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log("usage: deno run -A scripts/bench_profile.ts [--runs N] [--interval µs] [--top N]");
    return 0;
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      throw new Error(`--${name} "${v}" must be a whole number >= ${min}`);
    }
    return n;
  };
  let runs, interval, top;
  try {
    runs = num("runs", values.runs, 1);
    interval = num("interval", values.interval, 10);
    top = num("top", values.top, 0);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  const dir = join(BENCH, "profile");
  const variants: Variant[] = [
    {
      label: "bare-grpc-js",
      mode: "rpc",
      entry: join(REPO, "scripts", "bench", "floors", "grpc_server.ts"),
    },
    { label: "gobuilder", mode: "probe", entry: join(REPO, "examples", "gobuilder", "main.ts") },
  ];
  for (const v of variants) {
    console.error(`• bundling ${v.label}`);
    await bundle(v, dir);
    v.launcher = await profilingLauncher(v, dir, interval);
  }
  const spec = join(dir, "spec.json");
  const report = join(dir, "report.json");
  await Deno.writeTextFile(
    spec,
    JSON.stringify(variants.map((v) => ({
      label: v.label,
      mode: v.mode,
      cmd: [v.launcher],
      configure: v.mode === "probe" ? TS_CONFIGURE : undefined,
    }))),
  );
  const project = join(BENCH, "project");
  await Deno.mkdir(project, { recursive: true });
  const warmup = 2;
  console.error(`• ${warmup} untimed + ${runs} launches each, taking turns`);
  const probe = await new Deno.Command(await hostBinary(), {
    args: startprobeArgs(spec, report, runs, warmup),
    cwd: project,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!probe.success) {
    throw new Error(`wphost startprobe failed: ${new TextDecoder().decode(probe.stderr)}`);
  }
  for (const r of JSON.parse(await Deno.readTextFile(report)).variants) {
    const failed = (r.runs as { error?: string }[]).find((l) => l.error);
    if (failed) throw new Error(`${r.label}: a launch failed: ${failed.error}`);
  }
  const summaries = [];
  for (const v of variants) {
    const profiles = await profilesOf(dir, v.label, warmup);
    if (profiles.length !== runs) {
      throw new Error(`${v.label}: ${profiles.length} profiles for ${runs} timed launches`);
    }
    const url = new URL(`file://${v.bundle}`).href;
    const final = await Deno.readTextFile(v.bundle!);
    summaries.push(summarize(profiles, url, bundleMap(v.raw!, final)));
  }
  console.log(
    `Main thread, sampled every ${interval} µs, ${runs} launches each (medians are not ` +
      `possible per group: these are means).\n`,
  );
  console.log(compareTable(summaries[0], "bare grpc-js", summaries[1], "gobuilder", top));
  return 0;
}

if (import.meta.main) Deno.exit(await main());
