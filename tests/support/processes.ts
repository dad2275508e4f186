/** Finding processes a test left running (Linux: reads /proc, which needs --allow-all). */

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
