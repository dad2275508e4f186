/**
 * What `deno compile` need not embed of the npm packages: `deno compile`
 * ships every file of every package in the lockfile's npm snapshot, and of
 * a plugin's ~14 MiB payload about 3.5 MiB are files no plugin loads at
 * run time — type-only packages (`@types/*`, `undici-types`, which
 * protobufjs 7 pulls in through grpc-js's proto-loader) and grpc-js's
 * TypeScript sources (`src/`; its `main` is `build/src/index.js`). Each
 * becomes a `--exclude` of its folder in Deno's npm cache. Only `compile
 * --no-bundle` needs them: a bundle holds just the npm code it imports.
 *
 * @module
 */
import { join } from "node:path";

/** The package folders (`<name>@<version>` keys of a lockfile's `npm`) that hold no run-time code. */
function typeOnly(name: string): boolean {
  return name.startsWith("@types/") || name === "undici-types";
}

/** Sub-folders of packages that the package's own `main` never reaches. */
const SOURCES: Record<string, string> = { "@grpc/grpc-js": "src" };

/**
 * The paths to `--exclude` for the npm packages of a `deno.lock` (its
 * parsed JSON), under Deno's npm cache folder `npmCache` (`deno info
 * --json`'s `npmCache`).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { npmExcludes } from "./npm_excludes.ts";
 * const lock = { npm: { "@types/node@26.6.6": {}, "@grpc/grpc-js@1.14.7": {}, "long@5.3.2": {} } };
 * assert(npmExcludes(lock, "/c/npm").join(" ") ===
 *   "/c/npm/registry.npmjs.org/@types/node/26.6.6 /c/npm/registry.npmjs.org/@grpc/grpc-js/1.14.7/src");
 * ```
 */
export function npmExcludes(lock: unknown, npmCache: string): string[] {
  const npm = (lock as { npm?: unknown } | null)?.npm;
  if (!npm || typeof npm !== "object") return [];
  const out: string[] = [];
  for (const key of Object.keys(npm)) {
    // `name@version`, or `name@version_peer@version` when peers resolved it.
    const at = key.indexOf("@", 1);
    if (at < 0) continue;
    const name = key.slice(0, at);
    const version = key.slice(at + 1).split("_")[0];
    const dir = join(npmCache, "registry.npmjs.org", name, version);
    if (typeOnly(name)) out.push(dir);
    else if (SOURCES[name]) out.push(join(dir, SOURCES[name]));
  }
  return out;
}

/**
 * The `--exclude` paths for the project in `dir`: from its `deno.lock`
 * (none without one) and the npm cache `deno` reports.
 */
export async function projectNpmExcludes(dir: string, deno: string): Promise<string[]> {
  let lock: unknown;
  try {
    lock = JSON.parse(await Deno.readTextFile(join(dir, "deno.lock")));
  } catch {
    return []; // no lockfile (or not one we can read): deno compile embeds what it resolves
  }
  const info = await new Deno.Command(deno, {
    args: ["info", "--json"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).output();
  if (!info.success) return [];
  const { npmCache } = JSON.parse(new TextDecoder().decode(info.stdout)) as { npmCache?: string };
  return npmCache ? npmExcludes(lock, npmCache) : [];
}
