/**
 * Typed protobuf messages: what `deno task proto` generates code against.
 *
 * A generated module holds, per message, a TypeScript interface and a
 * {@linkcode MessageType} made by {@linkcode messageType} from the message's
 * field table and its encoder and decoder, written ahead of time: a plugin
 * builds no reflection objects and generates no code when it starts or
 * answers its first RPCs. Field names are lowerCamelCase in TypeScript, as
 * protojson names them; the original proto names are kept for template data.
 *
 * @module
 */
import { HELPERS, type NestedCodec, type ProtoReader, type ProtoWriter } from "./wire_io.ts";
import { createReader, createWriter, type WireHelpers } from "./wire_io.ts";
import { createValue, type FieldRow, type FieldTable, type JsonValue } from "./values.ts";
import { toProtoJson, tplData } from "./values.ts";
import { fieldList } from "./values.ts";

export type { FieldRow, JsonValue, ProtoReader, ProtoWriter, WireHelpers };

/**
 * The fields of `T`, all optional and nested the same way: what `create()` and `encode()` accept.
 *
 * @example Build a message from a partial value
 * ```ts
 * import assert from "node:assert";
 * import { type MessageInit, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { image: { type: "string", id: 1 }, tag: { type: "string", id: 2 } } },
 *       },
 *     },
 *   },
 * });
 * type Image = { image: string; tag: string };
 * const Image = file.message<Image>("demo.Image");
 * const init: MessageInit<Image> = { image: "nginx" }; // every field optional
 * assert.deepEqual({ ...Image.create(init) }, { image: "nginx", tag: "" });
 * ```
 */
export type MessageInit<T> = T extends Uint8Array ? T
  : T extends Array<infer E> ? Array<MessageInit<E>>
  : T extends object ? { [K in keyof T]?: MessageInit<T[K]> }
  : T;

/**
 * A protobuf message type with a TypeScript shape `T`.
 *
 * @example Encode, decode and print a message
 * ```ts
 * import assert from "node:assert";
 * import { type MessageInit, type MessageType, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * function roundTrip<T extends object>(type: MessageType<T>, value: MessageInit<T>): T {
 *   return type.decode(type.encode(value));
 * }
 * const bin = Binary.create({ location: "./app" });
 * assert(Binary.is(bin));
 * assert.equal(roundTrip(Binary, bin).location, "./app");
 * assert.deepEqual(Binary.toJson(bin), { location: "./app" });
 * assert.equal(Binary.typeName, "demo.Binary");
 * ```
 */
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

/**
 * A generated encoder: writes the fields of `m` (not its tag or length) in field-number order.
 *
 * @example An encoder as `deno task proto` writes it
 * ```ts
 * import assert from "node:assert";
 * import { type Decoder, type Encoder, messageType } from "@x/waypoint-plugin";
 * interface Binary {
 *   location: string;
 * }
 * const encode: Encoder<Binary> = (m, w) => {
 *   if (m.location) w.uint32(10).string(m.location); // field 1, length-delimited
 * };
 * const decode: Decoder<Binary> = (r, end, $, into) => {
 *   const m = into ?? { location: "" };
 *   while (r.pos < end) {
 *     const t = r.uint32();
 *     if (t === 10) m.location = r.string();
 *     else $.skipUnknown(r, t);
 *   }
 *   return m;
 * };
 * const Binary = messageType<Binary>("demo.Binary", () => [[1, "location", 9]], encode, decode);
 * assert.deepEqual([...Binary.encode({ location: "a" })], [10, 1, 97]);
 * ```
 */
export type Encoder<T> = (m: MessageInit<T>, w: ProtoWriter, $: WireHelpers) => void;

/**
 * A generated decoder: reads fields until `end` into a new message (or
 * `into`, when a repeated occurrence of a message field merges) and returns it.
 *
 * @example A decoder that skips unknown fields
 * ```ts
 * import assert from "node:assert";
 * import { type Decoder, messageType } from "@x/waypoint-plugin";
 * interface Tag {
 *   name: string;
 * }
 * const decode: Decoder<Tag> = (r, end, $, into) => {
 *   const m = into ?? { name: "" };
 *   while (r.pos < end) {
 *     const t = r.uint32();
 *     if (t === 10) m.name = r.string();
 *     else $.skipUnknown(r, t); // a field a newer sender added
 *   }
 *   return m;
 * };
 * const Tag = messageType<Tag>("demo.Tag", () => [[1, "name", 9]], (m, w) => {
 *   if (m.name) w.uint32(10).string(m.name);
 * }, decode);
 * // field 2 (varint 7), then field 1 "v1"
 * assert.equal(Tag.decode(new Uint8Array([16, 7, 10, 2, 118, 49])).name, "v1");
 * ```
 */
export type Decoder<T> = (r: ProtoReader, end: number, $: WireHelpers, into?: T) => T;

const TYPE_TAG: unique symbol = Symbol.for("waypoint-plugin.messageType");

/** The message type a value was created or decoded with, if any. */
export function messageTypeOf(value: unknown): MessageType<object> | undefined {
  if (value === null || typeof value !== "object") return undefined;
  return (value as { [TYPE_TAG]?: MessageType<object> })[TYPE_TAG];
}

