/**
 * `init`: scaffolds a new plugin project.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/init myplugin
 * deno run -A jsr:@x/waypoint-plugin/init myplugin ./dir --components builder,platform
 * ```
 *
 * It runs from a remote URL, so its templates are code (see
 * `init_templates.ts`) and it reads nothing of its own package from disk.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import {
  ALL_COMPONENTS,
  componentModule,
  COMPONENTS,
  denoJson,
  GITIGNORE,
  mainModule,
  outputModule,
  outputProto,
  pluginTest,
  readme,
  type TemplateComponent,
  type TemplateParams,
} from "./init_templates.ts";
import { VERSION } from "../version.ts";

/** The help text. */
export const HELP = `Usage: init [options] <name> [directory]

Creates a Waypoint plugin project: waypoint-plugin-<name>, written in TypeScript.

Arguments:
  <name>         the plugin name, as in \`use "<name>"\` (lowercase letters, digits, - and _)
  [directory]    where to create it (default: ./waypoint-plugin-<name>)

Options:
  --components <list>   comma-separated: builder,registry,platform,releasemanager
                        (default: all four, as the Go plugin template)
  --force               write into a directory that is not empty (files are overwritten)
  --toolkit <spec>      where the project imports the toolkit from: a jsr: specifier
                        (default: jsr:@x/waypoint-plugin@^${VERSION}), or a local checkout
                        directory or URL, for developing the toolkit itself
  -y, --yes             never prompt (non-interactive); missing answers are errors
  -h, --help            show this help
`;

const NAME = /^[a-z][a-z0-9_-]*$/;

class UsageError extends Error {}

/** The deno.json `imports` for a toolkit specifier (JSR, or a local checkout path/URL). */
export function toolkitImports(spec: string): Record<string, string> {
  if (spec.startsWith("jsr:")) return { "@x/waypoint-plugin": spec };
  const base = /^[a-z]+:\/\//.test(spec) ? spec.replace(/\/?$/, "/") : `${resolve(spec)}/`;
  // A checkout's own modules import these by bare name; JSR packages map them themselves.
  return {
    "@x/waypoint-plugin": `${base}mod.ts`,
    "@x/waypoint-plugin/testing": `${base}src/testing/mod.ts`,
    "@x/waypoint-plugin/builtin": `${base}src/builtin/mod.ts`,
    "@x/waypoint-plugin/docs": `${base}src/tools/docs.ts`,
    "@x/waypoint-plugin/proto": `${base}src/tools/proto.ts`,
    "@x/waypoint-plugin/compile": `${base}src/tools/compile.ts`,
    "@x/waypoint-plugin/install": `${base}src/tools/install.ts`,
    "@grpc/grpc-js": "npm:@grpc/grpc-js@1.14.7",
    "protobufjs": "npm:protobufjs@8.8.1",
  };
}

/** Every file of a new project, by path relative to its directory. */
export function projectFiles(params: TemplateParams): Map<string, string> {
  const files = new Map<string, string>();
  files.set("deno.json", denoJson(params));
  files.set("main.ts", mainModule(params));
  files.set("README.md", readme(params));
  files.set(".gitignore", GITIGNORE);
  files.set("tests/plugin_test.ts", pluginTest(params));
  for (const c of params.components) {
    const { dir } = COMPONENTS[c];
    files.set(`${dir}/${dir}.ts`, componentModule(params, c));
    files.set(`${dir}/output.proto`, outputProto(params, c));
    files.set(`${dir}/gen/output.ts`, outputModule(params, c));
  }
  return files;
}

function parseComponents(list: string): TemplateComponent[] {
  const wanted = list.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  const aliases: Record<string, TemplateComponent> = { release: "releasemanager" };
  const out: TemplateComponent[] = [];
  for (const w of wanted) {
    const c = (aliases[w] ?? w) as TemplateComponent;
    if (!ALL_COMPONENTS.includes(c)) {
      throw new UsageError(
        `unknown component "${w}": choose from ${ALL_COMPONENTS.join(", ")}`,
      );
    }
    if (!out.includes(c)) out.push(c);
  }
  if (out.length === 0) throw new UsageError("--components needs at least one component");
  return ALL_COMPONENTS.filter((c) => out.includes(c));
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    for await (const _ of Deno.readDir(dir)) return false;
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return true;
    throw err;
  }
}

/** Runs `init`; returns the exit code (2 for a user's mistake). */
export async function main(args: string[]): Promise<number> {
  try {
    return await run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(HELP);
      console.error(`error: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        components: { type: "string" },
        force: { type: "boolean", default: false },
        toolkit: { type: "string" },
        yes: { type: "boolean", short: "y", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 2) {
    throw new UsageError(`too many arguments: ${positionals.slice(2).join(" ")}`);
  }
  let name = positionals[0];
  if (!name && !values.yes && Deno.stdin.isTerminal()) {
    name = prompt('Plugin name (as in `use "<name>"`):')?.trim() ?? "";
  }
  if (!name) throw new UsageError("the plugin name is missing");
  if (!NAME.test(name)) {
    throw new UsageError(
      `the plugin name "${name}" is not valid: use lowercase letters, digits, "-" and "_", starting with a letter`,
    );
  }
  const components = values.components ? parseComponents(values.components) : ALL_COMPONENTS;
  const dir = resolve(positionals[1] ?? `waypoint-plugin-${name}`);
  if (!values.force && !(await isEmptyDir(dir))) {
    throw new UsageError(`${dir} is not empty: choose another directory, or pass --force`);
  }
  const params: TemplateParams = {
    name,
    pkg: name.replaceAll("-", "_"),
    components,
    imports: toolkitImports(values.toolkit ?? `jsr:@x/waypoint-plugin@^${VERSION}`),
    version: VERSION,
  };
  for (const [path, content] of projectFiles(params)) {
    const full = join(dir, path);
    await Deno.mkdir(join(full, ".."), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  // Lay the files out as `deno fmt` would, so the project passes its own `deno task ok`.
  await new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--quiet"],
    cwd: dir,
    stdout: "null",
    stderr: "null",
  }).output().catch(() => undefined);
  console.log(`Created waypoint-plugin-${name} in ${dir} (${components.join(", ")}).

Next:
  cd ${dir}
  deno task test      # drive the plugin through the test host
  deno task install --dev   # let Waypoint find it while you work on it
`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
