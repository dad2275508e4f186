/**
 * The plugin CPU of the real-CLI rows (scripts/bench_cli.ts): each plugin
 * executable of a project is swapped for scripts/bench/cpuwrap, a small Go
 * program that runs the real one as its child with the very same stdio,
 * arguments and environment, forwards SIGINT and SIGTERM, exits as it did,
 * and appends the child's rusage (user and system CPU of the plugin and of
 * everything it waited for, `go build` included) to `.waypoint/cpu.log`. The
 * same log counts the launches.
 *
 * @module
 */
import { join } from "node:path";
import { REPO, WORK } from "../lib/repo.ts";

const SOURCE = join(REPO, "scripts", "bench", "cpuwrap");
const BIN = join(WORK, "bench", "cpuwrap", "cpuwrap");

/** Builds the wrapper (Go's build cache makes a rebuild of the unchanged source cheap). */
export async function cpuWrapper(): Promise<string> {
  const out = await new Deno.Command("go", {
    args: ["build", "-o", BIN, "."],
    cwd: SOURCE,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(
      `go build of scripts/bench/cpuwrap failed:\n${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return BIN;
}

/**
 * Moves each `.waypoint/plugins/waypoint-plugin-<name>` of the project to
 * `.waypoint/real-plugins/` and puts a symlink to the wrapper in its place.
 */
export async function wrapPlugins(project: string, names: string[], wrapper: string) {
  const plugins = join(project, ".waypoint", "plugins");
  const real = join(project, ".waypoint", "real-plugins");
  await Deno.mkdir(real, { recursive: true });
  for (const name of names) {
    const file = `waypoint-plugin-${name}`;
    await Deno.rename(join(plugins, file), join(real, file));
    await Deno.symlink(wrapper, join(plugins, file));
  }
}

/** What the wrapper logged for one command. */
export interface CpuLog {
  /** Plugin processes started. */
  launches: number;
  /** Of them, those whose exit was logged (a wrapper killed by SIGKILL logs none). */
  exits: number;
  /** Summed user CPU of the exited ones, µs. */
  userUs: number;
  /** Summed system CPU of the exited ones, µs. */
  sysUs: number;
  /** The longest launch, start to exit, µs. */
  longestUs: number;
  /** Exits other than `code:0` (`code:N` or `signal:N`), with the plugin's name. */
  unusual: string[];
}

function logFile(project: string): string {
  return join(project, ".waypoint", "cpu.log");
}

/** Forgets what the wrapper logged so far. */
export async function clearCpuLog(project: string): Promise<void> {
  await Deno.remove(logFile(project)).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
}

function parse(text: string): CpuLog {
  const log: CpuLog = { launches: 0, exits: 0, userUs: 0, sysUs: 0, longestUs: 0, unusual: [] };
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f[0] === "start") log.launches++;
    if (f[0] !== "exit" || f.length < 8) continue;
    log.exits++;
    log.userUs += Number(f[3]);
    log.sysUs += Number(f[4]);
    log.longestUs = Math.max(log.longestUs, Number(f[6]));
    if (f[7] !== "code:0") log.unusual.push(`${f[2]} ${f[7]}`);
  }
  return log;
}

/**
 * What the wrapper logged since the last {@linkcode clearCpuLog}. Waits up
 * to `graceMs` for every started plugin's exit line (the CLI has waited for
 * its plugins before it exits, so they are normally all there already).
 */
export async function readCpuLog(project: string, graceMs = 2000): Promise<CpuLog> {
  const deadline = performance.now() + graceMs;
  for (;;) {
    let text = "";
    try {
      text = await Deno.readTextFile(logFile(project));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    const log = parse(text);
    if (log.exits >= log.launches || performance.now() > deadline) return log;
    await new Promise((r) => setTimeout(r, 20));
  }
}
