/**
 * Config glue: a {@linkcode Schema} as the protostructure description the
 * host builds a Go struct from, the host's JSON back into typed values, and
 * the field documentation.
 */
import {
  type Field,
  hclName,
  isOptional,
  nullElements,
  type Schema,
  type Shape,
  typeName,
} from "../config/schema.ts";
import { Code, ConfigError, PluginError } from "../errors.ts";
import type { Config_FieldDocumentation, Struct, Type as PsType } from "../gen/wire.ts";

// Go reflect.Kind numbers, which protostructure uses.
const KIND = {
  Bool: 1,
  Int64: 6,
  Float64: 14,
  Map: 21,
  Ptr: 22,
  Slice: 23,
  String: 24,
} as const;

const GO_IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const HCL_IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Go field name for a schema key: exported, so the host's reflect.StructOf accepts it. */
function goName(key: string): string {
  return key[0].toUpperCase() + key.slice(1);
}

/**
 * Checks a schema for mistakes the host would only find later, or panic on;
 * throws a `TypeError` that says how to fix it.
 */
export function checkSchema(schema: Schema, where: string): void {
  checkShape(schema.shape, where, false);
}

function checkShape(shape: Shape, where: string, inBlock: boolean): void {
  const goNames = new Map<string, string>();
  const hclNames = new Map<string, string>();
  for (const [key, f] of Object.entries(shape)) {
    if (!f || typeof f !== "object" || !("kind" in f)) {
      throw new TypeError(
        `${where}: config field "${key}" is not a field: declare it with config.string(), config.bool(), config.block() …`,
      );
    }
    if (!GO_IDENT.test(key)) {
      throw new TypeError(
        `${where}: config key "${key}" is not a valid identifier: use letters, digits and "_", starting with a letter`,
      );
    }
    const go = goName(key);
    if (goNames.has(go)) {
      throw new TypeError(
        `${where}: config keys "${
          goNames.get(go)
        }" and "${key}" differ only in the case of their first letter: rename one`,
      );
    }
    goNames.set(go, key);
    const hcl = hclName(key, f);
    if (!HCL_IDENT.test(hcl)) {
      throw new TypeError(
        `${where}: config field "${key}" has the HCL name "${hcl}", which HCL cannot parse: use letters, digits, "_" and "-", starting with a letter`,
      );
    }
    if (hclNames.has(hcl)) {
      throw new TypeError(
        `${where}: config fields "${
          hclNames.get(hcl)
        }" and "${key}" share the HCL name "${hcl}": give one a different \`hcl\` option`,
      );
    }
    hclNames.set(hcl, key);
    if (f.kind === "label" && !inBlock) {
      throw new TypeError(
        `${where}: config field "${key}" is a label, which only a block can have: move it into config.block() or config.blocks()`,
      );
    }
    if (f.kind === "block" || f.kind === "blocks") {
      checkShape(f.shape!, `${where}: block "${hcl}"`, true);
    }
    if ((f.kind === "list" || f.kind === "map")) {
      const k = f.elem?.kind;
      if (k === "block" || k === "blocks" || k === "label" || k === "list" || k === "map") {
        throw new TypeError(
          `${where}: config field "${key}" is a ${f.kind} of ${k}, which HCL attributes cannot hold: use config.blocks() for repeated blocks`,
        );
      }
    }
  }
}

function primitive(kind: number): PsType {
  return { primitive: { kind } };
}

function ptr(elem: PsType): PsType {
  return { container: { kind: KIND.Ptr, elem, count: 0 } };
}

function scalarKind(f: Field<unknown>): number {
  switch (f.kind) {
    case "bool":
      return KIND.Bool;
    case "int":
      return KIND.Int64;
    case "number":
      return KIND.Float64;
    default:
      return KIND.String;
  }
}

function fieldType(f: Field<unknown>): PsType {
  switch (f.kind) {
    case "string":
    case "bool":
    case "int":
    case "number":
      // A pointer lets the host send null for "not set", so an explicit zero stays distinguishable from a default.
      return isOptional(f) ? ptr(primitive(scalarKind(f))) : primitive(scalarKind(f));
    case "label":
      return primitive(KIND.String);
    case "list":
      return { container: { kind: KIND.Slice, elem: elemType(f), count: 0 } };
    case "map":
      return {
        container: { kind: KIND.Map, key: primitive(KIND.String), elem: elemType(f), count: 0 },
      };
    case "block": {
      const s: PsType = { struct: toProtostructure(f.shape!) };
      return isOptional(f) ? ptr(s) : s;
    }
    case "blocks":
      return {
        container: {
          kind: KIND.Slice,
          elem: ptr({ struct: toProtostructure(f.shape!) }),
          count: 0,
        },
      };
  }
}

/** A list's or map's element: a pointer only when `null` elements are allowed (`[]*string`). */
function elemType(f: Field<unknown>): PsType {
  const elem = primitive(scalarKind(f.elem!));
  return nullElements(f) ? ptr(elem) : elem;
}

function tag(key: string, f: Field<unknown>): string {
  const name = hclName(key, f);
  let hcl = name;
  if (f.kind === "label") hcl += ",label";
  else if (f.kind === "block" || f.kind === "blocks") hcl += ",block";
  else if (isOptional(f)) hcl += ",optional";
  return `hcl:"${hcl}" json:"${name}"`;
}

/** The protostructure description of a shape: what `ConfigStruct` answers. */
export function toProtostructure(shape: Shape): Struct {
  return {
    fields: Object.entries(shape).map(([key, f]) => ({
      Name: goName(key),
      PkgPath: "",
      Tag: tag(key, f),
      type: fieldType(f),
    })),
  };
}

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
