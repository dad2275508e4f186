/**
 * Typed protobuf messages on top of protobufjs reflection.
 *
 * `deno task proto` turns a `.proto` file into a module that holds only data
 * (the descriptor as JSON) and types; this module turns that data into
 * {@linkcode MessageType}s that create, encode, decode and print messages.
 * Field names are lowerCamelCase in TypeScript, as protojson names them; the
 * original proto names are kept for template data.
 *
 * @module
 */
import protobuf from "protobufjs/light.js";
// Every string this runtime encodes is well-formed UTF-8 (lone surrogates become U+FFFD).
import "./utf8.ts";

/** A protobufjs JSON descriptor (`Root#toJSON()` output) as `deno task proto` embeds it. */
export type ProtoJson = { nested?: Record<string, unknown> };

/** Any JSON value. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** The fields of `T`, all optional and nested the same way: what `create()` and `encode()` accept. */
export type MessageInit<T> = T extends Uint8Array ? T
  : T extends Array<infer E> ? Array<MessageInit<E>>
  : T extends object ? { [K in keyof T]?: MessageInit<T[K]> }
  : T;

/** A protobuf message type with a TypeScript shape `T`. */
export interface MessageType<T extends object> {
  /** The full proto name, e.g. `platform.Binary`. */
  readonly typeName: string;
  /** `type.googleapis.com/<typeName>`, as Go's `anypb`/`opaqueany` writes it. */
  readonly typeUrl: string;
  /** A message with every scalar field set (defaults for missing ones), tagged with this type. */
  create(init?: MessageInit<T>): T;
  /** The binary wire form. */
  encode(value: MessageInit<T>): Uint8Array;
  /** Reads the binary wire form; throws a `RangeError` naming the type when the bytes are not one. */
  decode(bytes: Uint8Array): T;
  /** Canonical proto3 JSON, as Go's `protojson.Marshal` writes it. */
  toJson(value: MessageInit<T>): JsonValue;
  /** Whether `value` was made by this type's `create()` or `decode()`. */
  is(value: unknown): value is T;
}

/** A loaded `.proto` descriptor: look messages up by full name. */
export interface ProtoFile {
  /** The message type with the full name `name`; throws a `RangeError` when there is none. */
  message<T extends object>(name: string): MessageType<T>;
  /** Whether the descriptor defines a message called `name`. */
  has(name: string): boolean;
  /** The underlying protobufjs root, for the runtime's own glue. */
  readonly root: protobuf.Root;
}

const TYPE_TAG: unique symbol = Symbol.for("waypoint-plugin.messageType");
const protoNames = new WeakMap<protobuf.Field, string>();
const reflected = new WeakMap<MessageType<object>, () => protobuf.Type>();

/** The message type a value was created or decoded with, if any. */
export function messageTypeOf(
  value: unknown,
): MessageType<object> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return (value as { [TYPE_TAG]?: MessageType<object> })[TYPE_TAG];
}

/**
 * Loads a descriptor made by `deno task proto`.
 *
 * @example Load a descriptor and encode a message
 * ```ts
 * import { protoFile } from "./runtime.ts";
 * const file = protoFile({ nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } } });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const bytes = Binary.encode({ location: "/tmp/app" });
 * console.assert(Binary.decode(bytes).location === "/tmp/app");
 * ```
 */
export function protoFile(json: ProtoJson): ProtoFile {
  // Built on first use: a plugin starts (and answers its handshake) without
  // paying for descriptors it has not needed yet.
  let root: protobuf.Root | undefined;
  const getRoot = (): protobuf.Root => {
    if (!root) {
      root = protobuf.Root.fromJSON(camelize(json) as protobuf.INamespace);
      root.resolveAll();
      recordProtoNames(root, json);
    }
    return root;
  };
  const cache = new Map<string, MessageType<object>>();
  return {
    get root(): protobuf.Root {
      return getRoot();
    },
    has(name: string): boolean {
      return getRoot().lookup(name) instanceof protobuf.Type;
    },
    message<T extends object>(name: string): MessageType<T> {
      let type = cache.get(name);
      if (!type) {
        type = new Message(name, () => {
          const found = getRoot().lookup(name);
          if (!(found instanceof protobuf.Type)) {
            throw new RangeError(
              `Cannot find message "${name}" in the descriptor: check the package and message name in the .proto file`,
            );
          }
          return found;
        });
        cache.set(name, type);
      }
      return type as MessageType<T>;
    },
  };
}

