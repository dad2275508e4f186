/**
 * Listeners as go-plugin's server makes them: a unix socket on Linux and
 * macOS, in a directory only this user can enter; TCP on 127.0.0.1 within
 * PLUGIN_MIN_PORT..PLUGIN_MAX_PORT on Windows or when asked.
 */
import type * as grpc from "@grpc/grpc-js";
import { join } from "node:path";
import { serverCredentials } from "./mtls.ts";

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

/** Which transport to listen on. */
export type Transport = "unix" | "tcp";

const defaultTransport: Transport = Deno.build.os === "windows" ? "tcp" : "unix";

function bind(server: grpc.Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, serverCredentials(), (err, port) => {
      if (err) reject(err);
      else resolve(port);
    });
  });
}

function envPort(name: string): number | undefined {
  const v = Deno.env.get(name);
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new RangeError(`${name} must be a port number from 0 to 65535, got "${v}"`);
  }
  return n;
}

async function listenTcp(server: grpc.Server): Promise<Listener> {
  const min = envPort("PLUGIN_MIN_PORT") ?? 0;
  const max = envPort("PLUGIN_MAX_PORT") ?? 0;
  if (max < min) {
    throw new RangeError(
      `PLUGIN_MAX_PORT (${max}) is below PLUGIN_MIN_PORT (${min}): set a range with min <= max`,
    );
  }
  let last: unknown;
  for (let port = min; port <= max; port++) {
    try {
      const bound = await bind(server, `127.0.0.1:${port}`);
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
  throw new Error(
    `Cannot listen on 127.0.0.1 in ports ${min}..${max}: ${(last as Error)?.message}`,
  );
}

async function listenUnix(server: grpc.Server): Promise<Listener> {
  const base = Deno.env.get("PLUGIN_UNIX_SOCKET_DIR") || undefined;
  // A private directory (0700): only this user can reach the socket inside.
  const dir = await Deno.makeTempDir({ dir: base, prefix: "plugin" });
  const address = join(dir, "plugin.sock");
  await bind(server, `unix://${address}`);
  const group = Deno.env.get("PLUGIN_UNIX_SOCKET_GROUP");
  if (group) await shareWithGroup(dir, address, group);
  const removeSync = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  };
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
    const text = await Deno.readTextFile("/etc/group");
    const line = text.split("\n").find((l) => l.split(":")[0] === group);
    if (!line) {
      throw new Error(
        `PLUGIN_UNIX_SOCKET_GROUP names the group "${group}", which does not exist: use a group name from /etc/group or a numeric id`,
      );
    }
    gid = Number(line.split(":")[2]);
  }
  await Deno.chown(dir, null, gid);
  await Deno.chown(socket, null, gid);
  await Deno.chmod(dir, 0o750);
  await Deno.chmod(socket, 0o660);
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

/** Binds `server` on a new listener of the current transport. */
export function listen(
  server: grpc.Server,
  transport: Transport = defaultTransport,
): Promise<Listener> {
  return transport === "tcp" ? listenTcp(server) : listenUnix(server);
}
