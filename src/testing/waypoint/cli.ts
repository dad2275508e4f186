/**
 * Finding the Waypoint CLI the harness runs: the one asked for, else
 * `WAYPOINT_BIN`, else `waypoint` on PATH; it must be 0.11.x.
 *
 * @module
 */
import { delimiter, isAbsolute, join } from "node:path";

/** How to get the CLI, for every message that says it is missing or wrong. */
export const HOW_TO_GET =
  "Build Waypoint 0.11.4 with `deno run -A jsr:@x/waypoint-plugin/waypoint-cli` (from the Go " +
  "module proxy, cached; needs Go) and set WAYPOINT_BIN to the path it prints, or install " +
  "Waypoint 0.11 from HashiCorp's releases and put `waypoint` on PATH";

const dec = new TextDecoder();

/** The first line `bin version` prints, or throws saying why it cannot run. */
export async function versionOf(bin: string): Promise<string> {
  let out;
  try {
    out = await new Deno.Command(bin, {
      args: ["version"],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (err) {
    throw new Error(`cannot run ${bin}: ${(err as Error).message}`);
  }
  return (dec.decode(out.stdout) + dec.decode(out.stderr)).trim().split("\n")[0] ?? "";
}

/** `waypoint` on PATH, or undefined. */
async function onPath(): Promise<string | undefined> {
  const names = Deno.build.os === "windows" ? ["waypoint.exe"] : ["waypoint"];
  for (const dir of (Deno.env.get("PATH") ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const name of names) {
      const path = join(dir, name);
      const info = await Deno.stat(path).catch(() => undefined);
      if (info?.isFile) return path;
    }
  }
  return undefined;
}

/**
 * The CLI to run: `bin`, else `WAYPOINT_BIN`, else `waypoint` on PATH,
 * checked to be Waypoint 0.11.x. Throws a message saying how to get one.
 */
export async function findWaypointCli(bin?: string): Promise<string> {
  const given = bin ?? Deno.env.get("WAYPOINT_BIN");
  const where = bin ? `startWaypoint({ bin: "${bin}" })` : `WAYPOINT_BIN="${given}"`;
  const path = given || await onPath();
  if (!path) {
    throw new Error(
      `No Waypoint CLI found: WAYPOINT_BIN is not set and there is no \`waypoint\` on PATH. ` +
        `${HOW_TO_GET}.`,
    );
  }
  const what = given ? where : `\`waypoint\` on PATH (${path})`;
  let version: string;
  try {
    version = await versionOf(path);
  } catch (err) {
    throw new Error(`${what} cannot be run (${(err as Error).message}). ${HOW_TO_GET}.`);
  }
  if (!/\bv0\.11\.\d+\b/.test(version)) {
    throw new Error(
      `${what} is not Waypoint 0.11 ("${version}"); the harness drives the 0.11 CLI. ` +
        `${HOW_TO_GET}.`,
    );
  }
  return path;
}
