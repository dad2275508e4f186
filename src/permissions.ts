/**
 * What a plugin process is given by default, wherever the toolkit starts or
 * builds one: `deno compile` and `install --dev` (src/tools), the test host
 * (src/testing) and this repository's launchers. A module of its own so that
 * the test host need not import the tools, nor the tools the test host.
 *
 * @module
 */

/** Permission names `--allow` and deno.json `waypoint.permissions` accept. */
export const PERMISSION_NAMES: readonly string[] = [
  "env",
  "read",
  "write",
  "net",
  "run",
  "sys",
  "ffi",
  "import",
  "all",
];

/**
 * The environment variables a plugin reads before its author's code runs:
 * `serve()`'s (the magic cookie `WAYPOINT_PLUGIN`, `WAYPOINT_PLUGIN_*`,
 * go-plugin's `PLUGIN_*` and `TMPDIR`) and grpc-js's, which it reads when it
 * is loaded (`GRPC_*`) and when it dials the host over TCP (the proxy
 * variables). Deno matches a name ending in `*` as a prefix.
 */
export const SERVE_ENV: readonly string[] = [
  "WAYPOINT_PLUGIN",
  "WAYPOINT_PLUGIN_*",
  "PLUGIN_*",
  "TMPDIR",
  "GRPC_*",
  "grpc_proxy",
  "https_proxy",
  "http_proxy",
  "no_grpc_proxy",
  "no_proxy",
];

/**
 * Where a plugin's unix socket (and the host's broker socket, which go-plugin
 * makes in `TMPDIR`) go on `os` unless `TMPDIR` says otherwise: `/tmp` on
 * Linux, `/var/folders/…/T` on macOS (both also under `/private`). Windows
 * plugins listen on TCP and need none.
 */
export function tempDirs(os: string): string[] {
  if (os === "windows") return [];
  if (os === "darwin") return ["/tmp", "/private/tmp", "/var/folders", "/private/var/folders"];
  return ["/tmp"];
}

/**
 * The permission specs `serve()` itself needs on `os`, which every launcher
 * and `deno compile` of the toolkit grant on top of what the author declares:
 * its environment variables ({@linkcode SERVE_ENV}); read and write of the
 * temp dir, where the socket's private directory is made and the host's
 * broker socket lies, and read of `/etc/group`; and the network. Net is unscoped on Linux and macOS:
 * Deno scopes a unix socket to one exact path (`net=unix:/tmp/x.sock`, no
 * prefix), and both sockets get random names at start. On Windows every
 * connection is TCP on 127.0.0.1.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { servePermissions } from "./permissions.ts";
 * assert(servePermissions("linux").includes("read=/tmp,/etc/group"));
 * ```
 */
export function servePermissions(os: string): string[] {
  const dirs = tempDirs(os).join(",");
  return [
    `env=${SERVE_ENV.join(",")}`,
    // /etc/group: a PLUGIN_UNIX_SOCKET_GROUP given by name is looked up there.
    ...(dirs ? [`read=${dirs},/etc/group`, `write=${dirs}`] : []),
    os === "windows" ? "net=127.0.0.1" : "net",
  ];
}

/** A spec's name and its scope (`undefined`: unscoped), e.g. `net=a,b` → `["net", ["a", "b"]]`. */
function splitSpec(spec: string): [string, string[] | undefined] {
  const eq = spec.indexOf("=");
  if (eq < 0) return [spec, undefined];
  return [spec.slice(0, eq), spec.slice(eq + 1).split(",").filter(Boolean)];
}

/**
 * Merges permission specs into one per name, in {@linkcode PERMISSION_NAMES}
 * order: scopes are joined (`read=/tmp` + `read=.` → `read=/tmp,.`), an
 * unscoped spec wins over scoped ones, and `all` replaces everything. Deno
 * takes one `--allow-<name>` per name, so the base and the author's specs
 * must become one flag each.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { mergePermissions } from "./permissions.ts";
 * const merged = mergePermissions(["read=/tmp", "net", "read=.", "run=go"]);
 * assert(merged.join(" ") === "read=/tmp,. net run=go");
 * ```
 */
export function mergePermissions(specs: readonly string[]): string[] {
  const scopes = new Map<string, Set<string> | null>();
  for (const spec of specs) {
    const [name, scope] = splitSpec(spec);
    if (name === "all") return ["all"];
    const had = scopes.get(name);
    if (scope === undefined || had === null) scopes.set(name, null);
    else scopes.set(name, new Set([...(had ?? []), ...scope]));
  }
  const order = (n: string) => {
    const i = PERMISSION_NAMES.indexOf(n);
    return i < 0 ? PERMISSION_NAMES.length : i;
  };
  return [...scopes.entries()]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([name, scope]) => scope ? `${name}=${[...scope].join(",")}` : name);
}

