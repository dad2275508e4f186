/**
 * Bundles the plugin (unless `--no-bundle`), runs the `deno compile`
 * invocations on the bundle and packs each binary: the Windows alias, the
 * release zip, and at the end `SHA256SUMS`. A failed bundle or compile
 * leaves nothing behind that this run created.
 *
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { CommandError, shellQuote } from "../cli.ts";
import { type BundleOptions, withBundle } from "./bundle.ts";
import { sha256Hex, sha256sums } from "./checksums.ts";
import { type Invocation, zipName } from "./invocations.ts";
import { resolveRuntimes, type Runtime, runtimeFailure, runtimeVariable } from "./runtime.ts";
import { findTarget, type Target } from "./targets.ts";
import { zip } from "./zip.ts";
import { runDeno } from "./run_deno.ts";

/** What {@linkcode build} makes. */
export interface BuildOptions {
  /** The plugin name. */
  readonly name: string;
  /** The version in the zip names. */
  readonly version: string;
  /** The output folder. */
  readonly out: string;
  /** The `deno bundle` step; none (`--no-bundle`): compile the entry's module graph. */
  readonly bundle?: BundleOptions;
  /** The entry module, compiled as is when there is no bundle step. */
  readonly entry: string;
  /** One per target, from `compileInvocations` on the module to compile (the bundle or the entry). */
  readonly invocations: (entry: string) => readonly Invocation[];
  /** The targets of the invocations. */
  readonly targets: readonly Target[];
}

interface Sum {
  path: string;
  sha256: string;
}

function fmtBytes(n: number): string {
  const sign = n < 0 ? "-" : "";
  const a = Math.abs(n);
  if (a < 1024) return `${sign}${a} B`;
  if (a < 1024 * 1024) return `${sign}${(a / 1024).toFixed(1)} KiB`;
  return `${sign}${(a / 1024 / 1024).toFixed(2)} MiB`;
}

/** Makes `dir` with its parents; returns the folders that did not exist, deepest first. */
async function makeDirs(dir: string): Promise<string[]> {
  const made: string[] = [];
  for (let d = dir; !(await Deno.lstat(d).then(() => true, () => false)); d = dirname(d)) {
    made.push(d);
    if (dirname(d) === d) break;
  }
  await Deno.mkdir(dir, { recursive: true });
  return made;
}

/**
 * After a failed compile: removes the target's folder this run made (whatever
 * deno compile left in it), then each parent this run made if it is empty.
 */
async function removeMade(made: string[]): Promise<void> {
  const [target, ...parents] = made;
  if (target) await Deno.remove(target, { recursive: true }).catch(() => {});
  for (const d of parents) {
    // Not recursive: a parent holding earlier targets' output stays.
    if (!(await Deno.remove(d).then(() => true, () => false))) return;
  }
}

/** The error for a failed `deno compile`, after printing its output when that says more. */
function compileFailure(inv: Invocation, t: Target, code: number, text: string): CommandError {
  const dl = runtimeFailure(text);
  if (dl) {
    return new CommandError(
      `deno compile could not get the Deno runtime (denort) for ${inv.target}` +
        `${dl.url ? ` from ${dl.url}` : ""}: ${dl.cause}\n` +
        `  Offline or behind a firewall? Set DENORT_BIN=<path> (every target) or ` +
        `${runtimeVariable(t)}=<path> (this one) to denort ${Deno.version.deno} for ` +
        `${inv.target}, or build fewer targets with --target`,
    );
  }
  console.error(text.trimEnd());
  return new CommandError(
    `deno compile failed for ${inv.goName} (exit ${code}); its output is above. ` +
      `Command: deno ${inv.args.map(shellQuote).join(" ")}`,
  );
}

