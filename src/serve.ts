/**
 * `serve()`: the one function that turns component definitions into a
 * running plugin process that speaks go-plugin's protocol.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { format } from "node:util";
import type { Builder } from "./components/builder.ts";
import type { ConfigSourcer } from "./components/config_sourcer.ts";
import type { Mapper } from "./components/mapper.ts";
import type { Platform } from "./components/platform.ts";
import type { Registry } from "./components/registry.ts";
import type { ReleaseManager } from "./components/release_manager.ts";
import type { TaskLauncher } from "./components/task_launcher.ts";
import { Broker } from "./internal/broker.ts";
import { abortAll } from "./internal/inflight.ts";
import { handshakeCert, startMtls } from "./internal/mtls.ts";
import { type ComponentDefinition, ComponentRuntime } from "./internal/component_runtime.ts";
import { addService, CHANNEL_OPTIONS } from "./internal/grpc.ts";
import { listen, type Transport } from "./internal/listener.ts";
import { builderHandlers } from "./internal/services/builder.ts";
import type { ServiceEnv } from "./internal/services/common.ts";
import { configSourcerHandlers } from "./internal/services/config_sourcer.ts";
import { mapperHandlers } from "./internal/services/mapper.ts";
import { platformHandlers } from "./internal/services/platform.ts";
import { registryHandlers } from "./internal/services/registry.ts";
import { releaseManagerHandlers } from "./internal/services/release_manager.ts";
import { taskLauncherHandlers } from "./internal/services/task_launcher.ts";
import { addGoPluginServices } from "./internal/services/go_plugin.ts";
import {
  absentComponentHandlers,
  NOT_IMPLEMENTED,
  SDK_SERVICES,
  type SdkService,
} from "./internal/services/defaults.ts";
import { secrets } from "./internal/secrets.ts";
import { installStdoutGuard, writeStdoutOnce } from "./internal/stdout_guard.ts";
import { createLogger, formatLogLine, type Logger, type LogLevel, writeStderr } from "./logger.ts";
import { PluginError } from "./errors.ts";
import { INIT_ERROR_MESSAGE, StartupError } from "./internal/startup_error.ts";

/** The magic cookie Waypoint sets in `WAYPOINT_PLUGIN`. */
export const MAGIC_COOKIE_KEY = "WAYPOINT_PLUGIN";
/** Its value. */
export const MAGIC_COOKIE_VALUE =
  "be6c1928786a4df0222c13eef44ac846da2c0d461d99addc93f804601c6b7205";

/** The message go-plugin prints when a plugin is run by hand. */
export const NOT_A_PLUGIN_MESSAGE =
  "This binary is a plugin. These are not meant to be executed directly.\n" +
  "Please execute the program that consumes these plugins, which will\n" +
  "load any plugins automatically\n";

/** How long the plugin waits for Shutdown after the host's broker stream ends. */
const HOST_GONE_MS = 1500;

/** The components a plugin offers; each is optional, at least one is needed. */
export interface PluginComponents {
  /** The Builder (`build { use "<name>" { … } }`). */
  builder?: Builder;
  /** The Registry (`registry { use "<name>" { … } }` inside `build`). */
  registry?: Registry;
  /** The Platform (`deploy { use "<name>" { … } }`). */
  platform?: Platform;
  /** The ReleaseManager (`release { use "<name>" { … } }`). */
  releaseManager?: ReleaseManager;
  /** The TaskLauncher (runner profiles' `plugin_type`). */
  taskLauncher?: TaskLauncher;
  /** The ConfigSourcer (`config { … }` dynamic sources; see its docs for Waypoint 0.11's limits). */
  configSourcer?: ConfigSourcer;
  /** Converters Waypoint may use between message types. */
  mappers?: Mapper[];
}

const KINDS = {
  builder: "builder",
  registry: "registry",
  platform: "platform",
  releaseManager: "releasemanager",
  taskLauncher: "tasklauncher",
  configSourcer: "configsourcer",
} as const;

const DEFINE = {
  builder: "defineBuilder",
  registry: "defineRegistry",
  platform: "definePlatform",
  releaseManager: "defineReleaseManager",
  taskLauncher: "defineTaskLauncher",
  configSourcer: "defineConfigSourcer",
} as const;

/** Options for {@linkcode serve}. */
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

