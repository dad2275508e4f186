/**
 * Peak RSS: `/usr/bin/time -f %M` around a plugin (through a wrapper wphost
 * runs as the plugin) or around a plain command.
 *
 * @module
 */
import { basename, join } from "../lib/path.ts";
import { BENCH, run } from "./exec.ts";

const RSS = join(BENCH, "rss");

/**
 * A wrapper wphost runs as the plugin: `/usr/bin/time -f %M` (peak RSS, KiB,
 * from wait4's rusage) around a shell that writes its pid and execs the
 * plugin, so the measured process is the plugin itself (the launcher execs
 * deno, so sh, launcher and deno are one process). The time process's pid is
 * what wphost reports; the files are named after it.
 */
export async function makeWrapper(name: string, target: string): Promise<string> {
  const dir = join(BENCH, "wrappers");
  await Deno.mkdir(dir, { recursive: true });
  const path = join(dir, `waypoint-plugin-${name}`);
  await Deno.writeTextFile(
    path,
    `#!/bin/sh\n# scripts/bench: peak RSS of ${basename(target)}\n` +
      `exec /usr/bin/time -f %M -o "${RSS}/rss-$$" /bin/sh -c 'echo $$ > "$1"; shift; exec "$@"' ` +
      `sh "${RSS}/pid-$$" "${target}" "$@"\n`,
  );
  await Deno.chmod(path, 0o755);
  return path;
}

/** The peak RSS in KiB that the wrapper recorded for wphost's process `pid`, and the inner pid. */
export async function wrappedRss(pid: number): Promise<{ kib: number; inner: number }> {
  const text = await Deno.readTextFile(join(RSS, `rss-${pid}`));
  // "Command exited with non-zero status N" may come first; %M is the last line.
  const last = text.trim().split("\n").pop() ?? "";
  const kib = Number(last);
  if (!Number.isFinite(kib) || kib <= 0) {
    throw new Error(`unexpected /usr/bin/time output: ${text}`);
  }
  const inner = Number((await Deno.readTextFile(join(RSS, `pid-${pid}`)).catch(() => "0")).trim());
  return { kib, inner };
}

/** Peak RSS (KiB) of one command run under /usr/bin/time. */
export async function commandRss(cmd: string, args: string[]): Promise<number> {
  const file = join(RSS, `floor-${crypto.randomUUID()}`);
  const out = await run("/usr/bin/time", ["-f", "%M", "-o", file, cmd, ...args]);
  if (!out.success) throw new Error(`${cmd} failed: ${out.stderr.trim()}`);
  const kib = Number((await Deno.readTextFile(file)).trim().split("\n").pop());
  await Deno.remove(file).catch(() => {});
  return kib;
}
