/**
 * Processes a run left behind: those whose working directory or command
 * line is inside a folder. Linux reads /proc; elsewhere `ps` gives the
 * command lines (working directories are not to be had there).
 *
 * @module
 */

async function fromProc(dir: string): Promise<string[]> {
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

async function fromPs(dir: string): Promise<string[]> {
  const out = await new Deno.Command("ps", {
    args: ["-axo", "pid=,command="],
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  const found: string[] = [];
  for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m && Number(m[1]) !== Deno.pid && m[2].includes(dir)) found.push(`pid ${m[1]}: ${m[2]}`);
  }
  return found;
}

/** Processes whose working directory or command line is inside `dir`, as `pid <n>: <command>`. */
export function processesIn(dir: string): Promise<string[]> {
  return Deno.build.os === "linux" ? fromProc(dir) : fromPs(dir);
}

/** The pid of a {@linkcode processesIn} entry. */
export function pidOf(entry: string): number {
  return Number(/^pid (\d+):/.exec(entry)?.[1] ?? NaN);
}

/**
 * Whether a process with this pid runs (SIGCONT is harmless to a running
 * process). An exited process its parent has not reaped yet (a zombie: on
 * Linux, state Z in /proc/<pid>/stat) does not count.
 */
export function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
  } catch {
    return false;
  }
  if (Deno.build.os !== "linux") return true;
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // not ours to read
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