function checkComponents(components: PluginComponents): void {
  if (!components || typeof components !== "object") {
    throw new TypeError("serve() needs the plugin's components, e.g. serve({ builder })");
  }
  const known = [...Object.keys(KINDS), "mappers"];
  for (const key of Object.keys(components)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `serve() got an unknown component "${key}": the components are ${known.join(", ")}`,
      );
    }
  }
  const present = Object.entries(components).filter(([, v]) => v !== undefined);
  if (present.length === 0 || (present.length === 1 && components.mappers?.length === 0)) {
    throw new TypeError("serve() needs at least one component, e.g. serve({ builder })");
  }
  for (const [key, kind] of Object.entries(KINDS)) {
    const c = components[key as keyof typeof KINDS] as { kind?: string } | undefined;
    if (c !== undefined && c?.kind !== kind) {
      throw new TypeError(
        `serve({ ${key} }) needs a value made by ${DEFINE[key as keyof typeof DEFINE]}()`,
      );
    }
  }
  if (components.mappers !== undefined) {
    if (
      !Array.isArray(components.mappers) || components.mappers.some((m) => m?.kind !== "mapper")
    ) {
      throw new TypeError("serve({ mappers }) needs an array of values made by defineMapper()");
    }
  }
}

/** A running plugin, for tests and embedders. */
export interface RunningPlugin {
  /** `unix` or `tcp`. */
  network: string;
  /** Where the plugin listens. */
  address: string;
  /** With AutoMTLS: our certificate for handshake field 6 (base64 DER, no padding). */
  serverCert?: string;
  /** Stops serving and removes the socket. */
  stop(): Promise<void>;
  /** Resolves when the plugin has stopped. */
  done: Promise<void>;
}

/**
 * Serves the plugin's components to Waypoint: checks the magic cookie,
 * listens, prints the handshake line and answers RPCs until the host shuts
 * it down, then exits. Run by hand (without the cookie) it prints go-plugin's
 * message to stderr and exits with status 1.
 *
 * @example The gobuilder's main.ts
 * ```ts ignore
 * import { serve } from "@x/waypoint-plugin";
 * import { builder } from "./builder.ts";
 * await serve({ builder });
 * ```
 */
