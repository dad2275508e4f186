/**
 * The serving core: one gRPC server speaking go-plugin's and the SDK's
 * services for a plugin's components, with everything it needs of its own —
 * listener, broker, logger, secrets, operations in flight, TLS. It reads no
 * environment variable, patches nothing and installs no process handler, so
 * two servers in one process do not touch each other; `serve()` adds the
 * process around it.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { COMPONENT_KINDS, type ComponentKey } from "../components/kinds.ts";
import { createLogger, type Logger, type LogLevel } from "../logger.ts";
import { Broker } from "../internal/broker.ts";
import { ComponentRuntime } from "../internal/component_runtime.ts";
import { type Credentials, INSECURE } from "../internal/credentials.ts";
import { addService, CHANNEL_OPTIONS, type Handlers } from "../internal/grpc.ts";
import { Inflight } from "../internal/inflight.ts";
import { listen, type ListenEnv, type Listener, type Transport } from "../internal/listener.ts";
import { Secrets } from "../internal/secrets.ts";
import * as mtls from "../internal/mtls.ts";
import { addGoPluginServices } from "../internal/services/go_plugin.ts";
import { mapperHandlers } from "../internal/services/mapper.ts";
import { SERVICES } from "../internal/services/mod.ts";
import { absentHandlers, type ServiceEnv, serviceHandlers } from "../internal/services/service.ts";
import { checkComponents, type PluginComponents } from "./components.ts";

export type { ListenEnv, Transport };

/** How long the plugin waits for Shutdown after the host's broker stream ends. */
const HOST_GONE_MS = 1500;

/**
 * Options for {@linkcode start}.
 *
 * @example Serve in-process with a logger of your own
 * ```ts
 * import assert from "node:assert";
 * import {
 *   createLogger,
 *   defineBuilder,
 *   protoFile,
 *   start,
 *   type StartOptions,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const lines: string[] = [];
 * const options: StartOptions = {
 *   name: "demo",
 *   logger: createLogger("demo", { write: (l) => lines.push(l) }),
 *   debug: false, // stop when the host goes away
 * };
 * const running = await start({ builder }, options);
 * await running.stop();
 * assert(lines.every((l) => JSON.parse(l)["@module"].startsWith("demo")));
 * ```
 */
export interface StartOptions {
  /** The plugin's name, used in messages. Default: `plugin`. */
  name?: string;
  /** `unix` or `tcp`. Default: `unix`, or `tcp` on Windows. */
  transport?: Transport;
  /**
   * go-plugin's listener settings (socket directory and group, TCP port
   * range), as the values of their environment variables. Default: none (a
   * socket directory under `tmpDir`, else `/tmp`; the port the OS picks).
   */
  listen?: ListenEnv;
  /**
   * The host's certificate (PEM) for go-plugin's AutoMTLS: every connection
   * is then mutual TLS with a certificate made for this server, which
   * `serverCert` returns. Default: none (no TLS).
   */
  clientCert?: string;
  /**
   * Serve host after host: when a host's broker stream ends without a
   * Shutdown, keep serving (debug mode). Default: `false` (the host is
   * gone, so the server stops after 1.5 s).
   */
  debug?: boolean;
  /** The server's logger. Default: hclog JSON on stderr, at `logLevel`. */
  logger?: Logger;
  /** The lowest level the default logger writes. Default: `debug`, as Go plugins. */
  logLevel?: LogLevel;
}

/** What the serving core takes besides the public options: the process's secrets. */
export interface ServerOptions extends StartOptions {
  /** The sensitive values this server hides. Default: its own. */
  secrets?: Secrets;
  /**
   * Called once the socket is bound and before the services are registered,
   * in the same task: `serve()` prints the handshake line here, so the host
   * dials while the services are being registered, and no request can be
   * read before they are (the event loop does not turn in between).
   */
  onListening?: (address: { network: string; address: string; serverCert?: string }) => void;
}

