/**
 * The JSON the host sends to `Configure` (what Go's encoder makes of the
 * struct gohcl filled), decoded into the typed config: defaults for unset
 * fields, and a `ConfigError` naming the field for a value of the wrong kind.
 *
 * @module
 */
import { Code, ConfigError, PluginError } from "../errors.ts";
import { type Field, hclName, isOptional, nullElements, type Shape } from "./schema.ts";

/** What kind of JSON value this is, in parentheses: `(a number)`. */
function describe(value: unknown): string {
  if (value === null) return "(null)";
  if (Array.isArray(value)) return "(a list)";
  if (typeof value === "object") return "(an object)";
  return typeof value === "boolean" ? "(a bool)" : `(a ${typeof value})`;
}

function shown(f: Field<unknown>, value: unknown): unknown {
  return f.options.sensitive ? "(sensitive value hidden)" : value;
}

function decodeScalar(f: Field<unknown>, path: string, value: unknown): unknown {
  const bad = (rule: string): never => {
    throw new ConfigError(path, shown(f, value), rule, describe(value));
  };
  switch (f.kind) {
    case "string":
    case "label":
      if (typeof value !== "string") bad("must be a string");
      break;
    case "bool":
      if (typeof value !== "boolean") bad("must be a bool");
      break;
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value)) bad("must be a whole number");
      break;
    case "number":
      if (typeof value !== "number") bad("must be a number");
      break;
  }
  return value;
}

function decodeElem(f: Field<unknown>, path: string, value: unknown): unknown {
  return value === null && nullElements(f) ? undefined : decodeScalar(f.elem!, path, value);
}

/** Decodes the JSON object the host sends to `Configure` into a value of the shape, applying defaults. */
export function decodeConfig(
  shape: Shape,
  json: unknown,
  path = "",
): Record<string, unknown> {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new ConfigError(path || "config", json, "must be an object", describe(json));
  }
  const input = json as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const known = new Set<string>();
  for (const [key, f] of Object.entries(shape)) {
    const name = hclName(key, f);
    known.add(name);
    const p = path ? `${path}.${name}` : name;
    const raw = input[name];
    const unset = raw === undefined || raw === null;
    if (unset && f.options.default !== undefined) {
      out[key] = structuredClone(f.options.default);
      continue;
    }
    switch (f.kind) {
      case "list":
        if (unset) out[key] = [];
        else if (!Array.isArray(raw)) {
          throw new ConfigError(p, shown(f, raw), "must be a list", describe(raw));
        } else out[key] = raw.map((v, i) => decodeElem(f, `${p}[${i}]`, v));
        break;
      case "map":
        if (unset) out[key] = {};
        else if (typeof raw !== "object" || Array.isArray(raw)) {
          throw new ConfigError(p, shown(f, raw), "must be a map", describe(raw));
        } else {
          out[key] = Object.fromEntries(
            Object.entries(raw).map(([k, v]) => [k, decodeElem(f, `${p}.${k}`, v)]),
          );
        }
        break;
      case "block":
        if (unset) {
          if (!isOptional(f)) {
            throw new ConfigError(p, raw ?? null, "is a required block", "was not given");
          }
          out[key] = undefined;
        } else out[key] = decodeConfig(f.shape!, raw, p);
        break;
      case "blocks":
        if (unset) out[key] = [];
        else if (!Array.isArray(raw)) {
          throw new ConfigError(p, raw, "must be a list of blocks", describe(raw));
        } else out[key] = raw.map((v, i) => decodeConfig(f.shape!, v, `${p}[${i}]`));
        break;
      default:
        if (unset) {
          if (!isOptional(f)) {
            throw new ConfigError(p, raw ?? null, "is required", "was not given");
          }
          out[key] = undefined;
        } else out[key] = decodeScalar(f, p, raw);
    }
  }
  for (const name of Object.keys(input)) {
    if (!known.has(name)) {
      const p = path ? `${path}.${name}` : name;
      throw new PluginError(
        `field "${p}" is not part of this plugin's config: the fields are ${
          [...known].map((k) => `"${k}"`).join(", ") || "none"
        }`,
        Code.INVALID_ARGUMENT,
      );
    }
  }
  return out;
}