export async function serve(
  components: PluginComponents,
  options: ServeOptions = {},
): Promise<void> {
  checkComponents(components);
  const debug = options.debug ?? Deno.args.includes("--debug");
  if (!debug && Deno.env.get(MAGIC_COOKIE_KEY) !== MAGIC_COOKIE_VALUE) {
    writeStderr(new TextEncoder().encode(NOT_A_PLUGIN_MESSAGE));
    Deno.exit(1);
  }
  // PLUGIN_PROTOCOL_VERSIONS: the Waypoint SDK has only version 1, so we always answer 1 —
  // a host without it reports the mismatch itself, as with Go plugins.
  let running: RunningPlugin;
  try {
    running = await start(components, {
      ...options,
      debug,
      transport: envChoice("WAYPOINT_PLUGIN_TRANSPORT", ["unix", "tcp"]) ?? options.transport,
      logLevel:
        envChoice("WAYPOINT_PLUGIN_LOG_LEVEL", ["trace", "debug", "info", "warn", "error"]) ??
          options.logLevel,
    });
  } catch (err) {
    // As go-plugin's Serve: one "plugin init error" line, then it returns and the Go SDK's Main
    // with it, so a Go plugin exits 0 here too. The host reports that the plugin exited before
    // it could connect; the line says why.
    reportStartupFailure(err);
    Deno.exit(0);
  }
  if (debug) {
    writeStdoutOnce(reattachInstructions(running, pluginName(options)));
  } else {
    // A go-plugin >= 1.6 host that asks for multiplexing gets a clear "not supported" from its
    // own check when field 7 says false; Waypoint's v1.4.3 host never asks, and must not see it.
    const mux = Deno.env.get("PLUGIN_MULTIPLEX_GRPC") ? "|false" : "";
    writeStdoutOnce(
      `1|1|${running.network}|${running.address}|grpc|${running.serverCert ?? ""}${mux}\n`,
    );
  }
  await running.done;
  Deno.exit(0);
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
export function reattachValue(running: RunningPlugin, name: string): string {
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

function reattachInstructions(running: RunningPlugin, name: string): string {
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

/** Starts serving without the cookie check, handshake line or exit: the testable core of {@linkcode serve}. */
export async function start(
  components: PluginComponents,
  options: ServeOptions = {},
): Promise<RunningPlugin> {
  checkComponents(components);
  const name = pluginName(options);
  const logger = createLogger("plugin", {
    level: options.logLevel ?? "debug",
    redact: (text) => secrets.redact(text),
  });
  installStdoutGuard(logger);
  routeGrpcLogs(logger.named("grpc"));

  // A go-plugin host with AutoMTLS passes its certificate; then every connection is mutual TLS.
  const mtls = await startMtls(Deno.env.get("PLUGIN_CLIENT_CERT"));
  const server = new grpc.Server(CHANNEL_OPTIONS);
  const broker = new Broker();
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => resolveDone = r);
  let stopping: Promise<void> | undefined;
  let listener: Awaited<ReturnType<typeof listen>>;
  /**
   * Stops serving. The host's Shutdown asks for it at once (as a Go plugin's
   * server.Stop() does: the host is closing the connection anyway, and every
   * millisecond here is paid per plugin process); SIGTERM lets RPCs in flight
   * finish for up to half a second.
   */
  const stop = (how: "now" | "graceful" = "graceful"): Promise<void> => {
    stopping ??= (async () => {
      // Abort operations in flight so their child processes die with us.
      await abortAll("the plugin is shutting down", 1000);
      if (how === "now") {
        server.forceShutdown();
        broker.closeNow();
      } else {
        const force = setTimeout(() => server.forceShutdown(), 500);
        await Promise.all([
          broker.close(),
          new Promise<void>((r) => server.tryShutdown(() => r())),
        ]);
        clearTimeout(force);
      }
      listener?.removeSync();
      resolveDone();
    })();
    return stopping;
  };
  // The host's StartStream ends when it closes the broker (Kill) or dies. After
  // Kill, Shutdown follows at once; if it does not, the host is gone: exit
  // rather than linger as Go plugins do.
  broker.onEnd = () => {
    if (options.debug) return; // A debugged plugin outlives its hosts.
    const timer = setTimeout(() => {
      logger.warn("the host closed its connection without shutting the plugin down; exiting");
      void stop();
    }, HOST_GONE_MS);
    done.then(() => clearTimeout(timer));
  };
  // Ctrl-C reaches the whole process group; the host decides when we stop.
  // In debug mode the user runs the plugin by hand, and Ctrl-C stops it.
  const onSigint = options.debug ? () => void stop() : () => {};
  Deno.addSignalListener("SIGINT", onSigint);
  // A promise the author forgot to await must not take the plugin down mid-operation (and leave
  // its socket behind): log it and keep serving.
  const onRejection = (e: PromiseRejectionEvent) => {
    e.preventDefault();
    logger.error("unhandled promise rejection in the plugin", { error: String(e.reason) });
  };
  globalThis.addEventListener("unhandledrejection", onRejection);
  // Whatever ends the process, the socket and its directory go with it.
  const onUnload = () => {
    listener?.removeSync();
    broker.closeNow();
  };
  globalThis.addEventListener("unload", onUnload);
  const onSigterm = () => void stop();
  Deno.addSignalListener("SIGTERM", onSigterm);
  done.then(() => {
    globalThis.removeEventListener("unhandledrejection", onRejection);
    globalThis.removeEventListener("unload", onUnload);
    Deno.removeSignalListener("SIGTERM", onSigterm);
    Deno.removeSignalListener("SIGINT", onSigint);
  });

  addGoPluginServices(server, broker, () => void stop("now"));
  addService(server, "hashicorp.waypoint.sdk.Mapper", mapperHandlers(components.mappers ?? []));
  const env = (key: keyof typeof KINDS): ServiceEnv => ({
    broker,
    runtime: new ComponentRuntime(
      KINDS[key],
      (components[key] as { definition: ComponentDefinition }).definition,
      logger,
      name,
      components.mappers,
    ),
  });
  const services: Record<SdkService, () => Record<string, grpc.UntypedHandleCall>> = {
    Builder: () => builderHandlers(components.builder!, env("builder")),
    Registry: () => registryHandlers(components.registry!, env("registry")),
    Platform: () => platformHandlers(components.platform!, env("platform")),
    ReleaseManager: () => releaseManagerHandlers(components.releaseManager!, env("releaseManager")),
    TaskLauncher: () => taskLauncherHandlers(components.taskLauncher!, env("taskLauncher")),
    ConfigSourcer: () => configSourcerHandlers(components.configSourcer!, env("configSourcer")),
  };
  const keyOf: Record<SdkService, keyof typeof KINDS> = {
    Builder: "builder",
    Registry: "registry",
    Platform: "platform",
    ReleaseManager: "releaseManager",
    TaskLauncher: "taskLauncher",
    ConfigSourcer: "configSourcer",
  };
  for (const service of SDK_SERVICES) {
    const handlers = components[keyOf[service]]
      ? services[service]()
      : absentComponentHandlers(service);
    addService(server, `hashicorp.waypoint.sdk.${service}`, handlers, NOT_IMPLEMENTED[service]);
  }

  try {
    listener = await listen(server, options.transport);
  } catch (err) {
    // listen() removed what it made; nothing else of this start may outlive it either.
    server.forceShutdown();
    broker.closeNow();
    resolveDone();
    throw err;
  }
  logger.debug("plugin serving", {
    network: listener.network,
    address: listener.address,
    plugin: name,
    // Milliseconds since the process started: what start-up costs before the handshake.
    startup_ms: Math.round(performance.now() * 10) / 10,
  });
  return {
    network: listener.network,
    address: listener.address,
    serverCert: mtls ? handshakeCert(mtls.own.der) : undefined,
    stop,
    done,
  };
}
