/**
 * A config schema as the host sees it: the protostructure description
 * `ConfigStruct` answers, from which the host builds the Go struct it
 * decodes the `use` block into (Go field names, `hcl:"…"` and `json:"…"`
 * tags, pointers for optional values).
 */
import {
  type Field,
  goName,
  hclName,
  isOptional,
  nullElements,
  type Shape,
} from "../config/schema.ts";
import type { Struct, Type as PsType } from "../gen/wire.ts";

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
