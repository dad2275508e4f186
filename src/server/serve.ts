/**
 * `serve()`: the process around the serving core (`core.ts`). It checks
 * the magic cookie, reads go-plugin's and our environment variables, sends
 * stdout and grpc-js's log lines to the hclog logger, handles signals,
 * unhandled rejections and unload, prints the handshake line and exits.
 *
 * @module
 */
// First: it reports a missing env permission before grpc-js's own reads throw.
import "./permission_guard.ts";
import * as grpc from "@grpc/grpc-js";
import { PluginError } from "../errors.ts";
import { format } from "../internal/format.ts";
import type { ListenEnv, Transport } from "../internal/listener.ts";
import { Secrets } from "../internal/secrets.ts";
import { INIT_ERROR_MESSAGE, StartupError } from "../internal/startup_error.ts";
import { installStdoutGuard, writeStdoutOnce } from "../internal/stdout_guard.ts";
import { createLogger, formatLogLine, type Logger, type LogLevel, writeStderr } from "../logger.ts";
import { checkComponents, type PluginComponents } from "./components.ts";
import { missingServePermission, reportMissingPermission } from "./permission_check.ts";
import { createPluginServer, type RunningPlugin, type ServerOptions } from "./core.ts";

export type { PluginComponents };

/**
 * The magic cookie Waypoint sets in `WAYPOINT_PLUGIN`.
 *
 * @example Tell whether Waypoint started the process
 * ```ts
 * import assert from "node:assert";
 * import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "@x/waypoint-plugin";
 * const byWaypoint = Deno.env.get(MAGIC_COOKIE_KEY) === MAGIC_COOKIE_VALUE;
 * assert.equal(byWaypoint, false); // a doc test is not started by Waypoint
 * ```
 */
export const MAGIC_COOKIE_KEY = "WAYPOINT_PLUGIN";
/**
 * Its value.
 *
 * @example Start a plugin as Waypoint does
 * ```ts
 * import assert from "node:assert";
 * import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "@x/waypoint-plugin";
 * Deno.test("the plugin prints a handshake line", async () => {
 *   const child = new Deno.Command(Deno.execPath(), {
 *     args: ["run", "-A", "main.ts"],
 *     env: { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "1" },
 *     stdout: "piped",
 *   }).spawn();
 *   const reader = child.stdout.getReader();
 *   const { value } = await reader.read(); // e.g. 1|1|unix|/tmp/plugin…/plugin.sock|grpc|
 *   assert.match(new TextDecoder().decode(value), /^1\|1\|(unix|tcp)\|/);
 *   child.kill();
 *   await child.status;
 * });
 * ```
 */
export const MAGIC_COOKIE_VALUE =
  "be6c1928786a4df0222c13eef44ac846da2c0d461d99addc93f804601c6b7205";

/** The message go-plugin prints when a plugin is run by hand. */
export const NOT_A_PLUGIN_MESSAGE =
  "This binary is a plugin. These are not meant to be executed directly.\n" +
  "Please execute the program that consumes these plugins, which will\n" +
  "load any plugins automatically\n";

/**
 * Options for {@linkcode serve}.
 *
 * @example Name, transport and log level
 * ```ts
 * import { defineBuilder, protoFile, serve, type ServeOptions } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const options: ServeOptions = {
 *   name: "demo",
 *   transport: "unix",
 *   logLevel: "info",
 *   debug: false,
 * };
 * // Serving runs until the host shuts the plugin down, then exits: never in a test or a doc example.
 * if (import.meta.main && Deno.env.get("WAYPOINT_PLUGIN")) await serve({ builder }, options);
 * ```
 */
export interface ServeOptions {
  /**
   * The plugin's name, used in messages. Default: taken from the executable
   * (`waypoint-plugin-<name>`) or the main module's folder.
   */
  name?: string;
  /** `unix` or `tcp`. Default: `unix`, or `tcp` on Windows. `WAYPOINT_PLUGIN_TRANSPORT` overrides it. */
  transport?: Transport;
  /**
   * Debug mode: no cookie check; instead of the handshake line, print the
   * `WP_REATTACH_PLUGINS` value that makes Waypoint attach to this process
   * (so you can run it under a debugger); keep serving across host
   * connections; Ctrl-C stops it. Default: `false`, or `true` when the
   * process was started with `--debug`.
   */
  debug?: boolean;
  /** The lowest level logged. Default: `debug`, as Go plugins; `WAYPOINT_PLUGIN_LOG_LEVEL` overrides it. */
  logLevel?: LogLevel;
}

