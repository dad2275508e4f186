/**
 * The `deno compile` runs that build a plugin, one per target, and the
 * names of what they make: the layout `compile` writes and `install` reads.
 *
 * @module
 */
import { join } from "node:path";
import { PLUGIN_V8_FLAGS, pluginPermissionFlags } from "../../permissions.ts";
import { type Target, TARGETS } from "./targets.ts";

/** The executable's file name: `waypoint-plugin-<name>`, plus `.exe` on Windows. */
export function binaryName(name: string, os: string): string {
  return `waypoint-plugin-${name}${os === "windows" ? ".exe" : ""}`;
}

/** The release zip's file name: `waypoint-plugin-<name>_<version>_<os>_<arch>.zip`. */
export function zipName(name: string, version: string, target: Target): string {
  return `waypoint-plugin-${name}_${version}_${target.goName}.zip`;
}

/** Options of {@linkcode compileInvocations}. */
export interface CompileOptions {
  /** The plugin name (`waypoint-plugin-<name>`). */
  readonly name: string;
  /** The entry module, as passed to `deno compile`. */
  readonly entry: string;
  /** Output folder. Default `bin`. */
  readonly out?: string;
  /** Targets to build. Default: {@linkcode TARGETS}. */
  readonly targets?: readonly Target[];
  /**
   * The author's permission specs (`run=go`, `read=.`), checked. Each target
   * bakes in these and what `serve()` needs on its OS, merged into one flag
   * per permission. Default: none beyond `serve()`'s.
   */
  readonly permissions?: readonly string[];
  /** A `deno.json` to pass as `--config`. Default: none (deno finds one itself). */
  readonly config?: string;
  /** Files and folders not to embed (`--exclude`), e.g. from `projectNpmExcludes()`. Default: none. */
  readonly exclude?: readonly string[];
}

/** One `deno compile` run. */
export interface Invocation {
  /** The Rust triple. */
  readonly target: string;
  /** Go's `<os>_<arch>`. */
  readonly goName: string;
  /** Arguments for `deno` (starting with `compile`). */
  readonly args: string[];
  /** The file `deno compile` writes. */
  readonly output: string;
  /** Windows only: the extension-less copy Waypoint 0.11 probes for. */
  readonly alias?: string;
}

/**
 * The `deno compile` runs that build a plugin, one per target.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { compileInvocations } from "./invocations.ts";
 * import { findTarget } from "./targets.ts";
 * const [inv] = compileInvocations({
 *   name: "gobuilder",
 *   entry: "main.ts",
 *   targets: [findTarget("linux_arm64")!],
 *   permissions: ["run=go", "read=."],
 * });
 * assert(inv.args.includes("--allow-run=go") && inv.args.includes("--allow-read=/tmp,/etc/group,."));
 * assert(inv.args.at(-1) === "main.ts" && !inv.args.includes("--allow-sys"));
 * ```
 */
export function compileInvocations(options: CompileOptions): Invocation[] {
  const out = options.out ?? "bin";
  return (options.targets ?? TARGETS).map((t) => {
    const output = join(out, t.goName, binaryName(options.name, t.os));
    const args = [
      "compile",
      "--no-prompt",
      PLUGIN_V8_FLAGS,
      ...pluginPermissionFlags(options.permissions ?? [], t.os),
      ...(options.config ? ["--config", options.config] : []),
      ...(options.exclude ?? []).flatMap((path) => ["--exclude", path]),
      "--target",
      t.triple,
      "--output",
      output,
      options.entry,
    ];
    const alias = t.os === "windows"
      ? join(out, t.goName, binaryName(options.name, ""))
      : undefined;
    return { target: t.triple, goName: t.goName, args, output, ...(alias ? { alias } : {}) };
  });
}
