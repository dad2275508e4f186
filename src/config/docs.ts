/**
 * The documentation of a config schema's fields, as `waypoint docs` shows
 * it (keyed by HCL name; a sensitive field's default is never shown).
 *
 * @module
 */
import type { Config_FieldDocumentation } from "../gen/wire.ts";
import { hclName, isOptional, type Shape, typeName } from "./schema.ts";

/** Field documentation for `Documentation`, keyed by HCL name. */
export function fieldDocs(shape: Shape): Record<string, Config_FieldDocumentation> {
  const out: Record<string, Config_FieldDocumentation> = {};
  for (const [key, f] of Object.entries(shape)) {
    const name = hclName(key, f);
    const def = f.options.default;
    const nested = f.kind === "block" || f.kind === "blocks";
    out[name] = {
      name,
      synopsis: f.options.doc ?? "",
      summary: f.options.summary ?? "",
      optional: isOptional(f),
      envVar: f.options.envVar ?? "",
      type: typeName(f),
      default: def === undefined || f.options.sensitive
        ? ""
        : typeof def === "string"
        ? def
        : JSON.stringify(def),
      category: nested,
      subFields: nested ? Object.values(fieldDocs(f.shape!)) : [],
    };
  }
  return out;
}