/** Runs one invocation (`signal` stops it); returns the binary's bytes and modification time. */
async function compileOne(
  inv: Invocation,
  t: Target,
  rt: Runtime,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; mtime?: Date }> {
  const made = await makeDirs(dirname(inv.output));
  const out = await runDeno(inv.args, rt.env ? { DENORT_BIN: rt.env } : {}, signal);
  if (!out.success) {
    await removeMade(made);
    throw compileFailure(inv, t, out.code, out.text);
  }
  const bytes = await Deno.readFile(inv.output);
  const stat = await Deno.stat(inv.output);
  return { bytes, mtime: stat.mtime ?? undefined };
}

/** Writes the Windows alias and the zip of one target's binary; returns their checksums. */
async function pack(
  o: BuildOptions,
  inv: Invocation,
  t: Target,
  binary: { bytes: Uint8Array; mtime?: Date },
): Promise<Sum[]> {
  const { bytes, mtime } = binary;
  const files = [inv.output];
  if (inv.alias) {
    await Deno.remove(inv.alias).catch(() => {});
    await Deno.writeFile(inv.alias, bytes, { mode: 0o755 });
    files.push(inv.alias);
  }
  const digest = await sha256Hex(bytes);
  const sums = files.map((f) => ({ path: relative(o.out, f), sha256: digest }));
  const archive = zip(files.map((f) => ({ name: basename(f), data: bytes, mode: 0o755, mtime })));
  const zipPath = join(o.out, zipName(o.name, o.version, t));
  await Deno.writeFile(zipPath, archive);
  sums.push({ path: relative(o.out, zipPath), sha256: await sha256Hex(archive) });
  console.error(`      ${zipPath}  ${fmtBytes(archive.length)}`);
  return sums;
}

/**
 * Bundles the plugin into a temporary folder (removed afterwards), builds
 * every invocation on the bundle in turn (progress on stderr), then writes
 * `SHA256SUMS`; prints one line per binary on stdout. Throws
 * {@linkcode CommandError} when a runtime, the bundle or a compile fails.
 */
export async function build(o: BuildOptions): Promise<void> {
  const runtimes = await resolveRuntimes(o.targets);
  if (!o.bundle) return await compileAll(o, o.invocations(o.entry), runtimes);
  console.error(`deno bundle ${o.bundle.entry} …`);
  const started = performance.now();
  await withBundle(o.bundle, async (bundle, signal) => {
    const size = (await Deno.stat(bundle)).size;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(`      ${fmtBytes(size)}  ${seconds} s`);
    await compileAll(o, o.invocations(bundle), runtimes, signal);
  });
}

/** Compiles and packs each invocation in turn, then writes `SHA256SUMS`. */
async function compileAll(
  o: BuildOptions,
  invocations: readonly Invocation[],
  runtimes: Map<Target, Runtime>,
  signal?: AbortSignal,
): Promise<void> {
  const sums: Sum[] = [];
  const report: string[] = [];
  for (const [i, inv] of invocations.entries()) {
    signal?.throwIfAborted();
    const t = findTarget(inv.goName)!;
    const rt = runtimes.get(t)!;
    const started = performance.now();
    console.error(
      `[${i + 1}/${invocations.length}] ${inv.goName} (${inv.target}): deno compile …`,
    );
    const binary = await compileOne(inv, t, rt, signal);
    const size = binary.bytes.length;
    const added = rt.size === undefined
      ? "base runtime size unknown"
      : `+${fmtBytes(size - rt.size)} over the ${fmtBytes(rt.size)} runtime from ${rt.from}`;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.error(`      ${inv.output}  ${fmtBytes(size)} (${added})  ${seconds} s`);
    sums.push(...await pack(o, inv, t, binary));
    report.push(
      `${inv.goName.padEnd(14)} ${inv.output}  ${size} bytes` +
        (rt.size === undefined ? "" : `  (+${size - rt.size} over the runtime)`),
    );
  }
  const sumsPath = join(o.out, "SHA256SUMS");
  await Deno.writeTextFile(sumsPath, sha256sums(sums));
  console.error(`wrote ${sumsPath} (${sums.length} files)`);
  console.log(report.join("\n"));
}
