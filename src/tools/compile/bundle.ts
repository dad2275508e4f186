/**
 * The `deno bundle` step before `deno compile`: the plugin and its npm
 * packages as one JavaScript file in a temporary folder, which each target's
 * `deno compile` then embeds instead of the module graph and the npm cache.
 * A bundle starts sooner (one module to load, no npm resolution) and weighs
 * ~1.5 MiB per target instead of ~14, and unlike `deno compile --bundle` it
 * is a file `deno run` can start, so what a compiled plugin runs can be
 * tested on a machine without denort.
 *
 * @module
 */
import { join } from "node:path";
import { CommandError, shellQuote } from "../cli.ts";
import { eagerWrappers } from "./eager.ts";
import { runDeno } from "./run_deno.ts";

/** What {@linkcode bundleArgs} bundles. */
export interface BundleOptions {
  /** The plugin name; the bundle's folder is named after it (see {@linkcode bundlePath}). */
  readonly name: string;
  /** The entry module. */
  readonly entry: string;
  /** A `deno.json` to pass as `--config`. Default: none (deno finds one itself). */
  readonly config?: string;
}

/** What `--dry-run` prints for the temporary folder, which exists only during a build. */
export const TEMP_PLACEHOLDER = "<tmp>";

/**
 * Where the bundle goes in `dir`: `<dir>/<name>/main.js`. serve() falls back
 * to the main module's folder for the plugin's name (a renamed binary), so
 * the folder carries the name.
 */
export function bundlePath(dir: string, name: string): string {
  return join(dir, name, "main.js");
}

/**
 * The `deno bundle` arguments. `--check` keeps the type check `deno compile`
 * of the sources did (deno bundle skips it by default); `--packages bundle`
 * inlines the npm packages; not `--minify`: it saves ~0.7 MiB per target but
 * measured no faster start-up, and it mangles the stack traces authors read.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { bundleArgs } from "./bundle.ts";
 * assert(bundleArgs({ name: "gobuilder", entry: "main.ts" }, "/tmp/b/gobuilder/main.js")
 *   .join(" ") ===
 *   "bundle --quiet --check --platform deno --packages bundle " +
 *     "--output /tmp/b/gobuilder/main.js main.ts");
 * ```
 */
export function bundleArgs(o: BundleOptions, output: string): string[] {
  return [
    "bundle",
    "--quiet",
    "--check",
    "--platform",
    "deno",
    "--packages",
    "bundle",
    ...(o.config ? ["--config", o.config] : []),
    "--output",
    output,
    o.entry,
  ];
}

/**
 * Runs `deno bundle` into `dir` (`signal` stops it); returns the bundle's
 * path. Throws {@linkcode CommandError}.
 */
export async function writeBundle(
  o: BundleOptions,
  dir: string,
  signal?: AbortSignal,
): Promise<string> {
  const output = bundlePath(dir, o.name);
  const args = bundleArgs(o, output);
  const out = await runDeno(args, {}, signal);
  if (!out.success) {
    const text = out.text.trimEnd();
    console.error(text);
    // deno bundle runs esbuild, which it fetches from npm on first use.
    const fix = /package "@esbuild\//.test(text)
      ? `deno bundle could not fetch esbuild from the npm registry (once per DENO_DIR); ` +
        `go online once, or compile without a bundle: --no-bundle`
      : `Fix the entry's module graph, or compile it without a bundle: --no-bundle`;
    throw new CommandError(
      `deno bundle failed for "${o.entry}" (exit ${out.code}); its output is above. ${fix}. ` +
        `Command: deno ${args.map(shellQuote).join(" ")}`,
    );
  }
  await Deno.writeTextFile(output, finishBundle(await Deno.readTextFile(output)));
  return output;
}

/**
 * What `compile` makes of `deno bundle`'s output before embedding it: ASCII
 * only ({@linkcode asciiOnly}), with eager wrappers and functions
 * (`eagerWrappers`). The bench's profiler applies it to a bundle of its own.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { finishBundle } from "./bundle.ts";
 * const out = finishBundle("// a \u2192 b\nfunction f() {\n  return 1;\n}\nf();\n");
 * assert(out.startsWith("var f = (function() {"));
 * assert(!/[^\x00-\x7f]/.test(out));
 * ```
 */
export function finishBundle(raw: string): string {
  return eagerWrappers(asciiOnly(raw)).source;
}

/**
 * `source` with every non-ASCII UTF-16 code unit written as a `\uXXXX`
 * escape. V8 holds a script with a single non-ASCII character as a two-byte
 * string, and a plugin then starts about 3 ms later (measured on the
 * gobuilder bundle: 4 such characters, all in comments). esbuild already
 * escapes non-ASCII in strings, templates, regular expressions and names, so
 * what is left is in comments, where an escape changes nothing; anywhere
 * else the escape means the same character.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { asciiOnly } from "./bundle.ts";
 * assert.equal(asciiOnly("// a \u2192 b\n"), "// a \\u2192 b\n");
 * assert.equal(asciiOnly("plain"), "plain");
 * // In code, the escape is the same character, astral ones included (as surrogate pairs).
 * const source = 'return "caf\u00e9 \u{1F600}";';
 * assert.equal(new Function(asciiOnly(source))(), "caf\u00e9 \u{1F600}");
 * ```
 */
export function asciiOnly(source: string): string {
  return source.replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The signals that stop a build, and the exit status each gives (128 + its number). */
const STOPS: [Deno.Signal, number][] = [["SIGINT", 130], ["SIGTERM", 143], ["SIGHUP", 129]];

/**
 * Bundles the plugin into a fresh temporary folder, runs `f` with the
 * bundle's path, and removes the folder afterwards, whether `f` or the bundle
 * failed or not. A SIGINT, SIGTERM or SIGHUP meanwhile aborts `signal` (the
 * running `deno bundle` or `deno compile` is stopped, so it cannot write
 * into the folder again), removes the folder, and exits 128 + the signal's
 * number, as a shell reports it.
 */
export async function withBundle<T>(
  o: BundleOptions,
  f: (bundle: string, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "waypoint-compile-" });
  const stop = new AbortController();
  let stopped: [Deno.Signal, number] | undefined;
  const listeners = STOPS.map(([sig, code]) => {
    const listener = () => {
      stopped ??= [sig, code];
      stop.abort();
    };
    Deno.addSignalListener(sig, listener);
    return [sig, listener] as const;
  });
  try {
    return await f(await writeBundle(o, dir, stop.signal), stop.signal);
  } finally {
    for (const [sig, listener] of listeners) Deno.removeSignalListener(sig, listener);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    if (stopped) {
      console.error(`error: stopped by ${stopped[0]}; the temporary folder ${dir} is removed`);
      Deno.exit(stopped[1]);
    }
  }
}