/**
 * A running plugin server, for tests and embedders.
 *
 * @example Where it listens, and stopping it
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, protoFile, type RunningPlugin, start } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const running: RunningPlugin = await start({ builder }, { logLevel: "error" });
 * assert.ok(running.address.length > 0, `${running.network} ${running.address}`); // what the handshake line carries
 * const stopped = running.stop("now");
 * await running.done;
 * await stopped;
 * if (running.network === "unix") {
 *   await assert.rejects(() => Deno.stat(running.address)); // the socket is removed
 * }
 * ```
 */
export interface RunningPlugin {
  /** `unix` or `tcp`. */
  network: string;
  /** Where the plugin listens. */
  address: string;
  /** With AutoMTLS: our certificate for handshake field 6 (base64 DER, no padding). */
  serverCert?: string;
  /**
   * Stops serving: aborts this server's operations in flight, stops the
   * servers and removes the socket. `now` (what the host's Shutdown asks
   * for) drops connections at once; `graceful` (the default) lets RPCs
   * finish for up to half a second.
   */
  stop(how?: "now" | "graceful"): Promise<void>;
  /** Drops everything at once and removes the sockets, for exit paths that cannot wait. */
  stopNow(): void;
  /** Resolves when the server has stopped. */
  done: Promise<void>;
}

/** The credentials and handshake certificate `clientCert` asks for. */
async function security(
  clientCert: string | undefined,
): Promise<{ credentials: Credentials; serverCert?: string }> {
  if (!clientCert) return { credentials: INSECURE };
  const session = await mtls.startMtls(clientCert);
  if (!session) return { credentials: INSECURE };
  return {
    credentials: mtls.mtlsCredentials(session),
    serverCert: mtls.handshakeCert(session.own.der),
  };
}

/**
 * How a server stops. The host's Shutdown asks for it at once (as a Go
 * plugin's server.Stop() does: the host is closing the connection anyway,
 * and every millisecond here is paid per plugin process); SIGTERM lets RPCs
 * in flight finish for up to half a second.
 */
