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
import { awaitExit, launchProcess } from "../client/launch.ts";
import { PluginClient } from "../client/plugin_client.ts";
import { COMPONENT_KINDS, componentKind, type ComponentKindName } from "../components/kinds.ts";
import type { Config_Documentation, Config_FieldDocumentation } from "../gen/wire.ts";

/** The usage line errors end with. */
export const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/docs [options]";

/** The help text. */
export const HELP = `${USAGE}

Renders the plugin's documentation (what \`waypoint docs\` shows) as Markdown.

Options:
  --entry <file>   the plugin's main module (default: main.ts)
  --name <name>    the plugin name for headings (default: the folder name)
  --out <file>     write to this file instead of stdout
  -h, --help       show this help
`;

function cell(s: string): string {
  return s.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function fieldRows(fields: Config_FieldDocumentation[], prefix = ""): string[] {
  const rows: string[] = [];
  for (const f of [...fields].sort((a, b) => a.name.localeCompare(b.name))) {
    const name = `${prefix}${f.name}`;
    rows.push(
      `| \`${name}\` | ${cell(f.type)} | ${f.optional ? "optional" : "required"} | ${
        f.default ? `\`${cell(f.default)}\`` : ""
      } | ${cell([f.synopsis, f.summary].filter(Boolean).join(" "))}${
        f.envVar ? ` (env: \`${f.envVar}\`)` : ""
      } |`,
    );
    rows.push(...fieldRows(f.subFields ?? [], `${name}.`));
  }
  return rows;
}

/** Markdown for one component's documentation. */
export function renderComponent(
  plugin: string,
  component: ComponentKindName,
  title: string,
  doc: Config_Documentation,
): string {
  const out: string[] = [`## ${title}`, ""];
  const stanza = componentKind(component).stanza;
  out.push(`Use in the \`${stanza}\` stanza: \`use "${plugin}" { … }\`.`, "");
  if (doc.description) out.push(doc.description, "");
  if (doc.input) out.push(`- Input: \`${doc.input}\``);
  if (doc.output) out.push(`- Output: \`${doc.output}\``);
  if (doc.input || doc.output) out.push("");
  if (doc.example) out.push("### Example", "", "```hcl", doc.example, "```", "");
  const fields = Object.values(doc.fields ?? {});
  out.push("### Configuration", "");
  if (fields.length === 0) out.push("This component takes no configuration.", "");
  else {
    out.push(
      "| field | type | | default | description |",
      "|---|---|---|---|---|",
      ...fieldRows(fields),
      "",
    );
  }
  const tpl = Object.values(doc.templateFields ?? {});
  if (tpl.length > 0) {
    out.push(
      "### Output attributes",
      "",
      "Later stages can use these as `artifact.<name>` (or `deploy.<name>`) in their config.",
      "",
      "| attribute | type | description |",
      "|---|---|---|",
      ...tpl.sort((a, b) => a.name.localeCompare(b.name)).map((f) =>
        `| \`${f.name}\` | ${cell(f.type)} | ${
          cell([f.synopsis, f.summary].filter(Boolean).join(" "))
        } |`
      ),
      "",
    );
  }
  if ((doc.mappers ?? []).length > 0) {
    out.push("### Mappers", "");
    for (const m of doc.mappers) {
      out.push(`- \`${m.input}\` → \`${m.output}\`${m.description ? `: ${m.description}` : ""}`);
    }
    out.push("");
  }
  return out.join("\n");
}

/** Launches the plugin and renders every component it has. */
export async function renderPluginDocs(entry: string, name: string): Promise<string> {
  const launched = await launchProcess({ entry: resolve(entry) });
  const plugin = new PluginClient(launched.network, launched.address);
  try {
    const parts = [`# waypoint-plugin-${name}`, ""];
    for (const kind of COMPONENT_KINDS) {
      const full = `hashicorp.waypoint.sdk.${kind.service}`;
      // A component the plugin lacks answers its Spec call UNIMPLEMENTED.
      const has = await plugin.call(full, kind.probe).then(() => true, () => false);
      if (!has) continue;
      const doc = await plugin.call(full, "Documentation") as unknown as Config_Documentation;
      parts.push(renderComponent(name, kind.kind, kind.service, doc));
    }
    return parts.join("\n");
  } finally {
    await plugin.close();
    await awaitExit(launched);
  }
}

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
