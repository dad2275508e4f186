/**
 * `docs`: renders a plugin's documentation to Markdown from what its
 * `Documentation` RPCs serve — the same data `waypoint docs` shows — by
 * launching the plugin and asking each component it has.
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/docs --entry main.ts --name myplugin > DOCS.md
 * ```
 *
 * @module
 */
import { resolve } from "node:path";
import { runCli, UsageError } from "./cli.ts";
import { renderPluginDocs } from "./docs/render.ts";

/** The usage line errors end with. */
const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/docs [options]";

/**
 * The tool's help text, what `--help` prints: its usage line and options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HELP } from "@x/waypoint-plugin/docs";
 * assert(HELP.includes("--entry"));
 * ```
 */
export const HELP = `${USAGE}

Renders the plugin's documentation (what \`waypoint docs\` shows) as Markdown.

Options:
  --entry <file>   the plugin's main module (default: main.ts)
  --name <name>    the plugin name for headings (default: the folder name)
  --out <file>     write to this file instead of stdout
  -h, --help       show this help
`;

const CLI = {
  usage: USAGE,
  help: HELP,
  options: {
    entry: { type: "string", default: "main.ts" },
    name: { type: "string" },
    out: { type: "string" },
  },
} as const;

/**
 * Runs the tool with `args` (as on its command line): loads the plugin's
 * entry module, asks it for its docs as `waypoint docs` would, and prints
 * them as Markdown (or writes `--out`). Resolves to the exit code (2 for a
 * usage mistake).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/docs";
 * // A usage mistake is exit code 2, with the reason on stderr.
 * assert.equal(await main(["--entry", "no-such-main.ts"]), 2);
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, async ({ values }) => {
    const entry = values.entry;
    try {
      await Deno.stat(entry);
    } catch {
      throw new UsageError(`The entry module "${entry}" does not exist: pass --entry <main.ts>`);
    }
    const name = values.name ?? resolve(entry, "..").split(/[\\/]/).pop()!;
    const md = await renderPluginDocs(entry, name);
    if (values.out) {
      await Deno.writeTextFile(values.out, md);
      console.error(`wrote ${values.out}`);
    } else {
      console.log(md);
    }
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
