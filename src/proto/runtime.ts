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
import { LazyRoot } from "./lazy_root.ts";
import { type JsonValue, protoNames, templateValue, toPlain, toProtoJson } from "./values.ts";

/** A protobufjs JSON descriptor (`Root#toJSON()` output) as `deno task proto` embeds it. */
export type ProtoJson = { nested?: Record<string, unknown> };

export type { JsonValue };

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
 * import assert from "node:assert";
 * import { protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({ nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } } });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const bytes = Binary.encode({ location: "/tmp/app" });
 * assert(Binary.decode(bytes).location === "/tmp/app");
 * ```
 */
export function protoFile(json: ProtoJson): ProtoFile {
  // Filled type by type on first use: a plugin starts (and answers its handshake) without
  // paying for descriptors it has not needed yet, and builds only the types it uses; `root`
  // completes it (the test host's client wants every service).
  const lazy = new LazyRoot(json, camelize, recordUnitNames);
  const cache = new Map<string, MessageType<object>>();
  return {
    get root(): protobuf.Root {
      return lazy.complete();
    },
    has(name: string): boolean {
      return lazy.lookup(name) instanceof protobuf.Type;
    },
    message<T extends object>(name: string): MessageType<T> {
      let type = cache.get(name);
      if (!type) {
        type = new Message(name, () => {
          const found = lazy.lookup(name);
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

/** Remembers the proto names of the fields of `obj` (a type just added) and its nested types. */
function recordUnitNames(obj: protobuf.ReflectionObject, raw: Record<string, unknown>): void {
  if (!(obj instanceof protobuf.Type)) return;
  const fields = (raw.fields ?? {}) as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    const field = obj.fields[protobuf.util.camelCase(name)];
    if (field) protoNames.set(field, name);
  }
  for (const [name, child] of Object.entries((raw.nested ?? {}) as Record<string, unknown>)) {
    const nested = obj.nested?.[name];
    if (nested) recordUnitNames(nested, child as Record<string, unknown>);
  }
}