function pluginName(options: ServeOptions): string {
  if (options.name) return options.name;
  const exe = Deno.execPath().split(/[\\/]/).pop() ?? "";
  const m = /^waypoint-plugin-(.+?)(\.exe)?$/.exec(exe);
  if (m) return m[1];
  const main = Deno.mainModule.split("/");
  return main.at(-2) ?? "plugin";
}

/**
 * Serves the plugin's components to Waypoint: checks the magic cookie,
 * listens, prints the handshake line and answers RPCs until the host shuts
 * it down, then exits. Run by hand (without the cookie) it prints go-plugin's
 * message to stderr and exits with status 1.
 *
 * @example The gobuilder's main.ts
 * ```ts
 * import { defineBuilder, protoFile, serve } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const builder = defineBuilder({
 *   output: Binary,
 *   build: () => Binary.create({ location: "app" }),
 * });
 *
 * // Run by Waypoint (or `deno run main.ts`): serves until the host shuts it down, then exits.
 * if (import.meta.main) await serve({ builder });
 * ```
 */
export async function serve(
  components: PluginComponents,
  options: ServeOptions = {},
): Promise<void> {
  checkComponents(components);
  const debug = options.debug ?? Deno.args.includes("--debug");
  // Before anything reads a variable or makes a socket: a missing permission is named, not thrown.
  const missing = missingServePermission(options.transport);
  if (missing) {
    reportMissingPermission(missing, debug);
    Deno.exit(1);
  }
  if (!debug && Deno.env.get(MAGIC_COOKIE_KEY) !== MAGIC_COOKIE_VALUE) {
    writeStderr(new TextEncoder().encode(NOT_A_PLUGIN_MESSAGE));
    Deno.exit(1);
  }
  // PLUGIN_PROTOCOL_VERSIONS: the Waypoint SDK has only version 1, so we always answer 1 —
  // a host without it reports the mismatch itself, as with Go plugins.
  // The handshake line goes out as soon as the socket is bound (see ServerOptions.onListening).
  const announce = (at: { network: string; address: string; serverCert?: string }) => {
    if (debug) {
      writeStdoutOnce(reattachInstructions(at, pluginName(options)));
      return;
    }
    // A go-plugin >= 1.6 host that asks for multiplexing gets a clear "not supported" from its
    // own check when field 7 says false; Waypoint's v1.4.3 host never asks, and must not see it.
    const mux = Deno.env.get("PLUGIN_MULTIPLEX_GRPC") ? "|false" : "";
    writeStdoutOnce(`1|1|${at.network}|${at.address}|grpc|${at.serverCert ?? ""}${mux}\n`);
  };
  let running: RunningPlugin;
  try {
    running = await startProcess(components, options, debug, announce);
  } catch (err) {
    // As go-plugin's Serve: one "plugin init error" line, then it returns and the Go SDK's Main
    // with it, so a Go plugin exits 0 here too. The host reports that the plugin exited before
    // it could connect; the line says why.
    reportStartupFailure(err);
    Deno.exit(0);
  }
  await running.done;
  Deno.exit(0);
}

/**
 * The process side of serving: the logger on stderr with stdout sent to
 * it, the environment's settings, and the handlers that stop the server
 * with the process (or keep the process up while it serves).
 */
