/**
 * A plugin running in debug mode (`--debug`), for `wphost -reattach`: one
 * process that serves host after host, as `waypoint build` runs would.
 *
 * @module
 */
import { join } from "./path.ts";
import { makeBundledLauncher, makeLauncher } from "./launcher.ts";
import { readStdout } from "./processes.ts";

/** A plugin started by {@linkcode startDebugPlugin}. */
export interface DebugPlugin {
  /** The plugin's name in `WP_REATTACH_PLUGINS`. */
  name: string;
  /** The `WP_REATTACH_PLUGINS` value the plugin printed. */
  reattach: string;
  /** Its process id. */
  pid: number;
  /** The plugin's stderr (its hclog lines), read to the end once it stopped. */
  stderr: Promise<string>;
  /** Stops it as its user would (Ctrl-C) and returns its exit code. */
  stop(): Promise<number>;
}

/**
 * Starts `entry` as plugin `name` in debug mode, in `dir`, with the declared
 * `permissions` (default: what makeLauncher gives `entry`). With `bundled`,
 * it runs `entry`'s bundle as `compile` embeds it, the way a compiled plugin
 * starts ({@linkcode makeBundledLauncher}); otherwise the source.
 */
export async function startDebugPlugin(
  dir: string,
  name: string,
  entry: string,
  env: Record<string, string> = {},
  permissions?: readonly string[],
  bundled = false,
): Promise<DebugPlugin> {
  const plugins = join(dir, ".waypoint", "plugins");
  const launcher = bundled
    ? await makeBundledLauncher(plugins, name, entry, permissions)
    : await makeLauncher(plugins, name, entry, permissions);
  const child = new Deno.Command(launcher, {
    args: ["--debug"],
    cwd: dir,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const marker = "WP_REATTACH_PLUGINS='";
  const text = await readStdout(
    child,
    (t) => t.includes(marker) && t.slice(t.indexOf(marker) + marker.length).includes("'\n"),
  );
  const m = /WP_REATTACH_PLUGINS='([^']+)'/.exec(text);
  if (!m) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the plugin printed no WP_REATTACH_PLUGINS line:\n${text}\n${await stderr}`);
  }
  return {
    name,
    reattach: m[1],
    pid: child.pid,
    stderr,
    async stop() {
      child.kill("SIGINT");
      return (await child.status).code;
    },
  };
}
