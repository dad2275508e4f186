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
 * What a plugin gets unless told otherwise: what the toolkit's `serve()` and a
 * typical builder need (the cookie and config from the environment, a socket
 * in a temp dir, gRPC, child processes such as `go build`, OS info).
 */
export const DEFAULT_PERMISSIONS: readonly string[] = ["env", "read", "write", "net", "run", "sys"];

/**
 * The `deno` flag that grants one permission spec: `env` → `--allow-env`,
 * `net=127.0.0.1` → `--allow-net=127.0.0.1`. It checks nothing: specs a user
 * wrote go through compile's `permissionFlags` first.
 */
export function allowFlag(spec: string): string {
  return `--allow-${spec}`;
}

/** {@linkcode DEFAULT_PERMISSIONS} as `deno` flags: `--allow-env`, `--allow-read`, … */
export const DEFAULT_PERMISSION_FLAGS: readonly string[] = DEFAULT_PERMISSIONS.map(allowFlag);

/**
 * V8's heap settings for a plugin, passed as `--v8-flags` wherever the
 * toolkit starts or builds one (`deno compile`, the `install --dev`
 * launcher). V8's defaults suit a busy web server: the young generation
 * grows to 3 × 16 MiB and the old one to up to 4 × what is live. A plugin
 * process serving build after build (debug mode) then grew from 60 to over
 * 200 MiB with 14 MiB live; with a 1 MiB semi-space and 30 % headroom it
 * stays near 90 MiB, at the same speed. V8 reads them only at start-up.
 */
export const PLUGIN_V8_FLAGS: string =
  "--v8-flags=--max-semi-space-size=1,--heap-growing-percent=30";
