/**
 * Listeners as go-plugin's server makes them: a unix socket on Linux and
 * macOS, in a directory only this user can enter; TCP on 127.0.0.1 within
 * PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on Windows or when asked.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Credentials } from "./credentials.ts";
import { StartupError } from "./startup_error.ts";

/** A bound listener and how to undo it. */
export interface Listener {
  /** `unix` or `tcp`, as the handshake line and ConnInfo say it. */
  network: "unix" | "tcp";
  /** Socket path, or `127.0.0.1:port`. */
  address: string;
  /** Stops the server and removes the socket and its directory. */
  close(): Promise<void>;
  /** Removes the socket and its directory at once (for exit paths that cannot wait). */
  removeSync(): void;
  /** Stops the server at once, dropping connections, and removes the socket. */
  closeNow(): void;
}

/**
 * Which transport to listen on.
 *
 * @example Serve over TCP
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, protoFile, start, type Transport } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const transport: Transport = "tcp"; // what go-plugin uses on Windows
 * const running = await start({ builder }, { transport, logLevel: "error" });
 * assert.match(running.address, /^127\.0\.0\.1:\d+$/);
 * await running.stop();
 * ```
 */
export type Transport = "unix" | "tcp";

/**
 * go-plugin's listener settings, as the values of its environment variables
 * (the process layer reads them; errors name the variable a value came from).
 *
 * @example Keep the socket in a directory of your own
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, type ListenEnv, protoFile, start } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { path: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const socketDir = await Deno.makeTempDir();
 * const listen: ListenEnv = { socketDir }; // as PLUGIN_UNIX_SOCKET_DIR would set it
 * const running = await start({ builder }, { transport: "unix", listen, logLevel: "error" });
 * assert(running.address.startsWith(socketDir));
 * await running.stop();
 * await Deno.remove(socketDir, { recursive: true });
 * ```
 */
export interface ListenEnv {
  /** `PLUGIN_UNIX_SOCKET_DIR`: where the socket's private directory goes. */
  socketDir?: string;
  /** `TMPDIR`: where it goes otherwise. Default: `/tmp`. */
  tmpDir?: string;
  /** `PLUGIN_UNIX_SOCKET_GROUP`: a group (name or id) that may use the socket too. */
  socketGroup?: string;
  /** `PLUGIN_MIN_PORT`: the lowest TCP port. Default: no bound (the OS picks the port). */
  minPort?: string;
  /** `PLUGIN_MAX_PORT`: the highest TCP port. Default: no bound. */
  maxPort?: string;
}

/** What {@linkcode listen} needs: the transport, the credentials and go-plugin's settings. */
export interface ListenOptions extends ListenEnv {
  /** `unix` or `tcp`. Default: `unix`, or `tcp` on Windows. */
  transport?: Transport;
  /** How connections are secured. */
  credentials: Credentials;
}

const defaultTransport: Transport = Deno.build.os === "windows" ? "tcp" : "unix";

function bind(server: grpc.Server, address: string, creds: Credentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds.server(), (err, port) => {
      if (err) reject(err);
      else resolve(port);
    });
  });
}

function envPort(name: string, v: string | undefined): number | undefined {
  if (!v) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v.trim()) || !Number.isInteger(n) || n > 65535) {
    throw new StartupError(
      name,
      v,
      `${name} is "${v}", which is not a port number: set it to a whole number from 0 to 65535, or unset it`,
    );
  }
  return n;
}

async function listenTcp(server: grpc.Server, options: ListenOptions): Promise<Listener> {
  const min = envPort("PLUGIN_MIN_PORT", options.minPort) ?? 0;
  const max = envPort("PLUGIN_MAX_PORT", options.maxPort) ?? 0;
  if (max < min) {
    throw new StartupError(
      "PLUGIN_MIN_PORT",
      String(min),
      `PLUGIN_MIN_PORT is "${min}" and PLUGIN_MAX_PORT is "${max}", so no port is allowed: set PLUGIN_MIN_PORT to at most PLUGIN_MAX_PORT`,
    );
  }
  let last: unknown;
  for (let port = min; port <= max; port++) {
    try {
      const bound = await bind(server, `127.0.0.1:${port}`, options.credentials);
      return {
        network: "tcp",
        address: `127.0.0.1:${bound}`,
        close: () => shutdown(server),
        removeSync: () => {},
        closeNow: () => server.forceShutdown(),
      };
    } catch (err) {
      last = err;
    }
  }
  throw new StartupError(
    "PLUGIN_MIN_PORT",
    String(min),
    `Cannot listen on 127.0.0.1 in ports ${min}..${max} (PLUGIN_MIN_PORT..PLUGIN_MAX_PORT): ${
      (last as Error)?.message
    }: widen the range or free a port in it`,
  );
}

