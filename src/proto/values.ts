/**
 * Message values from a message's field table: plain objects with numbers
 * and Uint8Arrays (`create()`, coercing what protobufjs's `fromObject`
 * coerced), canonical proto3 JSON (as Go's protojson writes it), the Go
 * SDK's snake_case template data, and the field list the docs show.
 *
 * @module
 */
import { isLong, Kind, longToNumber, SCALAR_KINDS } from "./wire_io.ts";

/**
 * Any JSON value.
 *
 * @example What toJson gives
 * ```ts
 * import assert from "node:assert";
 * import { type JsonValue, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: {
 *           fields: { id: { type: "string", id: 1 }, replicas: { type: "int64", id: 2 } },
 *         },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string; replicas: number }>("demo.Deployment");
 * const json: JsonValue = Deployment.toJson(Deployment.create({ id: "d1", replicas: 3 }));
 * assert.deepEqual(json, { id: "d1", replicas: "3" }); // proto3 JSON writes 64-bit integers as strings
 * ```
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** An enum as a generated module declares it: value names to numbers. */
export type EnumValues = Readonly<Record<string, number>>;

/** What a field row refers to: the message type of a message field, the values of an enum field. */
export interface FieldTable {
  /** The full proto name. */
  readonly typeName: string;
  /** Its fields. */
  readonly fields: readonly FieldRow[];
}

/**
 * One field of a message, as generated code lists it:
 * `[number, name, kind, type, flags, protoName]` — the field number, its
 * lowerCamelCase name, its kind (`FieldDescriptorProto.Type` numbers: 9
 * string, 11 message, 14 enum …), the message type or enum it holds (`0`
 * for scalars), flags (1 repeated, 2 map, 4 explicit presence — a oneof
 * member or a proto3 `optional`; a map's key kind in the bits above 3), and
 * the name in the `.proto` file when it differs from the camelCase one.
 *
 * @example A field table as generated code writes it
 * ```ts
 * import assert from "node:assert";
 * import { type FieldRow, messageType } from "@x/waypoint-plugin";
 * interface Image {
 *   image: string;
 *   tags: string[];
 * }
 * const rows: readonly FieldRow[] = [
 *   [1, "image", 9], // string
 *   [2, "tags", 9, 0, 1], // repeated string
 * ];
 * const Image = messageType<Image>("demo.Image", () => rows, (m, w) => {
 *   if (m.image) w.uint32(10).string(m.image);
 *   for (const t of m.tags ?? []) w.uint32(18).string(t);
 * }, (r, end, $, into) => {
 *   const m: Image = into ?? { image: "", tags: [] };
 *   while (r.pos < end) {
 *     const t = r.uint32();
 *     if (t === 10) m.image = r.string();
 *     else if (t === 18) m.tags.push(r.string());
 *     else $.skipUnknown(r, t);
 *   }
 *   return m;
 * });
 * assert.deepEqual({ ...Image.create({ image: "nginx" }) }, { image: "nginx", tags: [] });
 * ```
 */
export type FieldRow = readonly [
  no: number,
  name: string,
  kind: number,
  type?: object | 0,
  flags?: number,
  protoName?: string,
];

/** Flag: a repeated field. */
export const REPEATED = 1;
/** Flag: a map field (the row's kind and type are the value's). */
export const MAP = 2;
/** Flag: a field with explicit presence (a oneof member, a proto3 `optional`). */
export const PRESENCE = 4;

type Obj = Record<string, unknown>;

/** The .proto type name of each scalar kind (5 → `int32`). */
const KIND_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(SCALAR_KINDS).map(([name, kind]) => [kind, name]),
);

function table(ref: unknown): FieldTable {
  return ref as FieldTable;
}

/** The default value of a scalar (or enum) field. */
export function scalarDefault(kind: number): unknown {
  if (kind === Kind.STRING) return "";
  if (kind === Kind.BOOL) return false;
  if (kind === Kind.BYTES) return new Uint8Array(0);
  return 0;
}

