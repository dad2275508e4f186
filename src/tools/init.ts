/**
 * `init`: scaffolds a new plugin project.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/init myplugin
 * deno run -A jsr:@x/waypoint-plugin/init myplugin ./dir --components builder,platform
 * ```
 *
 * It runs from a remote URL, so its templates are code (in `init/`: the
 * parameters and components in `params.ts`, one module per kind of file,
 * and `files.ts`, the whole project) and it reads nothing of its own
 * package from disk.
 * It needs only read and write access to the new project's directory
 * (`-R -W`): the templates come out as `deno fmt` lays them out, so no
 * formatter is run.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { ALL_COMPONENTS, type TemplateComponent, type TemplateParams } from "./init/params.ts";
import { projectFiles, toolkitImports } from "./init/files.ts";
import { displayPath, successMessage, USAGE } from "./init/output.ts";
import {
  colorFor,
  CommandError,
  type ParsedCommandLine,
  runCli,
  styles,
  UsageError,
} from "./cli.ts";
import { VERSION } from "../version.ts";

/**
 * The tool's help text, what `--help` prints: its arguments and options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HELP } from "@x/waypoint-plugin/init";
 * assert(HELP.includes("--components"));
 * ```
 */
export const HELP = `${USAGE}

Creates a Waypoint plugin project: waypoint-plugin-<name>, written in TypeScript, with tests,
a CI workflow and a release workflow.

Arguments:
  <name>         the plugin name, as in \`use "<name>"\` (lowercase letters, digits, - and _);
                 asked for in a terminal when missing
  [directory]    where to create it (default: ./waypoint-plugin-<name>)

Options:
  --components <list>   comma-separated: builder,registry,platform,releasemanager
                        (default: all four, as the Go plugin template)
  --force               write into a directory that is not empty, overwriting files of the
                        same names, without asking
  --toolkit <spec>      where the project imports the toolkit from: a jsr: specifier
                        (default: jsr:@x/waypoint-plugin@^${VERSION}), or a local checkout
                        directory or URL, for developing the toolkit itself
  -y, --yes             never prompt (for scripts): a missing name or a directory that is not
                        empty is an error instead of a question
  -h, --help            show this help

Permissions: read and write access to the directory (-R -W); nothing else.
Exit status: 0 created, 1 cancelled or a permission missing, 2 usage error.
`;

/** What is said of a directory that is not empty: which of its files `init` would overwrite. */
function notEmptyMessage(dir: string, overwritten: string[]): string {
  const shown = overwritten.slice(0, 5).join(", ") +
    (overwritten.length > 5 ? ` and ${overwritten.length - 5} more` : "");
  const what = overwritten.length === 0
    ? "none of its files would be overwritten"
    : `${overwritten.length} of its files would be overwritten: ${shown}`;
  return `${dir} is not empty (${what})`;
}

const NAME = /^[a-z][a-z0-9_-]*$/;

function parseComponents(list: string): TemplateComponent[] {
  const wanted = list.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const aliases: Record<string, TemplateComponent> = { release: "releasemanager" };
  const out: TemplateComponent[] = [];
  for (const w of wanted) {
    const c = (aliases[w] ?? w) as TemplateComponent;
    if (!ALL_COMPONENTS.includes(c)) {
      throw new UsageError(
        `Unknown component "${w}": choose from ${ALL_COMPONENTS.join(", ")}`,
      );
    }
    if (!out.includes(c)) out.push(c);
  }
  if (out.length === 0) throw new UsageError("--components needs at least one component");
  return ALL_COMPONENTS.filter((c) => out.includes(c));
}

/** What is in `dir` already (nothing when it does not exist); a lone `.git` does not count. */
async function existing(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) if (e.name !== ".git") names.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names;
}

/** The project files already present in `dir`, which writing would overwrite. */
async function overwritten(dir: string, paths: Iterable<string>): Promise<string[]> {
  const hit: string[] = [];
  for (const p of paths) {
    if (await Deno.lstat(join(dir, p)).then(() => true, () => false)) hit.push(p);
  }
  return hit;
}

/**
 * Read and write access to `dir`, asked for up front so that a missing
 * permission stops `init` before it writes anything. In a terminal Deno asks
 * the user; elsewhere a missing permission is an error naming the flag
 * ({@linkcode CommandError}: exit status 1).
 */
