/**
 * The `compile` command line: its help, its options, and the checks that
 * turn them into invocations before anything is built.
 *
 * @module
 */
import { type ParsedCommandLine, runCli, shellQuote, UsageError } from "../cli.ts";
import { build, type BuildOptions } from "./build.ts";
import { bundleArgs, bundlePath, TEMP_PLACEHOLDER } from "./bundle.ts";
import { compileInvocations } from "./invocations.ts";
import { projectNpmExcludes } from "./npm_excludes.ts";
import { resolvePermissions } from "./permissions.ts";
import { readProjectConfig, resolvePluginName, resolveVersion } from "./project.ts";
import { parseTargets, TARGETS } from "./targets.ts";

/** The usage line errors end with. */
export const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/compile [options]";

/**
 * The tool's help text, what `--help` prints: its usage line and options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HELP } from "@x/waypoint-plugin/compile";
 * assert(HELP.includes("--target"));
 * ```
 */
export const HELP: string = `${USAGE}

Builds a Waypoint plugin with \`deno compile\` for every target Deno ${Deno.version.deno} supports,
with its permissions baked in and prompts off (a prompt would read Waypoint's stdin):

  <out>/<os>_<arch>/waypoint-plugin-<name>[.exe]          one binary per target
  <out>/waypoint-plugin-<name>_<version>_<os>_<arch>.zip  that binary, zipped
  <out>/SHA256SUMS                                        of the files above (sha256sum -c)

Windows targets also get waypoint-plugin-<name> without .exe (Waypoint 0.11 looks for that
name; Go then runs the .exe).

What is embedded: first \`deno bundle\` (type-checked) writes the plugin and its npm packages as
one JavaScript file to a temporary folder, removed afterwards; each target's \`deno compile\`
embeds that file (~1.5 MiB, and a faster start than a module graph). A plugin whose dynamic
imports a bundler cannot follow (import() of a computed specifier) needs --no-bundle: then
\`deno compile\` embeds the entry's module graph and the npm files it can reach (~14 MiB).

Options:
  --name <name>     plugin name, as in \`use "<name>"\` (default: deno.json "name" without
                    its @scope/ and waypoint-plugin- prefix, else the folder's name)
  --entry <file>    the plugin's main module (default: main.ts)
  --out <dir>       output folder (default: bin)
  --version <v>     version in the zip names (default: deno.json "version")
  --target <list>   Go names or Rust triples, comma-separated or repeated (default: all):
${TARGETS.map((t) => `                      ${t.goName.padEnd(15)}${t.triple}`).join("\n")}
  --allow <perms>   the plugin's own permissions, replacing deno.json's; repeatable. A list
                    of names (env,read,write,net,run,sys,ffi,import,all) or one scoped
                    permission such as run=go or net=127.0.0.1,localhost
                    (default: deno.json {"waypoint": {"permissions": [...]}} in the same
                    syntax, else none). What serve() needs is always added: env for its
                    variables (WAYPOINT_PLUGIN, PLUGIN_*, TMPDIR, GRPC_*), read and write of
                    the temp dir (/tmp; macOS also /var/folders), read of /etc/group, net
                    (its unix socket)
  --no-bundle       compile the entry's module graph instead of a bundle of it
  --dry-run         print the deno bundle and deno compile invocations, one per line
                    (${TEMP_PLACEHOLDER} stands for the temporary folder), and exit
  -h, --help        show this help

The runtime (denort): deno compile downloads it from dl.deno.land once per target and caches
it under $DENO_DIR/dl. Offline, name one you have:
  DENORT_BIN=<path>               for every target (deno compile's own variable)
  DENORT_BIN_<OS>_<ARCH>=<path>   for one target (e.g. DENORT_BIN_DARWIN_ARM64); wins
It must be denort ${Deno.version.deno} built for the target's OS and CPU.

Run it in the plugin project's folder (deno.json, entry and output are relative to it).
Exit status: 0 done, 1 a build failed, 2 usage error.
`;

const CLI = {
  usage: USAGE,
  help: HELP,
  options: {
    name: { type: "string" },
    entry: { type: "string", default: "main.ts" },
    out: { type: "string", default: "bin" },
    version: { type: "string" },
    target: { type: "string", multiple: true, default: [] as string[] },
    allow: { type: "string", multiple: true, default: [] as string[] },
    "no-bundle": { type: "boolean", default: false },
    "dry-run": { type: "boolean", default: false },
  },
} as const;

type Values = ParsedCommandLine<typeof CLI.options>["values"];

/** Checks the options against the project and returns what to build; throws {@linkcode UsageError}. */
async function prepare(v: Values): Promise<BuildOptions> {
  const cwd = Deno.cwd();
  const config = await readProjectConfig(cwd);
  const name = resolvePluginName(v.name, config, cwd);
  const version = resolveVersion(v.version, config);
  const entryInfo = await Deno.stat(v.entry).catch(() => undefined);
  if (!entryInfo?.isFile) {
    throw new UsageError(
      `--entry "${v.entry}" was not found in ${cwd}: pass the plugin's main module, e.g. --entry main.ts`,
    );
  }
  if (v.out === "") throw new UsageError(`--out "" is empty: pass a folder such as bin`);
  const targets = parseTargets(v.target);
  const permissions = resolvePermissions(v.allow, config);
  const configFile = config.path ? "deno.json" : undefined;
  // A bundle holds the npm packages it uses and nothing else: nothing to exclude.
  const exclude = v["no-bundle"] ? await projectNpmExcludes(cwd, Deno.execPath()) : [];
  const invocations = (entry: string) =>
    compileInvocations({
      name,
      entry,
      out: v.out,
      targets,
      permissions,
      config: configFile,
      exclude,
    });
  const bundle = v["no-bundle"] ? undefined : { name, entry: v.entry, config: configFile };
  return { name, version, out: v.out, entry: v.entry, bundle, invocations, targets };
}

/** The commands a build runs, as `--dry-run` prints them. */
function dryRun(o: BuildOptions): string[][] {
  if (!o.bundle) return o.invocations(o.entry).map((inv) => inv.args);
  const bundle = bundlePath(TEMP_PLACEHOLDER, o.name);
  return [bundleArgs(o.bundle, bundle), ...o.invocations(bundle).map((inv) => inv.args)];
}

/**
 * Runs `compile` with `args` (as on its command line); resolves to the exit
 * status (0 built, 1 a build failed, 2 a usage mistake).
 *
 * @example Print what would run for one target, without building
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/compile";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/main.ts`, "");
 * const args = ["--name", "myplugin", "--entry", `${dir}/main.ts`, "--target", "linux_amd64"];
 * assert.equal(await main([...args, "--dry-run"]), 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, async ({ values }) => {
    const opts = await prepare(values);
    if (values["dry-run"]) {
      for (const args of dryRun(opts)) console.log(["deno", ...args].map(shellQuote).join(" "));
      return 0;
    }
    await build(opts);
    return 0;
  });
}
