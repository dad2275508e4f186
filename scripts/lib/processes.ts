/**
 * Child processes: reading one's first output, and finding processes a run
 * left behind (Linux: reads /proc, which needs --allow-all).
 *
 * @module
 */

/** Processes whose working directory or command line is inside `dir` (Linux: /proc). */
export async function processesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    let cwd = "", cmd = "";
    try {
      cwd = await Deno.readLink(`/proc/${e.name}/cwd`);
    } catch {
      // gone, or not ours to read
    }
    try {
      cmd = (await Deno.readTextFile(`/proc/${e.name}/cmdline`)).replaceAll("\0", " ").trim();
    } catch {
      // gone
    }
    if (cwd.startsWith(dir) || cmd.includes(dir)) found.push(`pid ${e.name}: ${cmd || "?"}`);
  }
  return found;
}

/** Whether a process with this pid exists (SIGCONT is harmless to a running process). */
export function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/**
 * The processes still in `dir` after waiting up to `timeoutMs` for them to
 * go (plugins exit moments after their host): `[]` when none is left.
 */
export async function processesLeftIn(dir: string, timeoutMs = 5000): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  let left = await processesIn(dir);
  while (left.length > 0 && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    left = await processesIn(dir);
  }
  return left;
}

/**
 * Reads the child's stdout until `done(text)` holds (default: a whole first
 * line) and returns the text; the rest of stdout is drained in the background.
 */
export async function readStdout(
  child: Deno.ChildProcess,
  done: (text: string) => boolean = (t) => t.includes("\n"),
): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!done(text)) {
    const { value, done: eof } = await reader.read();
    if (eof) break;
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return text;
}
