/**
 * The base runtime `deno compile` appends a plugin to (denort), per target:
 * which one the environment names, what an executable's first bytes say it
 * was built for, whether it is mistakenly the full `deno` CLI, where deno
 * caches a downloaded one, and what a failed download looks like.
 *
 * @module
 */
import { join } from "node:path";
import { Buffer } from "node:buffer";
import { CommandError } from "../cli.ts";
import { zipEntries } from "./zip.ts";
import type { Target, TargetArch, TargetOs } from "./targets.ts";

/** The environment variable naming one target's runtime: `DENORT_BIN_DARWIN_ARM64`. */
export function runtimeVariable(target: Target): string {
  return `DENORT_BIN_${target.goName.toUpperCase()}`;
}

/**
 * The runtime the environment names for a target: `DENORT_BIN_<OS>_<ARCH>`,
 * else `DENORT_BIN` (deno compile's own variable, for every target).
 */
export function runtimeFromEnv(
  target: Target,
  env: (name: string) => string | undefined,
): { variable: string; path: string } | undefined {
  for (const variable of [runtimeVariable(target), "DENORT_BIN"]) {
    const path = env(variable);
    if (path) return { variable, path };
  }
  return undefined;
}

function cpu(value: number, amd64: number, arm64: number): TargetArch | "other" {
  return value === amd64 ? "amd64" : value === arm64 ? "arm64" : "other";
}

/**
 * The OS and CPU of an executable from its first bytes (ELF, Mach-O, PE),
 * or `undefined` when the format is not one of these.
 */
export function executableKind(
  head: Uint8Array,
): { os: TargetOs; arch: TargetArch | "other" } | undefined {
  const v = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.length >= 20 && v.getUint32(0) === 0x7f454c46) {
    return { os: "linux", arch: cpu(v.getUint16(18, head[5] !== 2), 0x3e, 0xb7) };
  }
  if (head.length >= 8 && v.getUint32(0, true) === 0xfeedfacf) {
    return { os: "darwin", arch: cpu(v.getUint32(4, true), 0x01000007, 0x0100000c) };
  }
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = v.getUint32(0x3c, true);
    if (pe + 6 <= head.length && v.getUint32(pe) === 0x50450000) {
      return { os: "windows", arch: cpu(v.getUint16(pe + 4, true), 0x8664, 0xaa64) };
    }
  }
  return undefined;
}

/**
 * Text that only the full `deno` CLI carries: its help for `deno compile` and
 * `deno repl`. denort, the runtime `deno compile` appends a plugin to, has no
 * subcommands; a binary built on the CLI ignores the plugin and starts the REPL.
 */
export const DENO_CLI_MARKERS: readonly string[] = [
  "Compile the script into a self contained executable",
  "Start an interactive Read-Eval-Print Loop (REPL) for Deno",
];

/** Whether the file at `path` is the full `deno` CLI (it holds a {@linkcode DENO_CLI_MARKERS} text). */
export async function isDenoCli(path: string): Promise<boolean> {
  const markers = DENO_CLI_MARKERS.map((m) => Buffer.from(m));
  const overlap = Math.max(...markers.map((m) => m.length)) - 1;
  using file = await Deno.open(path);
  const chunk = new Uint8Array(1 << 20);
  let tail = Buffer.alloc(0);
  for (;;) {
    const n = await file.read(chunk);
    if (n === null) return false;
    // Keep the end of the previous chunk, so a marker cut in two is still found.
    const buf = Buffer.concat([tail, chunk.subarray(0, n)]);
    if (markers.some((m) => buf.indexOf(m) >= 0)) return true;
    tail = buf.subarray(Math.max(0, buf.length - overlap));
  }
}

/**
 * What `deno compile` printed when getting the base runtime failed (the
 * download from dl.deno.land, usually), as `{ url, cause }`; `undefined` for
 * other failures.
 */
export function runtimeFailure(output: string): { url?: string; cause: string } | undefined {
  if (!output.includes("Setting up base binary")) return undefined;
  const req = output.match(/error sending request for url \((\S+)\): (.+)/);
  if (req) return { url: req[1], cause: req[2].trim() };
  const lines = output.split("\n").map((l) => l.trim()).filter((l) => /^\d+: /.test(l));
  return { cause: lines.slice(1).map((l) => l.replace(/^\d+: /, "")).join(": ") || "unknown" };
}

/** Where `deno compile` downloads a target's runtime from. */
export function denortUrl(target: Target, denoVersion: string = Deno.version.deno): string {
  return `https://dl.deno.land/release/v${denoVersion}/denort-${target.triple}.zip`;
}

