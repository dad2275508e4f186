/**
 * The permissions an author declares for a plugin (`--allow`, deno.json
 * `waypoint.permissions`), checked. What `serve()` itself needs, and the
 * merge into `deno` flags, live in src/permissions.ts, which the test host
 * shares.
 *
 * @module
 */
import { UsageError } from "../cli.ts";
import { allowFlag, PERMISSION_NAMES } from "../../permissions.ts";
import type { ProjectConfig } from "./project.ts";

/**
 * Splits `--allow` values into permission specs: a value with `=` is one
 * scoped permission (`net=127.0.0.1,localhost`: the scope may hold commas),
 * any other value is a comma-separated list of names (`env,read,run`).
 */
export function parseAllowValues(values: readonly string[]): string[] {
  return values.flatMap((v) =>
    v.includes("=") ? [v.trim()] : v.split(",").map((s) => s.trim()).filter(Boolean)
  );
}

/** What is wrong with one permission spec, or `undefined` when it is fine. */
function specProblem(spec: string, name: string, scope: string | undefined): string | undefined {
  if (!PERMISSION_NAMES.includes(name)) {
    return `unknown permission "${spec}": use ${PERMISSION_NAMES.join(", ")}, ` +
      `optionally scoped as name=value (e.g. net=127.0.0.1)`;
  }
  if (scope !== undefined && name === "all") {
    return `permission "${spec}" has a scope, which all does not take: write "all"`;
  }
  if (scope === "") {
    return `permission "${spec}" has an empty scope: write "${name}" or "${name}=<value>"`;
  }
  return undefined;
}

/**
 * Turns permission specs (`env`, `net=127.0.0.1`, `all`) into `deno` flags
 * (`--allow-env`, `--allow-net=127.0.0.1`, `--allow-all`). `from` names where
 * the specs came from, for the {@linkcode UsageError} a bad spec throws.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { permissionFlags } from "./permissions.ts";
 * const flags = permissionFlags(["env", "net=127.0.0.1"], "--allow");
 * assert(flags.join(" ") === "--allow-env --allow-net=127.0.0.1");
 * ```
 */
export function permissionFlags(specs: readonly string[], from: string): string[] {
  const seen = new Set<string>();
  const flags: string[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const problem = specProblem(spec, name, eq < 0 ? undefined : spec.slice(eq + 1)) ??
      (seen.has(name) ? `permission "${name}" is given twice: keep one` : undefined);
    if (problem) throw new UsageError(`${from}: ${problem}`);
    seen.add(name);
    flags.push(allowFlag(spec));
  }
  return flags;
}

/**
 * The author's permission specs, checked: `--allow` values if any, else
 * deno.json `waypoint.permissions`, else none. What `serve()` needs comes on
 * top of them (`pluginPermissionFlags` in src/permissions.ts).
 */
export function resolvePermissions(allow: readonly string[], config: ProjectConfig): string[] {
  if (allow.length > 0) return checkSpecs(parseAllowValues(allow), "--allow");
  if (config.permissions) {
    return checkSpecs(config.permissions, `${config.path}: "waypoint.permissions"`);
  }
  return [];
}

function checkSpecs(specs: readonly string[], from: string): string[] {
  permissionFlags(specs, from);
  return [...specs];
}