function toBytes(v: unknown, where: string): Uint8Array {
  if (typeof v === "string") {
    const bin = atob(v);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Uint8Array.from(v as number[]);
  throw new TypeError(`${where}: buffer expected`);
}

function coerce(kind: number, ref: unknown, v: unknown, where: string): unknown {
  switch (kind) {
    case Kind.STRING:
      return String(v);
    case Kind.BOOL:
      return Boolean(v);
    case Kind.BYTES:
      return toBytes(v, where);
    case Kind.DOUBLE:
    case Kind.FLOAT:
      return Number(v);
    case Kind.UINT32:
    case Kind.FIXED32:
      return Number(v) >>> 0;
    case Kind.ENUM:
      if (typeof v === "string") return (ref as Record<string, number>)[v] ?? 0;
      return Number(v) | 0;
    case Kind.MESSAGE:
      if (v === null || typeof v !== "object") throw new TypeError(`${where}: object expected`);
      return createValue(table(ref), v as Obj);
    default:
      if (isLong(kind)) {
        const n = typeof v === "object" && v !== null ? longToNumber(v) : Number(v);
        return Number.isFinite(n) ? Math.trunc(n) : 0;
      }
      return Number(v) | 0;
  }
}

/**
 * A message value of `type` from `init`: every scalar set (its default when
 * missing), lists and maps always present, message and presence fields only
 * when given.
 */
export function createValue(type: FieldTable, init: object): Obj {
  const src = init as Obj;
  const out: Obj = {};
  for (const [, key, kind, ref, flags = 0] of type.fields) {
    const v = src[key];
    const where = `${type.typeName}.${key}`;
    if (flags & MAP) {
      if (v != null && typeof v !== "object") throw new TypeError(`${where}: object expected`);
      const map: Obj = {};
      for (const [k, x] of Object.entries((v ?? {}) as Obj)) map[k] = coerce(kind, ref, x, where);
      out[key] = map;
    } else if (flags & REPEATED) {
      if (v != null && !Array.isArray(v)) throw new TypeError(`${where}: array expected`);
      out[key] = ((v ?? []) as unknown[]).map((x) => coerce(kind, ref, x, where));
    } else if (kind === Kind.MESSAGE || flags & PRESENCE) {
      if (v != null && Object.hasOwn(src, key)) out[key] = coerce(kind, ref, v, where);
    } else {
      out[key] = v == null ? scalarDefault(kind) : coerce(kind, ref, v, where);
    }
  }
  return out;
}

const enumNames = new WeakMap<object, Map<number, string>>();

function enumName(values: object, n: number): string | undefined {
  let names = enumNames.get(values);
  if (!names) {
    names = new Map();
    for (const [k, v] of Object.entries(values as EnumValues)) if (!names.has(v)) names.set(v, k);
    enumNames.set(values, names);
  }
  return names.get(n);
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function isDefault(kind: number, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (kind === Kind.MESSAGE) return false;
  if (isLong(kind)) return longToNumber(value) === 0;
  if (kind === Kind.BYTES) return (value as Uint8Array).length === 0;
  return value === 0 || value === "" || value === false;
}

function jsonScalar(kind: number, ref: unknown, value: unknown): JsonValue {
  if (kind === Kind.MESSAGE) return toProtoJson(table(ref), value as Obj);
  if (kind === Kind.ENUM) return enumName(ref as object, value as number) ?? (value as number);
  if (isLong(kind)) return String(longToNumber(value));
  if (kind === Kind.BYTES) return bytesToBase64(value as Uint8Array);
  if ((kind === Kind.DOUBLE || kind === Kind.FLOAT) && !Number.isFinite(value as number)) {
    return Number.isNaN(value) ? "NaN" : (value as number) > 0 ? "Infinity" : "-Infinity";
  }
  return value as JsonValue;
}

function timestampJson(m: Obj): string {
  const iso = new Date(longToNumber(m.seconds) * 1000).toISOString();
  const nanos = (m.nanos as number) ?? 0;
  const frac = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/(000)+$/, "");
  return `${iso.replace(/\.\d{3}Z$/, "")}${frac}Z`;
}

/** Canonical proto3 JSON of `msg`: camelCase keys, defaults left out, 64-bit as strings. */
export function toProtoJson(type: FieldTable, msg: Obj): JsonValue {
  if (type.typeName === "google.protobuf.Timestamp") return timestampJson(msg);
  const out: Record<string, JsonValue> = {};
  for (const [, key, kind, ref, flags = 0] of type.fields) {
    const value = msg[key];
    if (flags & MAP) {
      const entries = Object.entries((value ?? {}) as Obj);
      if (entries.length === 0) continue;
      out[key] = Object.fromEntries(entries.map(([k, v]) => [k, jsonScalar(kind, ref, v)]));
    } else if (flags & REPEATED) {
      const list = (value as unknown[]) ?? [];
      if (list.length > 0) out[key] = list.map((v) => jsonScalar(kind, ref, v));
    } else if (flags & PRESENCE) {
      if (Object.hasOwn(msg, key) && value != null) out[key] = jsonScalar(kind, ref, value);
    } else if (!isDefault(kind, value)) {
      out[key] = jsonScalar(kind, ref, value);
    }
  }
  return out;
}

function templateValue(row: FieldRow, value: unknown): JsonValue {
  const [, , kind, ref, flags = 0] = row;
  const one = (v: unknown): JsonValue => {
    if (kind === Kind.MESSAGE) return v == null ? null : snakeJson(table(ref), v as Obj);
    if (kind === Kind.ENUM) return v as number;
    if (isLong(kind)) return longToNumber(v);
    if (kind === Kind.BYTES) return bytesToBase64(v as Uint8Array);
    return (v ?? scalarDefault(kind)) as JsonValue;
  };
  if (flags & MAP) {
    const entries = Object.entries((value ?? {}) as Obj);
    return entries.length === 0 ? null : Object.fromEntries(entries.map(([k, v]) => [k, one(v)]));
  }
  if (flags & REPEATED) {
    const list = (value as unknown[]) ?? [];
    return list.length === 0 ? null : list.map(one);
  }
  return one(value);
}

function snakeJson(type: FieldTable, msg: Obj): JsonValue {
  const out: Record<string, JsonValue> = {};
  for (const row of type.fields) {
    const [, key, kind, , flags = 0, name = key] = row;
    const value = msg[key];
    if (isDefault(kind, value) && !(flags & (REPEATED | MAP))) continue;
    const v = templateValue(row, value);
    if (v !== null) out[name] = v;
  }
  return out;
}

/** Template data as the Go SDK derives it: every field under its snake_case proto name. */
export function tplData(type: FieldTable, msg: Obj): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const row of type.fields) {
    const [, key, , , , name = key] = row;
    out[name] = templateValue(row, msg[key]);
  }
  return out;
}

/** Each field's proto name, its type as the docs show it, and whether it is repeated. */
export function fieldList(type: FieldTable): { name: string; type: string; repeated: boolean }[] {
  return type.fields.map(([, key, kind, ref, flags = 0, name = key]) => {
    const valueType = kind === Kind.MESSAGE
      ? table(ref).typeName
      : kind === Kind.ENUM
      ? "enum"
      : KIND_NAMES[kind];
    return {
      name,
      type: flags & MAP ? `map<${KIND_NAMES[flags >> 3]}, ${valueType}>` : valueType,
      repeated: (flags & REPEATED) !== 0,
    };
  });
}
