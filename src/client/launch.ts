/**
 * Starting a plugin as Waypoint does: the executable (or `deno run` of its
 * main module) with the magic cookie and go-plugin's variables, its stderr
 * read as hclog lines, and the handshake line read from stdout.
 */
import { dirname, join, resolve } from "node:path";
import { localPermissionFlags } from "../permissions.ts";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../server/serve.ts";

/**
 * Options for {@linkcode launchProcess}.
 *
 * @example Launch a plugin with its permissions and environment
 * ```ts
 * import { type LaunchOptions, launchPlugin } from "@x/waypoint-plugin/testing";
 * const options: LaunchOptions = {
 *   entry: "main.ts",
 *   cwd: "examples/app", // Waypoint runs plugins in the project directory
 *   permissions: ["read=.", "run=go"], // as deno.json `waypoint.permissions` would give them
 *   env: { GOFLAGS: "-mod=mod" },
 *   timeoutMs: 10_000,
 * };
 * Deno.test("the plugin starts with the permissions it declares", async () => {
 *   await using plugin = await launchPlugin(options);
 *   await plugin.configure("builder", { source: "." });
 * });
 * ```
 */
export interface LaunchOptions {
  /**
   * The command that starts the plugin. Default: `deno run --no-prompt` of
   * `entry` with the permissions a compiled plugin bakes in: what `serve()`
   * needs plus {@linkcode LaunchOptions.permissions}.
   */
  command?: string[];
  /**
   * The plugin's own permission specs (`run=go`, `read=.`), as in deno.json
   * `waypoint.permissions`. Default: that list in the deno.json next to
   * `entry`, else none.
   */
  permissions?: readonly string[];
  /** The plugin's main module, for the default command. Default: `main.ts` in `cwd`. */
  entry?: string;
  /** The plugin's working directory (Waypoint runs plugins in the project directory). Default: the current one. */
  cwd?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** How long to wait for the handshake line, in ms. Default: 30 000. */
  timeoutMs?: number;
}

/**
 * One hclog line the plugin wrote to stderr (or `{ "@message": line }` when not JSON).
 *
 * @example Assert on what the plugin logged
 * ```ts
 * import assert from "node:assert";
 * import { launchPlugin, type LogLine } from "@x/waypoint-plugin/testing";
 * Deno.test("build logs where it builds", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", { source: "./app" });
 *   await plugin.build();
 *   const said = (l: LogLine) => l["@message"] === "building" && l["@level"] === "info";
 *   assert(plugin.logs.some(said), JSON.stringify(plugin.logs));
 * });
 * ```
 */
export type LogLine = Record<string, unknown>;

/** A started plugin process that printed its handshake line. */
export interface LaunchedProcess {
  child: Deno.ChildProcess;
  /** `unix` or `tcp`. */
  network: string;
  /** Where it listens. */
  address: string;
  /** Everything it logged so far, parsed; grows until it exits. */
  logs: LogLine[];
  /** Resolves when its stderr has been read to the end. */
  stderrDone: Promise<void>;
  /** Its working directory. */
  cwd: string;
}

const decoder = new TextDecoder();

function readLogs(child: Deno.ChildProcess, logs: LogLine[]): Promise<void> {
  return (async () => {
    let partial = "";
    for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
      partial += chunk;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const l of lines) {
        if (!l.trim()) continue;
        try {
          logs.push(JSON.parse(l));
        } catch {
          logs.push({ "@message": l });
        }
      }
    }
  })();
}

function kill(child: Deno.ChildProcess): void {
  try {
    child.kill("SIGKILL");
  } catch {
    // gone
  }
}

/** Reads stdout up to the first line; the rest is drained so the pipe never fills. */
async function handshakeLine(
  child: Deno.ChildProcess,
  logs: LogLine[],
  stderrDone: Promise<void>,
  timeoutMs: number,
): Promise<string> {
  const reader = child.stdout.getReader();
  let text = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) =>
    timer = setTimeout(
      () => reject(new Error(`the plugin printed no handshake line within ${timeoutMs} ms`)),
      timeoutMs,
    )
  );
  try {
    while (!text.includes("\n")) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) {
        await child.status;
        await stderrDone;
        throw new Error(
          `the plugin exited before the handshake: ${logs.map((l) => l["@message"]).join("\n")}`,
        );
      }
      text += decoder.decode(value);
    }
  } catch (err) {
    kill(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  (async () => {
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
    }
  })().catch(() => {});
  return text.split("\n")[0];
}

/**
 * `waypoint.permissions` of the deno.json beside `entry`, or none. The tools
 * check that list when they bake it in; here a list that is not one is
 * passed on as it is, and `deno run` names what is wrong with it.
 */
async function declaredPermissions(cwd: string, entry: string): Promise<string[]> {
  let json: { waypoint?: { permissions?: unknown } };
  try {
    json = JSON.parse(await Deno.readTextFile(resolve(cwd, dirname(entry), "deno.json")));
  } catch {
    return [];
  }
  const p = json?.waypoint?.permissions;
  return Array.isArray(p) ? p.map(String) : [];
}

/** Starts the plugin and reads its handshake; rejects in go-plugin's words when it is not one. */
export async function launchProcess(options: LaunchOptions = {}): Promise<LaunchedProcess> {
  const cwd = options.cwd ?? Deno.cwd();
  const entry = options.entry ?? join(cwd, "main.ts");
  const command = options.command ??
    [
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-prompt",
      ...localPermissionFlags(
        options.permissions ?? await declaredPermissions(cwd, entry),
        options.env,
      ),
      entry,
    ];
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    cwd,
    env: {
      ...options.env,
      [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
      PLUGIN_PROTOCOL_VERSIONS: "1",
      PLUGIN_MIN_PORT: "10000",
      PLUGIN_MAX_PORT: "25000",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const logs: LogLine[] = [];
  const stderrDone = readLogs(child, logs);
  const line = await handshakeLine(child, logs, stderrDone, options.timeoutMs ?? 30000);
  const parts = line.trim().split("|");
  if (parts.length < 5 || parts[0] !== "1" || parts[4] !== "grpc") {
    kill(child);
    throw new Error(`Unrecognized remote plugin message: ${line}`);
  }
  return { child, network: parts[2], address: parts[3], logs, stderrDone, cwd };
}

/**
 * Waits up to 2 s for a plugin told to shut down to exit, as Waypoint does,
 * then kills it; returns whether it exited on its own, and its exit code.
 */
export async function awaitExit(
  launched: LaunchedProcess,
): Promise<{ graceful: boolean; code: number | null }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    launched.child.status,
    new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), 2000)),
  ]);
  clearTimeout(timer);
  if (!status) {
    kill(launched.child);
    await launched.child.status;
  }
  await launched.stderrDone;
  return status ? { graceful: true, code: status.code } : { graceful: false, code: null };
}