/**
 * The `deno` flags of a plugin on `os`: {@linkcode servePermissions} and the
 * author's `declared` specs, merged (see {@linkcode mergePermissions}).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { pluginPermissionFlags } from "./permissions.ts";
 * const flags = pluginPermissionFlags(["run=go"], "linux");
 * assert(flags.includes("--allow-run=go") && !flags.includes("--allow-sys"));
 * ```
 */
export function pluginPermissionFlags(declared: readonly string[], os: string): string[] {
  return mergePermissions([...servePermissions(os), ...declared]).map(allowFlag);
}

/**
 * {@linkcode pluginPermissionFlags} for a plugin started on this machine (the
 * `install --dev` launcher, the test host, this repository's launchers): on
 * this OS, and with read and write of the `TMPDIR` and
 * `PLUGIN_UNIX_SOCKET_DIR` it will see (those in `env`, else this process's),
 * where they are set elsewhere than the temp dirs {@linkcode tempDirs} names.
 */
export function localPermissionFlags(
  declared: readonly string[],
  env: Record<string, string> = {},
): string[] {
  const os = Deno.build.os;
  const dirs = ["TMPDIR", "PLUGIN_UNIX_SOCKET_DIR"].map((v) => env[v] ?? readEnv(v))
    .filter((d): d is string => !!d && !tempDirs(os).some((t) => within(d, t)));
  const local = dirs.flatMap((d) => [`read=${d}`, `write=${d}`]);
  return pluginPermissionFlags([...declared, ...local], os);
}

function readEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // not allowed to look: the defaults will do
  }
}

/** Whether `path` is `dir` or below it. */
function within(path: string, dir: string): boolean {
  const p = path.replace(/\/+$/, "");
  return p === dir || p.startsWith(`${dir}/`);
}

/**
 * The `deno` flag that grants one permission spec: `env` → `--allow-env`,
 * `net=127.0.0.1` → `--allow-net=127.0.0.1`. It checks nothing: specs a user
 * wrote go through compile's `permissionFlags` first.
 */
export function allowFlag(spec: string): string {
  return `--allow-${spec}`;
}

const DENO_DENIAL =
  /^Requires (\w+) access to (?:"(.*)"|(\S+?)),? run again with the --allow-\w+ flag/;

/**
 * What to tell the user for a permission Deno refused (the message of a
 * `Deno.errors.NotCapable`): the access, the spec to add to deno.json and the
 * flag, or `undefined` when `denoMessage` is not one of Deno's.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { missingPermissionHint } from "./permissions.ts";
 * const hint = missingPermissionHint('Requires run access to "go", run again with the --allow-run flag');
 * assert(hint ===
 *   'requires run access to "go"; add "run=go" to waypoint.permissions in deno.json ' +
 *     "(deno flag --allow-run=go)");
 * ```
 */
export function missingPermissionHint(denoMessage: string): string | undefined {
  const m = DENO_DENIAL.exec(denoMessage);
  if (!m) return undefined;
  const name = m[1];
  const value = m[2] ?? m[3];
  const spec = value ? `${name}=${value}` : name;
  return `requires ${name} access${value ? ` to "${value}"` : ""}; add "${spec}" to ` +
    `waypoint.permissions in deno.json (deno flag ${allowFlag(spec)})`;
}

/**
 * V8's heap settings for a plugin, passed as `--v8-flags` wherever the
 * toolkit starts or builds one (`deno compile`, the `install --dev`
 * launcher). V8's defaults suit a busy web server: the young generation
 * grows to 3 × 16 MiB and the old one to up to 4 × what is live. A plugin
 * process serving build after build (debug mode) then grew from 60 to over
 * 200 MiB with 14 MiB live; with a fixed semi-space and 30 % headroom it
 * levels off at 100–120 MiB. The semi-space is 8 MiB from the start: the
 * gobuilder allocates 5–6 MiB from spawn to its BuildSpec answer, which
 * with a 1 MiB semi-space meant five scavenges on every launch (5 % of its
 * instructions), with 4 MiB one, with 8 MiB none.
 * V8 reads them only at start-up.
 */
export const PLUGIN_V8_FLAGS: string =
  "--v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30";
