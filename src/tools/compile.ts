/**
 * `compile`: builds a plugin's release binaries with `deno compile` — one per
 * target Deno can compile for, with the plugin's permissions baked in and
 * prompts off (a prompt would read Waypoint's own stdin) — plus a zip per
 * target and a `SHA256SUMS` file.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/compile --name gobuilder            # every target
 * deno run -A jsr:@x/waypoint-plugin/compile --target linux_amd64 --dry-run
 * ```
 *
 * Layout (Go's `<os>_<arch>` names, as HashiCorp's plugin Makefiles use):
 *
 * ```
 * bin/linux_amd64/waypoint-plugin-<name>
 * bin/windows_amd64/waypoint-plugin-<name>.exe   (and waypoint-plugin-<name>: see below)
 * bin/waypoint-plugin-<name>_<version>_<os>_<arch>.zip
 * bin/SHA256SUMS
 * ```
 *
 * Waypoint 0.11 compares `runtime.GOOS == "windows "` (with a space), so on
 * Windows it probes `waypoint-plugin-<name>` without `.exe`; Go's `os/exec`
 * then resolves that path through `PATHEXT` to the `.exe`. Windows targets
 * therefore get both names.
 *
 * The module also exports the pure parts (target table, invocations,
 * permissions, `SHA256SUMS` text, a ZIP writer and reader) that `install`
 * and tests use. They live in `compile/`, one file per concern: `targets`,
 * `project` (name, version, deno.json), `permissions`, `invocations`,
 * `runtime` (denort), `zip`, `checksums`, `build` (the runs) and `command`.
 *
 * @module
 */
export { UsageError } from "./cli.ts";
export { shellQuote } from "./cli.ts";
export {
  mergePermissions,
  missingPermissionHint,
  PERMISSION_NAMES,
  PLUGIN_V8_FLAGS,
  pluginPermissionFlags,
  servePermissions,
} from "../permissions.ts";
export {
  findTarget,
  hostTarget,
  parseTargets,
  type Target,
  type TargetArch,
  targetList,
  type TargetOs,
  TARGETS,
} from "./compile/targets.ts";
export {
  checkPluginName,
  defaultPluginName,
  type ProjectConfig,
  readProjectConfig,
} from "./compile/project.ts";
export { parseAllowValues, permissionFlags, resolvePermissions } from "./compile/permissions.ts";
export {
  binaryName,
  compileInvocations,
  type CompileOptions,
  type Invocation,
  zipName,
} from "./compile/invocations.ts";
export { sha256Hex, sha256sums } from "./compile/checksums.ts";
export { zip, zipEntries, type ZipEntry, type ZipListing } from "./compile/zip.ts";
export {
  cachedRuntimePath,
  DENO_CLI_MARKERS,
  denortUrl,
  executableKind,
  isDenoCli,
  runtimeFailure,
  runtimeFromEnv,
  runtimeVariable,
} from "./compile/runtime.ts";
export { HELP, main } from "./compile/command.ts";
import { main } from "./compile/command.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