function stopping(
  server: grpc.Server,
  broker: Broker,
  inflight: Inflight,
  listener: () => Listener | undefined,
): { stop: RunningPlugin["stop"]; done: Promise<void>; resolveDone: () => void } {
  const { promise: done, resolve: resolveDone } = Promise.withResolvers<void>();
  let stopped: Promise<void> | undefined;
  const stop = (how: "now" | "graceful" = "graceful"): Promise<void> => {
    stopped ??= (async () => {
      // Abort operations in flight so their child processes die with us.
      await inflight.abortAll("the plugin is shutting down", 1000);
      if (how === "now") {
        // Not skipped even though serve() exits next: closing the sessions is what makes sure
        // the Shutdown answer has gone out (without it the host sometimes sees Unavailable).
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
      listener()?.removeSync();
      resolveDone();
    })();
    return stopped;
  };
  return { stop, done, resolveDone };
}

/** Handlers of component `key`, over its own definition type. */
function presentHandlers<K extends ComponentKey>(
  key: K,
  components: PluginComponents,
  env: Omit<ServiceEnv, "runtime">,
  runtime: (definition: ComponentRuntime["definition"]) => ComponentRuntime,
): Handlers | undefined {
  const component = components[key];
  if (!component) return undefined;
  const definition = component.definition;
  return serviceHandlers(SERVICES[key], definition, { ...env, runtime: runtime(definition) });
}

/** Registers every service on `server`: go-plugin's, the mappers', each component kind's. */
function addServices(
  server: grpc.Server,
  components: PluginComponents,
  env: Omit<ServiceEnv, "runtime">,
  logger: Logger,
  name: string,
  shutdown: () => void,
): void {
  const { secrets } = env;
  addGoPluginServices(server, env.broker, shutdown, secrets);
  addService(server, "hashicorp.waypoint.sdk.Mapper", mapperHandlers(components.mappers ?? []), {
    secrets,
  });
  for (const kind of COMPONENT_KINDS) {
    const runtime = (definition: ComponentRuntime["definition"]) =>
      new ComponentRuntime({
        kind: kind.kind,
        definition,
        logger,
        pluginName: name,
        mappers: components.mappers,
        secrets,
      });
    const handlers = presentHandlers(kind.key, components, env, runtime) ??
      absentHandlers(kind.service);
    addService(server, `hashicorp.waypoint.sdk.${kind.service}`, handlers, {
      secrets,
      unimplemented: kind.notImplemented,
    });
  }
}

/**
 * The serving core without the process side: makes a gRPC server for the
 * components and listens. It does not check the magic cookie, read the
 * environment, guard stdout, handle signals, print the handshake line or
 * exit — `serve()` does those around it.
 */
export async function createPluginServer(
  components: PluginComponents,
  options: ServerOptions = {},
): Promise<RunningPlugin> {
  checkComponents(components);
  const name = options.name ?? "plugin";
  const secrets = options.secrets ?? new Secrets();
  const logger = options.logger ?? createLogger("plugin", {
    level: options.logLevel ?? "debug",
    redact: (text) => secrets.redact(text),
  });
  const { credentials, serverCert } = await security(options.clientCert);
  const listenOptions = { ...options.listen, transport: options.transport, credentials };
  const server = new grpc.Server(CHANNEL_OPTIONS);
  // The broker's own servers listen as go-plugin's do: the platform's transport, whatever the
  // main server's.
  const brokerListen = { ...options.listen, credentials };
  const broker = new Broker({ listen: (s) => listen(s, brokerListen), credentials });
  const inflight = new Inflight();
  let listener: Listener | undefined;
  const { stop, done, resolveDone } = stopping(server, broker, inflight, () => listener);
  // The host's StartStream ends when it closes the broker (Kill) or dies. After
  // Kill, Shutdown follows at once; if it does not, the host is gone: stop
  // rather than linger as Go plugins do.
  broker.onEnd = () => {
    if (options.debug) return; // A debugged plugin outlives its hosts.
    const timer = setTimeout(() => {
      logger.warn("the host closed its connection without shutting the plugin down; exiting");
      void stop();
    }, HOST_GONE_MS);
    done.then(() => clearTimeout(timer));
  };
  const env = { broker, secrets, inflight, credentials };
  try {
    listener = await listen(server, listenOptions);
    // No await from here to the end of addServices: see onListening.
    options.onListening?.({ network: listener.network, address: listener.address, serverCert });
    addServices(server, components, env, logger, name, () => void stop("now"));
  } catch (err) {
    // listen() removed what it made; nothing else of this start may outlive it either.
    listener?.removeSync();
    server.forceShutdown();
    broker.closeNow();
    resolveDone();
    throw err;
  }
  // go-plugin logs the address at debug level too; written after the handshake line, not before.
  const startupMs = Math.round(performance.now() * 10) / 10;
  const served = { network: listener.network, address: listener.address, plugin: name };
  setTimeout(() => logger.debug("plugin serving", { ...served, startup_ms: startupMs }), 0);
  const bound = listener;
  return {
    network: bound.network,
    address: bound.address,
    serverCert,
    stop,
    stopNow: () => {
      bound.removeSync();
      broker.closeNow();
    },
    done,
  };
}

/**
 * Starts serving `components` in this process without the process side of
 * {@linkcode serve}: no magic cookie check, no environment variables
 * (transport, listener, AutoMTLS and log level come from `options`), no
 * stdout guard, no signal or unhandled-rejection handlers, no handshake
 * line, no exit. Each server has its own listener, broker, logger, secrets
 * and operations in flight, so several can run side by side; the host's
 * `Shutdown` stops the one it is connected to.
 *
 * @example Serve a builder in-process and stop it
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, protoFile, start } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const running = await start({ builder }, { name: "demo", logLevel: "error" });
 * assert(running.network === "unix" || running.network === "tcp");
 * await running.stop();
 * ```
 */
export function start(
  components: PluginComponents,
  options: StartOptions = {},
): Promise<RunningPlugin> {
  return createPluginServer(components, options);
}