/** Where `deno compile` caches a downloaded runtime: `<DENO_DIR>/dl/release/v<ver>/denort-<triple>.zip`. */
export function cachedRuntimePath(denoDir: string, denoVersion: string, target: Target): string {
  return join(denoDir, "dl", "release", `v${denoVersion}`, `denort-${target.triple}.zip`);
}

// ---------------------------------------------------------------------------------------------
// Checking each target's runtime before compiling anything

/** A target's runtime as the build uses and reports it. */
export interface Runtime {
  /** `DENORT_BIN` to set for this target's run, if any. */
  readonly env?: string;
  /** Size of the base runtime, when known. */
  readonly size?: number;
  /** Where the base came from, for the report. */
  readonly from?: string;
}

const OS_LABEL: Record<TargetOs, string> = {
  linux: "Linux (ELF)",
  darwin: "macOS (Mach-O)",
  windows: "Windows (PE)",
};

async function denoDir(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? JSON.parse(new TextDecoder().decode(out.stdout)).denoDir : undefined;
  } catch {
    return undefined;
  }
}

async function readHead(path: string, n: number): Promise<Uint8Array> {
  using f = await Deno.open(path);
  const buf = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const r = await f.read(buf.subarray(got));
    if (r === null) break;
    got += r;
  }
  return buf.subarray(0, got);
}

/** The runtime a variable names for `t`, or why it cannot be used (`problem`), or a `warning`. */
async function namedRuntime(
  t: Target,
  named: { variable: string; path: string },
): Promise<{ runtime?: Runtime; problem?: string; warning?: string }> {
  const { variable, path } = named;
  const info = await Deno.stat(path).catch(() => undefined);
  const want = `denort ${Deno.version.deno} for ${t.triple}`;
  if (!info?.isFile) return { problem: `${variable}="${path}" is not a file: point it at ${want}` };
  if (await isDenoCli(path)) {
    return {
      problem: `${variable}="${path}" is the deno CLI, not the runtime denort: a binary ` +
        `built on it starts deno's REPL instead of the plugin. Point ${variable} at ` +
        `${want} (${denortUrl(t)}), or unset it to let deno compile download it`,
    };
  }
  const kind = executableKind(await readHead(path, 4096));
  if (kind && kind.os !== t.os) {
    return {
      problem: `${variable}="${path}" is a ${OS_LABEL[kind.os]} runtime, but ${t.goName} ` +
        `needs a ${OS_LABEL[t.os]} one: set ${runtimeVariable(t)} to ${want}, ` +
        `or leave the target out with --target`,
    };
  }
  const runtime = { env: path, size: info.size, from: variable };
  if (kind && kind.arch !== t.arch) {
    return {
      runtime,
      warning: `warning: ${variable}="${path}" is a ${kind.os}_${kind.arch} runtime; ` +
        `the ${t.goName} binary will not run on ${t.goName} (set ${runtimeVariable(t)})`,
    };
  }
  return { runtime };
}

/** The size of the runtime deno compile cached for `t`, if it is there. */
async function cachedRuntime(dir: string | undefined, t: Target): Promise<Runtime> {
  if (!dir) return {};
  try {
    const bytes = await Deno.readFile(cachedRuntimePath(dir, Deno.version.deno, t));
    const entry = zipEntries(bytes).find((e) => /^denort(\.exe)?$/.test(e.name));
    return entry ? { size: entry.size, from: "the cached denort" } : {};
  } catch {
    return {}; // not cached yet: deno compile downloads it
  }
}

/**
 * Resolves and checks each target's runtime before compiling anything;
 * throws {@linkcode CommandError} listing every runtime that cannot work,
 * and prints a warning for one built for another CPU.
 */
export async function resolveRuntimes(targets: readonly Target[]): Promise<Map<Target, Runtime>> {
  const map = new Map<Target, Runtime>();
  const problems: string[] = [];
  const warnings: string[] = [];
  let dir: Promise<string | undefined> | undefined;
  for (const t of targets) {
    const named = runtimeFromEnv(t, (k) => Deno.env.get(k));
    if (!named) {
      dir ??= denoDir();
      map.set(t, await cachedRuntime(await dir, t));
      continue;
    }
    const { runtime, problem, warning } = await namedRuntime(t, named);
    if (problem) problems.push(problem);
    if (warning) warnings.push(warning);
    if (runtime) map.set(t, runtime);
  }
  if (problems.length > 0) throw new CommandError(problems.join("\nerror: "));
  for (const w of warnings) console.error(w);
  return map;
}
