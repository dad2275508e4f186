/**
 * Template data: what later stages see as `artifact.<key>` (or
 * `deploy.<key>`) in their `use` blocks. By default every field of the
 * output message under its proto name, as the Go SDK derives it; an author's
 * `templateData(output, fields)` replaces that map, as a Go output type's
 * `TemplateData()` does. The same function, called on an empty output as the
 * Go SDK calls `TemplateData()` on a nil value, gives the documented
 * template fields.
 */
import type { TemplateData, TemplateFieldDoc } from "../components/component.ts";
import { Code, PluginError } from "../errors.ts";
import type { Config_FieldDocumentation } from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import { type JsonValue, messageFields, type MessageType, templateData } from "../proto/runtime.ts";

/** An author's template data function, as the runtime calls it. */
export type TemplateShaper = (
  output: object,
  fields: TemplateData,
) => TemplateData | null | undefined;

function kindOf(v: unknown): string {
  return Array.isArray(v) ? "an array" : v === null ? "null" : `a ${typeof v}`;
}

/**
 * Waypoint 0.11.4 turns template data into HCL values with `cty.ListVal`,
 * which panics on an empty list and takes the runner down with it; `null`
 * (what the Go SDK's default gives an empty repeated field) is safe.
 */
function withoutEmptyLists(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.length === 0 ? null : v.map(withoutEmptyLists);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutEmptyLists(x)]));
  }
  return v;
}

/**
 * The template data of one result: the default fields, or what the author's
 * `templateData` made of them. An empty map publishes nothing, as in Go.
 */
export function resultTemplateData(
  type: MessageType<object>,
  value: object,
  shape: TemplateShaper | undefined,
  operation: string,
): Record<string, JsonValue> {
  const fields = templateData(type, value);
  if (!shape) return fields;
  let shaped: unknown;
  try {
    shaped = shape(value, fields);
  } catch (err) {
    const e = PluginError.from(err);
    throw new PluginError(`${operation}'s templateData failed: ${e.message}`, e.code, {
      cause: err,
    });
  }
  if (shaped === null || shaped === undefined) return {};
  if (typeof shaped !== "object" || Array.isArray(shaped) || shaped instanceof Uint8Array) {
    throw new PluginError(
      `${operation}'s templateData returned ${
        kindOf(shaped)
      }: return an object of the variables later stages see as artifact.<key>, or null to publish none`,
      Code.INTERNAL,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(shaped);
  } catch (err) {
    // The Go SDK's wording and code for template data json.Marshal refuses.
    throw new PluginError(
      `failed to JSON encode result template data: ${(err as Error).message}`,
      Code.ABORTED,
    );
  }
  return withoutEmptyLists(JSON.parse(json)) as Record<string, JsonValue>;
}

/** A JSON value's type, named as the Go SDK's docs name a Go value's type. */
function typeName(v: JsonValue): string {
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float64";
  if (Array.isArray(v)) return v.length > 0 ? `list of ${typeName(v[0])}` : "list";
  if (v !== null && typeof v === "object") return "map";
  return "";
}

function fieldDoc(name: string, type: string, doc?: string | TemplateFieldDoc) {
  const d = typeof doc === "string" ? { synopsis: doc } : doc ?? {};
  return {
    name,
    synopsis: d.synopsis ?? "",
    summary: d.summary ?? "",
    optional: false,
    envVar: "",
    type: d.type ?? type,
    default: "",
    category: false,
    subFields: [],
  };
}

/**
 * The template fields `Documentation` lists: the keys the output publishes
 * (the author's `templateData` on an empty output, else the output's
 * fields), then the author's `docs.templateFields` on top.
 */
export function templateFieldDocs(
  output: MessageType<object> | undefined,
  shape: TemplateShaper | undefined,
  docs: Record<string, string | TemplateFieldDoc> | undefined,
  logger: Logger,
): Record<string, Config_FieldDocumentation> {
  const out: Record<string, Config_FieldDocumentation> = {};
  if (output) {
    const protoTypes = new Map(
      messageFields(output).map((f) => [f.name, f.repeated ? `list of ${f.type}` : f.type]),
    );
    let keys: Record<string, JsonValue> = Object.fromEntries(
      [...protoTypes.keys()].map((k) => [k, null]),
    );
    if (shape) {
      try {
        keys = resultTemplateData(output, output.create(), shape, "templateData");
      } catch (err) {
        // Go calls TemplateData() on a nil value for its docs; ours may not expect an empty one.
        logger.warn("template fields left undocumented: templateData failed on an empty output", {
          error: (err as Error).message,
        });
        keys = {};
      }
    }
    for (const [k, v] of Object.entries(keys)) {
      out[k] = fieldDoc(k, protoTypes.get(k) ?? typeName(v));
    }
  }
  for (const [k, doc] of Object.entries(docs ?? {})) {
    out[k] = fieldDoc(k, out[k]?.type ?? "", doc);
  }
  return out;
}
