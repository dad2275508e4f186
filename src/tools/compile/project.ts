/**
 * What `compile` and `install` read from the plugin project: its name (the
 * `use "<name>"` label and the file name `waypoint-plugin-<name>`), its
 * version, and `waypoint.permissions`, from its `deno.json`.
 *
 * @module
 */
import { basename, join } from "node:path";
import { UsageError } from "../cli.ts";

const PLUGIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const VERSION = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;

/**
 * The plugin name when `--name` is not given: deno.json `name` without its
 * `@scope/` and a `waypoint-plugin-` prefix, else the folder's name (without
 * that prefix).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { defaultPluginName } from "./project.ts";
 * assert(defaultPluginName("@local/waypoint-plugin-gobuilder", "/x") === "gobuilder");
 * assert(defaultPluginName(undefined, "/src/waypoint-plugin-k8s") === "k8s");
 * ```
 */
export function defaultPluginName(configName: string | undefined, dir: string): string {
  const raw = configName ? configName.replace(/^@[^/]*\//, "") : basename(dir);
  return raw.replace(/^waypoint-plugin-/, "");
}

/**
 * Checks a plugin name (it becomes the file name `waypoint-plugin-<name>` and
 * must equal the `use "<name>"` label); `from` says where it came from, at
 * the start of the {@linkcode UsageError} it throws.
 */
export function checkPluginName(name: string, from: string): string {
  if (!PLUGIN_NAME.test(name)) {
    throw new UsageError(
      `${from} "${name}" is not a valid plugin name: use letters, digits, "-" and "_" ` +
        `(it is the label in \`use "<name>"\` and the file name waypoint-plugin-<name>); ` +
        `pass --name <name>`,
    );
  }
  return name;
}

/** The plugin name: `--name` if given, else {@linkcode defaultPluginName}; checked. */
export function resolvePluginName(
  option: string | undefined,
  config: ProjectConfig,
  dir: string,
): string {
  if (option !== undefined) return checkPluginName(option, "--name");
  const from = config.name ? "The deno.json name" : "The folder name";
  return checkPluginName(defaultPluginName(config.name, dir), from);
}

/** The version in the zip names: `--version` if given, else deno.json `version`; checked. */
export function resolveVersion(option: string | undefined, config: ProjectConfig): string {
  const version = option ?? config.version;
  if (version === undefined) {
    throw new UsageError(
      `No version for the zip names: ${config.path ?? "deno.json"} has no "version"; ` +
        `pass --version <version>`,
    );
  }
  if (!VERSION.test(version)) {
    throw new UsageError(
      `--version "${version}" cannot be part of a file name: use letters, digits, ".", "+", "_" and "-"`,
    );
  }
  return version;
}

/** What the tools read from a project's `deno.json`. */
export interface ProjectConfig {
  /** Path of the `deno.json`, when the project has one. */
  readonly path?: string;
  /** Its `name`. */
  readonly name?: string;
  /** Its `version`. */
  readonly version?: string;
  /** Its `waypoint.permissions`: permission specs such as `"env"` or `"net=127.0.0.1"`. */
  readonly permissions?: readonly string[];
}

/** deno.json's `waypoint.permissions`, checked: an object's array of strings, or absent. */
function permissionsOf(path: string, waypoint: unknown): string[] | undefined {
  if (waypoint === undefined) return undefined;
  if (typeof waypoint !== "object" || waypoint === null || Array.isArray(waypoint)) {
    throw new UsageError(
      `${path}: field "waypoint" must be an object such as {"permissions": ["env", "net"]}: ` +
        `got ${JSON.stringify(waypoint)}`,
    );
  }
  const p: unknown = (waypoint as Record<string, unknown>).permissions;
  if (p === undefined) return undefined;
  if (!Array.isArray(p) || !p.every((x): x is string => typeof x === "string")) {
    throw new UsageError(
      `${path}: field "waypoint.permissions" must be an array of permission names such as ` +
        `["env", "read", "net=127.0.0.1"]: got ${JSON.stringify(p)}`,
    );
  }
  return p;
}

/**
 * Reads `<dir>/deno.json` (absent: an empty config). Throws
 * {@linkcode UsageError} when it is not a JSON object or
 * `waypoint.permissions` is not an array of strings.
 */
export async function readProjectConfig(dir: string): Promise<ProjectConfig> {
  const path = join(dir, "deno.json");
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return {};
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`${path} must hold a JSON object: got ${JSON.stringify(json)}`);
  }
  const fields = json as Record<string, unknown>;
  const str = (v: unknown) => typeof v === "string" && v !== "" ? v : undefined;
  return {
    path,
    name: str(fields.name),
    version: str(fields.version),
    permissions: permissionsOf(path, fields.waypoint),
  };
}