async function ensureAccess(dir: string, shown: string): Promise<void> {
  const flags = { read: "--allow-read (-R)", write: "--allow-write (-W)" } as const;
  for (const name of ["read", "write"] as const) {
    const desc = { name, path: dir };
    let { state } = await Deno.permissions.query(desc);
    if (state === "prompt") ({ state } = await Deno.permissions.request(desc));
    if (state !== "granted") {
      throw new CommandError(
        `init needs ${name} access to ${shown}: run it with ${flags[name]} or -A`,
      );
    }
  }
}

const CLI = {
  usage: USAGE,
  help: HELP,
  positionals: true,
  options: {
    components: { type: "string" },
    force: { type: "boolean", default: false },
    toolkit: { type: "string" },
    yes: { type: "boolean", short: "y", default: false },
  },
} as const;

type Parsed = ParsedCommandLine<typeof CLI.options>;

/** The plugin name: the first argument, else asked for in a terminal; checked. */
function pluginName(given: string | undefined, interactive: boolean): string {
  let name = given;
  if (!name && interactive) {
    name = prompt('Plugin name (as in `use "<name>"`):')?.trim() ?? "";
  }
  if (!name) throw new UsageError("The plugin name is missing");
  if (!NAME.test(name)) {
    throw new UsageError(
      `The plugin name "${name}" is not valid: use lowercase letters, digits, "-" and "_", starting with a letter`,
    );
  }
  return name;
}

/**
 * Whether to write into `dir`: yes when it is empty or with `--force`; a
 * question in a terminal, else a {@linkcode UsageError}.
 */
async function mayWrite(
  dir: string,
  shown: string,
  files: Map<string, string>,
  o: { force: boolean; interactive: boolean },
): Promise<boolean> {
  if (o.force || (await existing(dir)).length === 0) return true;
  const why = notEmptyMessage(
    shown === "." ? "The current directory" : shown,
    await overwritten(dir, files.keys()),
  );
  if (!o.interactive) {
    throw new UsageError(`${why}: choose another directory, or pass --force to write into it`);
  }
  return confirm(`${why}. Write the project into it anyway?`);
}

async function run({ values, positionals }: Parsed): Promise<number> {
  if (positionals.length > 2) {
    throw new UsageError(`Too many arguments: ${positionals.slice(2).join(" ")}`);
  }
  // Questions only when someone can answer them: a terminal, and no --yes.
  const interactive = !values.yes && Deno.stdin.isTerminal() && Deno.stdout.isTerminal();
  const name = pluginName(positionals[0], interactive);
  const components = values.components ? parseComponents(values.components) : ALL_COMPONENTS;
  const dir = resolve(positionals[1] ?? `waypoint-plugin-${name}`);
  const shown = displayPath(Deno.cwd(), dir);
  const params: TemplateParams = {
    name,
    pkg: name.replaceAll("-", "_"),
    components,
    imports: toolkitImports(values.toolkit ?? `jsr:@x/waypoint-plugin@^${VERSION}`),
    version: VERSION,
  };
  const files = projectFiles(params);
  await ensureAccess(dir, shown === "." ? "the current directory" : shown);
  if (!await mayWrite(dir, shown, files, { force: values.force, interactive })) {
    console.error("Cancelled: nothing was written");
    return 1;
  }
  // The templates are laid out as `deno fmt` lays them out (a test holds them to it), so no
  // formatter runs here and init needs no --allow-run.
  for (const [path, content] of files) {
    const full = join(dir, path);
    await Deno.mkdir(dirname(full), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  const s = styles(colorFor(Deno.stdout));
  console.log(successMessage({ name, dir: shown, components, files: files.size }, s));
  return 0;
}

/**
 * Runs `init` with `args` (as on its command line); resolves to the exit code
 * (0 created, 2 for a user's mistake, 1 when stopped or cancelled).
 *
 * @example Scaffold a builder-only project without prompts
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/init";
 * const dir = `${await Deno.makeTempDir()}/waypoint-plugin-myplugin`;
 * assert.equal(await main(["myplugin", dir, "--components", "builder", "--yes"]), 0);
 * assert((await Deno.stat(`${dir}/builder/output.proto`)).isFile);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, run);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