/** What the runtime's glue reads of a message type made by {@linkcode messageType}. */
export interface MessageInternals<T extends object = object> extends NestedCodec<T>, FieldTable {}

class Message<T extends object> implements MessageType<T>, MessageInternals<T> {
  readonly typeName: string;
  readonly typeUrl: string;
  #fields: (() => readonly FieldRow[]) | readonly FieldRow[];
  #encode: Encoder<T>;
  #decode: Decoder<T>;

  constructor(
    name: string,
    fields: () => readonly FieldRow[],
    encode: Encoder<T>,
    decode: Decoder<T>,
  ) {
    this.typeName = name;
    this.typeUrl = `type.googleapis.com/${name}`;
    this.#fields = fields;
    this.#encode = encode;
    this.#decode = decode;
  }

  get fields(): readonly FieldRow[] {
    if (typeof this.#fields === "function") this.#fields = this.#fields();
    return this.#fields;
  }

  encodeFields(value: T, w: ProtoWriter): void {
    this.#encode(value as MessageInit<T>, w, HELPERS);
  }

  decodeFields(r: ProtoReader, end: number, into?: T): T {
    return this.#decode(r, end, HELPERS, into);
  }

  create(init?: MessageInit<T>): T {
    return this.#tag(createValue(this, init ?? {}) as T);
  }

  encode(value: MessageInit<T>): Uint8Array {
    // Coerced first, as protobufjs's fromObject did: a string for a number field, say.
    return encodeMessage(this, createValue(this, value ?? {}) as T);
  }

  decode(bytes: Uint8Array): T {
    let value: T;
    try {
      value = decodeMessage(this, bytes);
    } catch (err) {
      throw new RangeError(`Cannot decode ${this.typeName}: ${(err as Error).message}`);
    }
    return this.#tag(value);
  }

  toJson(value: MessageInit<T>): JsonValue {
    return toProtoJson(this, createValue(this, value ?? {}));
  }

  is(value: unknown): value is T {
    return messageTypeOf(value) === this;
  }

  #tag(value: T): T {
    Object.defineProperty(value, TYPE_TAG, { value: this, enumerable: false });
    return value;
  }
}

/**
 * Defines a message type from its field table and its encoder and decoder:
 * the call `deno task proto` writes for every message of a `.proto` file
 * (see the generated `gen/*.ts` of any plugin). The field table is read
 * when a value is first created, printed as JSON or turned into template
 * data; encoding and decoding only run the two functions.
 *
 * @param name the message's full proto name, e.g. `gobuilder.Binary`
 * @param fields the field table: `[number, camelCaseName, kind, messageType or enum, flags, protoName]`
 * @param encode writes a message's fields
 * @param decode reads them
 *
 * @example A message type as `deno task proto` writes it
 * ```ts
 * import assert from "node:assert";
 * import { messageType } from "@x/waypoint-plugin";
 *
 * interface Binary {
 *   location: string;
 * }
 * const Binary = messageType<Binary>(
 *   "gobuilder.Binary",
 *   () => [[1, "location", 9]],
 *   (m, w) => {
 *     if (m.location) w.uint32(10).string(m.location);
 *   },
 *   (r, end, $, into) => {
 *     const m: Binary = into ?? { location: "" };
 *     while (r.pos < end) {
 *       const t = r.uint32();
 *       if (t === 10) m.location = r.string();
 *       else $.skipUnknown(r, t);
 *     }
 *     return m;
 *   },
 * );
 * const bytes = Binary.encode({ location: "/tmp/app" });
 * assert.equal(Binary.decode(bytes).location, "/tmp/app");
 * ```
 */
export function messageType<T extends object>(
  name: string,
  fields: () => readonly FieldRow[],
  encode: Encoder<T>,
  decode: Decoder<T>,
): MessageType<T> {
  return new Message<T>(name, fields, encode, decode);
}

/** The internals of a type made by {@linkcode messageType} (or `protoFile()`). */
export function internals<T extends object>(type: MessageType<T>): MessageInternals<T> {
  if (!(type instanceof Message)) {
    throw new TypeError(`"${type.typeName}" is not a message type made by messageType()`);
  }
  return type as unknown as MessageInternals<T>;
}

/** The wire form of `value`, as it is (no coercion): the runtime's own messages. */
export function encodeMessage<T extends object>(type: MessageType<T>, value: T): Uint8Array {
  const w = createWriter();
  internals(type).encodeFields(value, w);
  return w.finish();
}

/** Decodes `bytes` (throws protobufjs's reason when they are not a `type`); untagged. */
export function decodeMessage<T extends object>(type: MessageType<T>, bytes: Uint8Array): T {
  const r = createReader(bytes);
  return internals(type).decodeFields(r, r.len);
}

/** Template data as the Go SDK derives it: every field under its snake_case proto name. */
export function templateData(type: MessageType<object>, value: object): Record<string, JsonValue> {
  return tplData(internals(type), createValue(internals(type), value));
}

/** The fields of a message type: proto name and proto type (`string`, `int64`, a message name …). */
export function messageFields(
  type: MessageType<object>,
): { name: string; type: string; repeated: boolean }[] {
  return fieldList(internals(type));
}
