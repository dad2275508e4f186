/**
 * What every benchmark case shares: the scratch folder, running a command
 * with a time limit, and progress lines on stderr.
 *
 * @module
 */
import { join } from "../lib/path.ts";
import { WORK } from "../lib/repo.ts";

/** The benchmark's scratch folder: tests/.work/bench. */
export const BENCH: string = join(WORK, "bench");
/** This machine's Linux target, by Go's name. */
export const GO_TARGET: string = `linux_${Deno.build.arch === "aarch64" ? "arm64" : "amd64"}`;
/** How long any one measured command may take before it is killed. */
export const TIMEOUT_MS = 180_000;

/** A progress line on stderr. */
export function progress(msg: string): void {
  console.error(`• ${msg}`);
}

/** How a command ended and what it printed. */
export interface Output {
  code: number;
  success: boolean;
  stdout: string;
  stderr: string;
}

const dec = new TextDecoder();

/** Runs `cmd` to its end (at most {@linkcode TIMEOUT_MS}), stdin closed, output collected. */
export async function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; clearEnv?: boolean } = {},
): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: opts.clearEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).output();
  return {
    code: out.code,
    success: out.success,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** The size of a file in bytes. */
export async function fileSize(path: string): Promise<number> {
  return (await Deno.stat(path)).size;
}

/** The files of `dir` whose names end in `suffix`, oldest (by modification time) first. */
export async function filesByMtime(dir: string, suffix = ""): Promise<string[]> {
  const files = [];
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || !e.name.endsWith(suffix)) continue;
    const path = join(dir, e.name);
    files.push({ path, mtime: (await Deno.stat(path)).mtime?.getTime() ?? 0 });
  }
  return files.sort((a, b) => a.mtime - b.mtime).map((f) => f.path);
}

/** Empties `dir` (making it when missing). */
export async function reset(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(dir, { recursive: true });
}
