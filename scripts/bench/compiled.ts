/**
 * The `deno compile` case: the plugins built the way `compile` builds them
 * (its own `writeBundle`, then `compileInvocations` on the bundle, for this
 * machine's target; `--no-bundle`'s module graph for the payload's
 * comparison), tried once —
 * this needs a Deno runtime (denort), which `deno compile` downloads unless
 * `DENORT_BIN` names one — and the size the compile adds to the runtime.
 *
 * @module
 */
import { dirname, join, relative } from "../lib/path.ts";
import { REPO } from "../lib/repo.ts";
import { cachedRuntimePath, runtimeFailure } from "../../src/tools/compile/runtime.ts";
import { compileInvocations } from "../../src/tools/compile/invocations.ts";
import { findTarget } from "../../src/tools/compile/targets.ts";
import { readProjectConfig } from "../../src/tools/compile/project.ts";
import { resolvePermissions } from "../../src/tools/compile/permissions.ts";
import { zipEntries } from "../../src/tools/compile/zip.ts";
import { projectNpmExcludes } from "../../src/tools/compile/npm_excludes.ts";
import { writeBundle } from "../../src/tools/compile/bundle.ts";
import { TARGETS } from "../../src/tools/compile/targets.ts";
import { standinRuntimes } from "../lib/standin_runtime.ts";
import { BENCH, fileSize, GO_TARGET, progress, reset, run } from "./exec.ts";
import type { Plugin } from "./wphost.ts";

/** Where the compiled binaries go (removed at the end of the run). */
export const COMPILED_DIR: string = join(BENCH, "compiled");
const MIB = 1024 * 1024;

/** The TS entry modules the benchmark runs. */
export interface Entries {
  gobuilder: string;
  noop: string;
  showcase: string;
  /** An empty script: the floor. */
  empty: string;
}

/** What compiling gave. */
export interface Compiled {
  /** The compiled plugins, when all three compiled. */
  plugins?: Record<"gobuilder" | "noop" | "showcase", Plugin>;
  /** How they were compiled, or why not. */
  note: string;
  /** The denort that `DENORT_BIN` names (not the deno CLI), if any. */
  realDenort?: string;
  /** The runtime the plugins were built on, when its size is known. */
  base?: { size: number; from: string };
}

/** How `compile` embeds the plugin: its bundle (the default) or, with `--no-bundle`, the module graph. */
export type Embed = "bundle" | "graph";

const bundles = new Map<string, Promise<string>>();

/** `entry`'s bundle as compile.ts writes it, made once per run. */
function bundleOf(entry: string, name: string): Promise<string> {
  const key = `${name}\0${entry}`;
  if (!bundles.has(key)) {
    const dir = join(COMPILED_DIR, "bundles");
    bundles.set(key, writeBundle({ name, entry, config: join(REPO, "deno.json") }, dir));
  }
  return bundles.get(key)!;
}

/** The `deno compile` argv (without `deno`) that compile.ts runs for `target` (default: this machine's). */
async function compileArgs(
  entry: string,
  name: string,
  out: string,
  target = GO_TARGET,
  embed: Embed = "bundle",
): Promise<string[]> {
  const config = await readProjectConfig(REPO);
  const graph = embed === "graph";
  const [inv] = compileInvocations({
    name,
    entry: graph ? relative(REPO, entry) : await bundleOf(entry, name),
    out,
    targets: [findTarget(target)!],
    permissions: resolvePermissions([], config),
    config: config.path ? "deno.json" : undefined,
    exclude: graph ? await projectNpmExcludes(REPO, Deno.execPath()) : [],
  });
  return inv.args;
}

interface Result {
  ok: boolean;
  path: string;
  /** Why it failed, one line. */
  why?: string;
  /** The runtime download failed. */
  download?: boolean;
}

