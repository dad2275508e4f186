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

/** The help text. */
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

/** Runs the tool; returns the exit code. */
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