class Message<T extends object> implements MessageType<T> {
  readonly typeName: string;
  readonly typeUrl: string;
  #resolve: () => protobuf.Type;
  #resolved: protobuf.Type | undefined;

  constructor(name: string, resolve: () => protobuf.Type) {
    this.typeName = name.replace(/^\./, "");
    this.typeUrl = `type.googleapis.com/${this.typeName}`;
    this.#resolve = resolve;
    reflected.set(this as MessageType<object>, () => this.#type);
  }

  get #type(): protobuf.Type {
    return this.#resolved ??= this.#resolve();
  }

  create(init?: MessageInit<T>): T {
    return this.#tag(toPlain(this.#type, this.#type.fromObject(init ?? {})));
  }

  encode(value: MessageInit<T>): Uint8Array {
    return this.#type.encode(this.#type.fromObject(value as object)).finish();
  }

  decode(bytes: Uint8Array): T {
    let decoded: protobuf.Message;
    try {
      decoded = this.#type.decode(bytes);
    } catch (err) {
      throw new RangeError(
        `Cannot decode ${this.typeName}: ${(err as Error).message}`,
      );
    }
    return this.#tag(toPlain(this.#type, decoded));
  }

  toJson(value: MessageInit<T>): JsonValue {
    return toProtoJson(this.#type, this.#type.fromObject(value as object));
  }

  is(value: unknown): value is T {
    return messageTypeOf(value) === this;
  }

  #tag(value: Record<string, unknown>): T {
    Object.defineProperty(value, TYPE_TAG, { value: this, enumerable: false });
    return value as T;
  }
}

/** Template data as the Go SDK derives it: every field under its snake_case proto name. */
export function templateData(
  type: MessageType<object>,
  value: object,
): Record<string, JsonValue> {
  const t = reflectType(type);
  const out: Record<string, JsonValue> = {};
  const msg = t.fromObject(value);
  for (const field of t.fieldsArray) {
    out[protoNames.get(field) ?? field.name] = templateValue(
      field,
      (msg as unknown as Record<string, unknown>)[field.name],
    );
  }
  return out;
}

/** The fields of a message type: proto name and proto type (`string`, `int64`, a message name …). */
export function messageFields(
  type: MessageType<object>,
): { name: string; type: string; repeated: boolean }[] {
  return reflectType(type).fieldsArray.map((f) => ({
    name: protoNames.get(f) ?? f.name,
    type: f instanceof protobuf.MapField ? `map<${f.keyType}, ${f.type}>` : f.type,
    repeated: f.repeated,
  }));
}

/** The protobufjs type behind a {@linkcode MessageType}, for the runtime's glue. */
export function reflectType(type: MessageType<object>): protobuf.Type {
  const found = reflected.get(type)?.();
  if (!found) {
    throw new TypeError(
      `"${type.typeName}" is not a message type loaded by protoFile()`,
    );
  }
  return found;
}

function camelize(json: unknown): unknown {
  if (Array.isArray(json) || json === null || typeof json !== "object") {
    return json;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    if (key === "fields" && value && typeof value === "object") {
      const fields: Record<string, unknown> = {};
      for (const [name, field] of Object.entries(value)) {
        fields[protobuf.util.camelCase(name)] = field;
      }
      out[key] = fields;
    } else if (key === "oneofs" && value && typeof value === "object") {
      const oneofs: Record<string, unknown> = {};
      for (const [name, oneof] of Object.entries(value)) {
        const members = (oneof as { oneof: string[] }).oneof;
        oneofs[name] = {
          ...(oneof as object),
          oneof: members.map((m) => protobuf.util.camelCase(m)),
        };
      }
      out[key] = oneofs;
    } else {
      out[key] = camelize(value);
    }
  }
  return out;
}

function recordProtoNames(root: protobuf.Root, json: ProtoJson): void {
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== "object") return;
    const n = node as {
      fields?: Record<string, unknown>;
      nested?: Record<string, unknown>;
    };
    if (n.fields) {
      const type = root.lookupType(path);
      for (const name of Object.keys(n.fields)) {
        const field = type.fields[protobuf.util.camelCase(name)];
        if (field) protoNames.set(field, name);
      }
    }
    for (const [name, child] of Object.entries(n.nested ?? {})) {
      walk(child, path ? `${path}.${name}` : name);
    }
  };
  walk(json, "");
}

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

function toPlain(
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

function toProtoJson(type: protobuf.Type, msg: protobuf.Message): JsonValue {
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

function templateValue(field: protobuf.Field, value: unknown): JsonValue {
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