/** Compiles `entry` as plugin `name` into `out` with `DENORT_BIN` = `denort` (none: download). */
async function compile(
  entry: string,
  name: string,
  out: string,
  denort: string | undefined,
  target = GO_TARGET,
  embed: Embed = "bundle",
): Promise<Result> {
  const args = await compileArgs(entry, name, out, target, embed);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(Deno.env.toObject())) {
    if (!k.startsWith("DENORT_BIN")) env[k] = v;
  }
  env.NO_COLOR = "1";
  if (denort) env.DENORT_BIN = denort;
  const path = args[args.indexOf("--output") + 1];
  await Deno.mkdir(dirname(path), { recursive: true });
  const r = await run(Deno.execPath(), args, { cwd: REPO, env, clearEnv: true });
  if (r.success) return { ok: true, path };
  const text = r.stdout + r.stderr;
  const dl = runtimeFailure(text);
  if (dl) {
    const why = dl.url ? `${dl.url}: ${dl.cause}` : "the runtime could not be set up";
    return { ok: false, path, download: true, why };
  }
  const lines = text.trim().split("\n").filter((l) => l.trim());
  return { ok: false, path, why: lines.slice(0, 3).join(" / ") };
}

/** The size of a cached, downloaded denort (from deno compile's cache), if any. */
async function cachedDenortSize(): Promise<number | undefined> {
  try {
    const info = await run(Deno.execPath(), ["info", "--json"], { env: { NO_COLOR: "1" } });
    const denoDir = JSON.parse(info.stdout).denoDir as string;
    const zip = await Deno.readFile(
      cachedRuntimePath(denoDir, Deno.version.deno, findTarget(GO_TARGET)!),
    );
    return zipEntries(zip).find((e) => /^denort(\.exe)?$/.test(e.name))?.size;
  } catch {
    return undefined;
  }
}

/** The denort `DENORT_BIN_<TARGET>` or `DENORT_BIN` names, unless it is the deno CLI itself. */
async function namedDenort(): Promise<string | undefined> {
  const named = Deno.env.get(`DENORT_BIN_${GO_TARGET.toUpperCase()}`) ??
    Deno.env.get("DENORT_BIN");
  if (!named) return undefined;
  const real = await Deno.realPath(named).catch(() => undefined);
  const deno = await Deno.realPath(Deno.execPath());
  return real && real !== deno && (await Deno.stat(real)).isFile ? real : undefined;
}

/** Compiles the three plugins, once; a runtime that cannot be had is a note, not an error. */
export async function tryCompile(entries: Entries): Promise<Compiled> {
  progress("deno compile: trying once");
  await reset(COMPILED_DIR);
  const realDenort = await namedDenort();
  const out = join(COMPILED_DIR, "real");
  const first = await compile(entries.gobuilder, "gobuilder", out, realDenort);
  if (!first.ok) {
    const note = first.download
      ? "not measurable here (denort download unreachable; set DENORT_BIN to a " +
        `denort ${Deno.version.deno} to measure). deno compile, tried once: ${first.why}`
      : `not measurable here: deno compile failed: ${first.why}`;
    return { note, realDenort };
  }
  const noop = await compile(entries.noop, "bench_noop", out, realDenort);
  const showcase = await compile(entries.showcase, "showcase", out, realDenort);
  const bad = [noop, showcase].find((c) => !c.ok);
  if (bad) return { note: `deno compile of a fixture failed: ${bad.why}`, realDenort };
  const plugins = {
    gobuilder: { label: "compiled gobuilder", path: first.path, args: [] },
    noop: { label: "compiled no-op", path: noop.path, args: [] },
    showcase: { label: "compiled showcase", path: showcase.path, args: [] },
  };
  if (realDenort) {
    const base = {
      size: await fileSize(realDenort),
      from: `the denort in DENORT_BIN (${realDenort})`,
    };
    return { plugins, note: `compiled with DENORT_BIN=${realDenort}`, realDenort, base };
  }
  const size = await cachedDenortSize();
  const base = size === undefined
    ? undefined
    : { size, from: "the denort deno compile downloaded" };
  return { plugins, note: "compiled with the runtime deno compile downloaded", base };
}

