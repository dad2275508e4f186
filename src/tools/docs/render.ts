/**
 * The Markdown of a plugin's documentation: what its `Documentation` RPCs
 * serve, component by component, as the `docs` tool prints it.
 *
 * @module
 */
import { resolve } from "node:path";
import { awaitExit, launchProcess } from "../../client/launch.ts";
import { PluginClient } from "../../client/plugin_client.ts";
import { COMPONENT_KINDS, componentKind, type ComponentKindName } from "../../components/kinds.ts";
import type { Config_Documentation, Config_FieldDocumentation } from "../../gen/wire.ts";

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
