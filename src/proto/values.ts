/**
 * Message values between protobufjs and the forms the toolkit hands out:
 * plain objects with numbers and Uint8Arrays, canonical proto3 JSON (as
 * Go's protojson writes it), and the Go SDK's snake_case template data.
 */
import protobuf from "protobufjs/light.js";

/** Each field's name in the `.proto` file (protobufjs knows only the camelCase one). */
export const protoNames: WeakMap<protobuf.Field, string> = new WeakMap();

/** Any JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (value && typeof value === "object" && "low" in value && "high" in value) {
    // A protobufjs Long.
    const l = value as { low: number; high: number; unsigned: boolean };
    const high = l.unsigned ? l.high >>> 0 : l.high;
    return high * 0x100000000 + (l.low >>> 0);
  }
  return Number(value);
}

function isLongType(type: string): boolean {
  return type === "int64" || type === "uint64" || type === "sint64" ||
    type === "fixed64" || type === "sfixed64";
}

function plainScalar(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    return toPlain(field.resolvedType, value as protobuf.Message);
  }
  if (isLongType(field.type)) return toNumber(value);
  if (field.type === "bytes") {
    const b = value as Uint8Array;
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  return value;
}

export function toPlain(
  type: protobuf.Type,
  msg: protobuf.Message,
): Record<string, unknown> {
  const src = msg as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const value = src[field.name];
    if (field instanceof protobuf.MapField || field.map) {
      const map: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value ?? {})) {
        map[k] = plainScalar(field, v);
      }
      out[field.name] = map;
    } else if (field.repeated) {
      out[field.name] = ((value as unknown[]) ?? []).map((v) => plainScalar(field, v));
    } else if (field.resolvedType instanceof protobuf.Type || field.partOf) {
      if (
        value !== undefined && value !== null &&
        Object.prototype.hasOwnProperty.call(src, field.name)
      ) {
        out[field.name] = plainScalar(field, value);
      }
    } else {
      out[field.name] = plainScalar(field, value ?? field.typeDefault);
    }
  }
  return out;
}

function jsonScalar(field: protobuf.Field, value: unknown): JsonValue {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) {
    return toProtoJson(rt, value as protobuf.Message);
  }
  if (rt instanceof protobuf.Enum) {
    return rt.valuesById[value as number] ?? (value as number);
  }
  if (isLongType(field.type)) return String(toNumber(value));
  if (field.type === "bytes") return bytesToBase64(value as Uint8Array);
  if (
    (field.type === "double" || field.type === "float") &&
    !Number.isFinite(value as number)
  ) {
    return Number.isNaN(value) ? "NaN" : (value as number) > 0 ? "Infinity" : "-Infinity";
  }
  return value as JsonValue;
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (field.resolvedType instanceof protobuf.Type) return false;
  if (isLongType(field.type)) return toNumber(value) === 0;
  if (field.type === "bytes") return (value as Uint8Array).length === 0;
  return value === field.typeDefault || value === 0 || value === "" ||
    value === false;
}

export function toProtoJson(type: protobuf.Type, msg: protobuf.Message): JsonValue {
  if (type.fullName === ".google.protobuf.Timestamp") {
    const m = msg as unknown as { seconds: unknown; nanos: number };
    const ms = toNumber(m.seconds) * 1000;
    const iso = new Date(ms).toISOString().replace(".000Z", "");
    const nanos = m.nanos ?? 0;
    const frac = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/(000)+$/, "");
    return `${iso.replace(/\.\d{3}Z$/, "")}${frac}Z`;
  }
  const src = msg as unknown as Record<string, unknown>;
  const out: Record<string, JsonValue> = {};
  for (const field of type.fieldsArray) {
    const value = src[field.name];
    const key = field.name;
    if (field.map) {
      const entries = Object.entries(value ?? {});
      if (entries.length === 0) continue;
      const map: Record<string, JsonValue> = {};
      for (const [k, v] of entries) map[k] = jsonScalar(field, v);
      out[key] = map;
    } else if (field.repeated) {
      const list = (value as unknown[]) ?? [];
      if (list.length === 0) continue;
      out[key] = list.map((v) => jsonScalar(field, v));
    } else if (field.partOf) {
      if (Object.prototype.hasOwnProperty.call(src, field.name) && value != null) {
        out[key] = jsonScalar(field, value);
      }
    } else if (!isDefault(field, value)) {
      out[key] = jsonScalar(field, value);
    }
  }
  return out;
}

export function templateValue(field: protobuf.Field, value: unknown): JsonValue {
  const one = (v: unknown): JsonValue => {
    const rt = field.resolvedType;
    if (rt instanceof protobuf.Type) {
      return v == null ? null : toProtoJsonSnake(rt, v as protobuf.Message);
    }
    if (rt instanceof protobuf.Enum) return v as number;
    if (isLongType(field.type)) return toNumber(v);
    if (field.type === "bytes") return bytesToBase64(v as Uint8Array);
    return (v ?? field.typeDefault) as JsonValue;
  };
  if (field.map) {
    const entries = Object.entries(value ?? {});
    if (entries.length === 0) return null;
    return Object.fromEntries(entries.map(([k, v]) => [k, one(v)]));
  }
  if (field.repeated) {
    const list = (value as unknown[]) ?? [];
    return list.length === 0 ? null : list.map(one);
  }
  return one(value);
}

function toProtoJsonSnake(
  type: protobuf.Type,
  msg: protobuf.Message,
): JsonValue {
  const out: Record<string, JsonValue> = {};
  const src = msg as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    const value = src[field.name];
    if (isDefault(field, value) && !field.repeated && !field.map) continue;
    const v = templateValue(field, value);
    if (v !== null) out[protoNames.get(field) ?? field.name] = v;
  }
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}