/** What the compile adds to the runtime. */
export interface Payload {
  /** The compiled gobuilder's size. */
  size: number;
  /** Its size minus the runtime's. */
  payload: number;
  /** The empty script's, likewise. */
  empty: number;
  /** The runtime's size. */
  base: number;
  /** How the payload was measured, for the notes. */
  note: string;
}

/**
 * The payload over the real runtime when the plugins compiled on one of
 * known size; otherwise over the deno binary as a stand-in base (the binary
 * made that way does not run, but its size tells the payload).
 */
export async function measurePayload(c: Compiled, entries: Entries): Promise<Payload> {
  if (c.plugins && c.base) {
    const empty = await compile(entries.empty, "empty", join(COMPILED_DIR, "real"), c.realDenort);
    if (!empty.ok) throw new Error(`deno compile of the empty script failed: ${empty.why}`);
    const size = await fileSize(c.plugins.gobuilder.path);
    const emptySize = await fileSize(empty.path);
    const note = `payload: the compiled binary's size minus ${c.base.from}`;
    return {
      size,
      payload: size - c.base.size,
      empty: emptySize - c.base.size,
      base: c.base.size,
      note,
    };
  }
  progress(`compiled payload: deno compile with the deno binary as a stand-in base (${GO_TARGET})`);
  const deno = await Deno.realPath(Deno.execPath());
  const out = join(COMPILED_DIR, "standin");
  const g = await compile(entries.gobuilder, "gobuilder", out, deno);
  const e = await compile(entries.empty, "empty", out, deno);
  if (!g.ok || !e.ok) {
    throw new Error(`deno compile with DENORT_BIN=${deno} failed: ${(g.why ?? e.why)}`);
  }
  const base = await fileSize(deno);
  const note = `payload over the deno binary used as a stand-in base (DENORT_BIN=${deno}, ` +
    `${(base / MIB).toFixed(2)} MiB; ${GO_TARGET} only). The binary made this way does ` +
    "not run the plugin (the deno CLI ignores the payload): only its size is used. Most of " +
    "the empty script's payload is padding: deno compile places the payload segment at a " +
    "file offset equal to its virtual address, past the base's zero-filled data";
  const size = await fileSize(g.path);
  return { size, payload: size - base, empty: (await fileSize(e.path)) - base, base, note };
}

/** The payload of one target: what the compile adds to a stand-in runtime, bytes. */
export interface TargetPayload {
  target: string;
  /** Compiled from its bundle, as compile does. */
  gobuilder: number;
  /** Compiled from its module graph (`--no-bundle`). */
  gobuilderGraph: number;
  empty: number;
}

/**
 * The compiled payload for every target compile.ts builds: the gobuilder
 * (from its bundle, and from its module graph as `--no-bundle` compiles it)
 * and the empty script, each compiled onto a tiny Go program for that target
 * (scripts/lib/standin_runtime.ts) as compile.ts invokes `deno compile`, minus
 * the stand-in's size. The binaries do not run; their sizes are the figure.
 */
export async function payloadPerTarget(entries: Entries): Promise<TargetPayload[]> {
  const runtimes = await standinRuntimes();
  const out = join(COMPILED_DIR, "targets");
  const rows: TargetPayload[] = [];
  for (const t of TARGETS) {
    const base = await fileSize(runtimes[t.goName]);
    const size = async (entry: string, name: string, embed: Embed = "bundle") => {
      const r = await compile(entry, name, join(out, embed), runtimes[t.goName], t.goName, embed);
      if (!r.ok) throw new Error(`deno compile for ${t.goName} failed: ${r.why}`);
      return (await fileSize(r.path)) - base;
    };
    rows.push({
      target: t.goName,
      gobuilder: await size(entries.gobuilder, "gobuilder"),
      gobuilderGraph: await size(entries.gobuilder, "gobuilder", "graph"),
      empty: await size(entries.empty, "empty"),
    });
  }
  return rows;
}
