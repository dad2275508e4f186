/**
 * What `serve()` checks before it starts: the permissions it needs itself
 * (its environment variables, read and write of the socket's folders, the
 * network), asked with `Deno.permissions.querySync`, which never prompts and
 * costs microseconds. A missing one would otherwise surface as a bare
 * NotCapable stack on stderr and, in the host, go-plugin's empty
 * "Unrecognized remote plugin message". Deliberately small and free of
 * grpc-js: `permission_guard.ts` loads it before grpc-js is evaluated.
 *
 * @module
 */
import { allowFlag, SERVE_ENV } from "../permissions.ts";
import { formatLogLine, writeStderr } from "../logger.ts";
import { INIT_ERROR_MESSAGE } from "../internal/startup_error.ts";

/** The variables `serve()` reads, by exact name (SERVE_ENV has them as patterns). */
const SERVE_READS = [
  "WAYPOINT_PLUGIN",
  "WAYPOINT_PLUGIN_TRANSPORT",
  "WAYPOINT_PLUGIN_LOG_LEVEL",
  "PLUGIN_UNIX_SOCKET_DIR",
  "TMPDIR",
  "PLUGIN_UNIX_SOCKET_GROUP",
  "PLUGIN_MIN_PORT",
  "PLUGIN_MAX_PORT",
  "PLUGIN_CLIENT_CERT",
  "PLUGIN_MULTIPLEX_GRPC",
];

/** A permission the plugin lacks, and how to grant it. */
export interface MissingPermission {
  /** What to say, naming the flag and the deno.json entry. */
  readonly message: string;
  /** The `deno` flags that grant it. */
  readonly flags: readonly string[];
}

const ENV_FLAG = allowFlag(`env=${SERVE_ENV.join(",")}`);

function granted(desc: Deno.PermissionDescriptor): boolean {
  return Deno.permissions.querySync(desc).state === "granted";
}

/** The message for an environment variable the plugin may not read, before or by serve(). */
export function missingEnv(variable: string): MissingPermission {
  return {
    message: `The plugin may not read the environment variable "${variable}", which it ` +
      `reads before it serves: start it with ${ENV_FLAG} (compile and install --dev add it)`,
    flags: [ENV_FLAG],
  };
}

function missingDir(dir: string, variable: string): MissingPermission {
  const flags = [allowFlag(`read=${dir}`), allowFlag(`write=${dir}`)];
  return {
    message: `The plugin may not read and write "${dir}" (${variable}), where its unix socket ` +
      `goes: add "read=${dir}" and "write=${dir}" to waypoint.permissions in deno.json ` +
      `(deno flags ${flags.join(" ")})`,
    flags,
  };
}

function missingGroupFile(group: string): MissingPermission {
  const flag = allowFlag("read=/etc/group");
  return {
    message: `The plugin may not read "/etc/group", where the group "${group}" ` +
      `(PLUGIN_UNIX_SOCKET_GROUP) is looked up: start it with ${flag} (compile and install ` +
      `--dev add it), or give the group's number`,
    flags: [flag],
  };
}

function missingNet(scope: string | undefined): MissingPermission {
  const flag = allowFlag(scope ? `net=${scope}` : "net");
  const why = scope
    ? `its TCP listener and the host's broker on ${scope} need`
    : "its unix socket and the host's need (Deno scopes a unix socket to one exact path, and " +
      "both get random names at start)";
  return {
    message: `The plugin may not use the network, which ${why}: start it with ${flag} ` +
      `(compile and install --dev add it)`,
    flags: [flag],
  };
}

/**
 * The first permission `serve()` needs that the process lacks, or
 * `undefined`. `transport` is the transport asked for (the environment's
 * `WAYPOINT_PLUGIN_TRANSPORT` wins, as in serve()); on Windows every
 * connection is TCP on 127.0.0.1.
 */
export function missingServePermission(
  transport: string | undefined,
  os: string = Deno.build.os,
): MissingPermission | undefined {
  for (const variable of SERVE_READS) {
    if (!granted({ name: "env", variable })) return missingEnv(variable);
  }
  if (os === "windows") {
    return granted({ name: "net", host: "127.0.0.1" }) ? undefined : missingNet("127.0.0.1");
  }
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  const socketDir = Deno.env.get("PLUGIN_UNIX_SOCKET_DIR");
  // The host (go-plugin 1.4.3) makes its broker sockets in its TMPDIR, which the plugin inherits.
  const dirs: [string, string][] = [[tmp, "TMPDIR"]];
  const chosen = Deno.env.get("WAYPOINT_PLUGIN_TRANSPORT") || transport || "unix";
  if (socketDir && chosen === "unix") dirs.push([socketDir, "PLUGIN_UNIX_SOCKET_DIR"]);
  for (const [dir, variable] of dirs) {
    const ok = granted({ name: "read", path: dir }) && granted({ name: "write", path: dir });
    if (!ok) return missingDir(dir, variable);
  }
  const group = Deno.env.get("PLUGIN_UNIX_SOCKET_GROUP");
  if (group && !/^\d+$/.test(group) && !granted({ name: "read", path: "/etc/group" })) {
    return missingGroupFile(group);
  }
  return granted({ name: "net" }) ? undefined : missingNet(undefined);
}

/**
 * Reports a missing permission where each reader looks: one hclog error on
 * stderr (go-plugin re-logs it in the host's log), and, unless in debug
 * mode, one line on stdout in place of the handshake, which go-plugin 1.4.3
 * puts in the error the host shows ("Unrecognized remote plugin message:
 * <line>"); a plugin that only exits leaves that message empty. It then
 * waits up to {@linkcode LINGER_MS} before returning (the caller exits):
 * go-plugin picks at random between the line and the process's exit when
 * both are there, and kills the process once it has the line.
 */
export function reportMissingPermission(missing: MissingPermission, debug: boolean): void {
  const enc = new TextEncoder();
  writeStderr(enc.encode(formatLogLine("error", "plugin", INIT_ERROR_MESSAGE, {
    error: missing.message,
    flags: missing.flags.join(" "),
  })));
  if (debug) return;
  // go-plugin splits the line on "|": fewer than three keep it a message, not a handshake.
  const line = `${missing.message.replaceAll("|", "/")}\n`;
  const bytes = enc.encode(line);
  let off = 0;
  while (off < bytes.length) {
    try {
      off += Deno.stdout.writeSync(bytes.subarray(off));
    } catch {
      return; // nobody reads stdout: the stderr line has said it
    }
  }
  // Synchronous, as the import-time guard cannot await: nothing else runs meanwhile.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LINGER_MS);
}

/** How long a plugin that reported a missing permission waits for the host to stop it, in ms. */
export const LINGER_MS = 2000;