/**
 * The longest unix socket path, in bytes: `sun_path` holds 108 bytes on
 * Linux and 104 on macOS and the BSDs, the terminating NUL included.
 */
export const MAX_SOCKET_PATH: number = ["darwin", "freebsd", "netbsd", "openbsd"].includes(
    Deno.build.os,
  )
  ? 103
  : 107;

/** What the socket path adds to its base directory, at most: `/plugin<16 hex>/plugin.sock`. */
const SOCKET_SUFFIX = "/plugin".length + 16 + "/plugin.sock".length;

/** Where the socket's directory goes, and which variable said so. */
function socketBase(options: ListenEnv): { variable: string; base: string } {
  const dir = options.socketDir;
  if (dir) return { variable: "PLUGIN_UNIX_SOCKET_DIR", base: dir };
  const tmp = options.tmpDir;
  if (tmp) return { variable: "TMPDIR", base: tmp };
  return { variable: "TMPDIR", base: "/tmp" };
}

/**
 * A private directory (0700) under the base: only this user can reach the socket inside.
 * Synchronous: two calls that return at once, where each await would cost a turn of the
 * event loop before the handshake.
 */
function makeSocketDir(variable: string, base: string): string {
  const fail = (why: string, cause?: unknown): never => {
    throw new StartupError(
      variable,
      base,
      `${variable} is "${base}", ${why}: set ${variable} to a directory this user can write${
        variable === "PLUGIN_UNIX_SOCKET_DIR" ? ", or unset it" : ""
      }`,
      { cause },
    );
  };
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.statSync(base);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) fail("which does not exist", err);
  }
  if (info && !info.isDirectory) fail("which is not a directory");
  try {
    return Deno.makeTempDirSync({ dir: base, prefix: "plugin" });
  } catch (err) {
    return fail(`where the socket's directory cannot be made (${(err as Error).message})`, err);
  }
}

async function listenUnix(server: grpc.Server, options: ListenOptions): Promise<Listener> {
  const { variable, base } = socketBase(options);
  const dir = makeSocketDir(variable, base);
  const removeSync = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  };
  // Unix sockets only: a "/" path.
  const address = `${dir}/plugin.sock`;
  try {
    const bytes = new TextEncoder().encode(address).length;
    if (bytes > MAX_SOCKET_PATH) {
      throw new StartupError(
        variable,
        base,
        `${variable} is "${base}", too long for a unix socket: "${address}" is ${bytes} bytes, over this OS's limit of ${MAX_SOCKET_PATH}: set ${
          variable === "TMPDIR" ? "PLUGIN_UNIX_SOCKET_DIR or TMPDIR" : variable
        } to a directory of at most ${MAX_SOCKET_PATH - SOCKET_SUFFIX} bytes`,
      );
    }
    await bind(server, `unix://${address}`, options.credentials);
    const group = options.socketGroup;
    if (group) await shareWithGroup(dir, address, group);
  } catch (err) {
    // Nothing of a listener that failed may stay behind.
    removeSync();
    throw err;
  }
  return {
    network: "unix",
    address,
    close: async () => {
      await shutdown(server);
      removeSync();
    },
    removeSync,
    closeNow: () => {
      server.forceShutdown();
      removeSync();
    },
  };
}

async function shareWithGroup(dir: string, socket: string, group: string): Promise<void> {
  let gid = Number(group);
  if (!Number.isInteger(gid)) {
    const text = await Deno.readTextFile("/etc/group").catch(() => "");
    const line = text.split("\n").find((l) => l.split(":")[0] === group);
    if (!line) {
      throw new StartupError(
        "PLUGIN_UNIX_SOCKET_GROUP",
        group,
        `PLUGIN_UNIX_SOCKET_GROUP is "${group}", which is not a group on this system: use a group name from /etc/group or a numeric id, or unset it`,
      );
    }
    gid = Number(line.split(":")[2]);
  }
  try {
    await Deno.chown(dir, null, gid);
    await Deno.chown(socket, null, gid);
    await Deno.chmod(dir, 0o750);
    await Deno.chmod(socket, 0o660);
  } catch (err) {
    throw new StartupError(
      "PLUGIN_UNIX_SOCKET_GROUP",
      group,
      `PLUGIN_UNIX_SOCKET_GROUP is "${group}", but the socket cannot be given to that group (${
        (err as Error).message
      }): use a group this user belongs to, or unset it`,
      { cause: err },
    );
  }
}

function shutdown(server: grpc.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 500);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Binds `server` on a new listener of the transport `options` name. */
export function listen(server: grpc.Server, options: ListenOptions): Promise<Listener> {
  return (options.transport ?? defaultTransport) === "tcp"
    ? listenTcp(server, options)
    : listenUnix(server, options);
}