async function startProcess(
  components: PluginComponents,
  options: ServeOptions,
  debug: boolean,
  onListening: ServerOptions["onListening"],
): Promise<RunningPlugin> {
  const transport = envChoice("WAYPOINT_PLUGIN_TRANSPORT", ["unix", "tcp"]) ?? options.transport;
  const level =
    envChoice("WAYPOINT_PLUGIN_LOG_LEVEL", ["trace", "debug", "info", "warn", "error"]) ??
      options.logLevel ?? "debug";
  const secrets = new Secrets();
  const logger = createLogger("plugin", { level, redact: (text) => secrets.redact(text) });
  installStdoutGuard(logger);
  routeGrpcLogs(logger.named("grpc"));
  // Installed before the server exists, so that nothing of a start that is interrupted stays.
  let server: RunningPlugin | undefined;
  let stopRequested = false;
  const stop = () => server ? void server.stop() : void (stopRequested = true);
  // Ctrl-C reaches the whole process group; the host decides when we stop.
  // In debug mode the user runs the plugin by hand, and Ctrl-C stops it.
  const onSigint = debug ? stop : () => {};
  // A promise the author forgot to await must not take the plugin down mid-operation (and leave
  // its socket behind): log it and keep serving.
  const onRejection = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    logger.error("unhandled promise rejection in the plugin", { error: String(e.reason) });
  };
  // Whatever ends the process, the socket and its directory go with it.
  const onUnload = () => server?.stopNow();
  Deno.addSignalListener("SIGINT", onSigint);
  Deno.addSignalListener("SIGTERM", stop);
  globalThis.addEventListener("unhandledrejection", onRejection);
  globalThis.addEventListener("unload", onUnload);
  const removeHandlers = () => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("unload", onUnload);
    Deno.removeSignalListener("SIGTERM", stop);
    Deno.removeSignalListener("SIGINT", onSigint);
  };
  try {
    server = await createPluginServer(components, {
      name: pluginName(options),
      transport,
      listen: listenEnv(),
      // A go-plugin host with AutoMTLS passes its certificate; then every connection is mutual TLS.
      clientCert: Deno.env.get("PLUGIN_CLIENT_CERT"),
      debug,
      logger,
      secrets,
      onListening,
    });
  } catch (err) {
    removeHandlers();
    throw err;
  }
  server.done.then(removeHandlers);
  if (stopRequested) void server.stop();
  return server;
}

/** go-plugin's listener variables. */
function listenEnv(): ListenEnv {
  return {
    socketDir: Deno.env.get("PLUGIN_UNIX_SOCKET_DIR"),
    tmpDir: Deno.env.get("TMPDIR"),
    socketGroup: Deno.env.get("PLUGIN_UNIX_SOCKET_GROUP"),
    minPort: Deno.env.get("PLUGIN_MIN_PORT"),
    maxPort: Deno.env.get("PLUGIN_MAX_PORT"),
  };
}

function envChoice<T extends string>(name: string, allowed: T[]): T | undefined {
  const v = Deno.env.get(name);
  if (v === undefined || v === "") return undefined;
  if (!allowed.includes(v as T)) {
    throw new StartupError(
      name,
      v,
      `${name} is "${v}": set it to one of ${allowed.join(", ")}, or unset it`,
    );
  }
  return v as T;
}

/** Writes the one hclog line of a failed start: go-plugin's message, our reason and the variable. */
function reportStartupFailure(err: unknown): void {
  const fields: Record<string, unknown> = { error: PluginError.from(err).message };
  if (err instanceof StartupError) {
    fields.variable = err.variable;
    fields.value = err.value;
  }
  writeStderr(
    new TextEncoder().encode(formatLogLine("error", "plugin", INIT_ERROR_MESSAGE, fields)),
  );
}

/** The `WP_REATTACH_PLUGINS` value that points Waypoint at this running process. */
export function reattachValue(
  running: Pick<RunningPlugin, "network" | "address">,
  name: string,
): string {
  return JSON.stringify({
    [name]: {
      Protocol: "grpc",
      ProtocolVersion: 1,
      Pid: Deno.pid,
      Test: true,
      Addr: { Network: running.network, String: running.address },
    },
  });
}

function reattachInstructions(
  running: Pick<RunningPlugin, "network" | "address">,
  name: string,
): string {
  return `Plugin "${name}" is running in debug mode (pid ${Deno.pid}). To use it, run Waypoint with:

  export WP_REATTACH_PLUGINS='${reattachValue(running, name)}'

It serves until you stop it (Ctrl-C).
`;
}

/**
 * grpc-js logs through `console.error` ("E No address added out of total 1
 * resolved" before the error it then throws, one per busy port of a TCP
 * range …). Those are details of failures the toolkit reports itself, so
 * they go to the log at debug level, under `plugin.grpc`.
 */
function routeGrpcLogs(log: Logger): void {
  const line = (...args: unknown[]) => log.debug(format(...args));
  grpc.setLogger({ error: line, info: line, debug: line } as unknown as Partial<Console>);
}
