/**
 * The binary wire form under the generated codecs: protobufjs's minimal
 * Writer and Reader (no reflection, no code generated at run time), field
 * kinds numbered as `FieldDescriptorProto.Type` numbers them, and the few
 * helpers the generated encoders and decoders call for what is not one
 * Writer or Reader call: nested messages (length-delimited, bounded), packed
 * repeated scalars, map entries, 64-bit integers as numbers, unknown fields.
 *
 * @module
 */
import protobuf from "protobufjs/minimal.js";
// Every string this runtime encodes is well-formed UTF-8 (lone surrogates become U+FFFD).
import "./utf8.ts";

/** Field kinds: protobuf's `FieldDescriptorProto.Type` numbers (10, group, is not supported). */
export const Kind = {
  DOUBLE: 1,
  FLOAT: 2,
  INT64: 3,
  UINT64: 4,
  INT32: 5,
  FIXED64: 6,
  FIXED32: 7,
  BOOL: 8,
  STRING: 9,
  MESSAGE: 11,
  BYTES: 12,
  UINT32: 13,
  ENUM: 14,
  SFIXED32: 15,
  SFIXED64: 16,
  SINT32: 17,
  SINT64: 18,
} as const;

/** The scalar kinds by their .proto type name (`int32` → 5). */
export const SCALAR_KINDS: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(Kind).filter(([k]) => k !== "MESSAGE" && k !== "ENUM").map((
    [k, v],
  ) => [k.toLowerCase(), v]),
);

/** The protobufjs Writer/Reader method of each kind (enums are int32 on the wire). */
const METHOD: readonly string[] = [
  "",
  "double",
  "float",
  "int64",
  "uint64",
  "int32",
  "fixed64",
  "fixed32",
  "bool",
  "string",
  "",
  "",
  "bytes",
  "uint32",
  "int32",
  "sfixed32",
  "sfixed64",
  "sint32",
  "sint64",
];

/** The wire type of each kind's single value. */
const WIRE_TYPE: readonly number[] = [-1, 1, 5, 0, 0, 0, 1, 5, 0, 2, -1, 2, 2, 0, 0, 5, 1, 0, 0];

/** Whether `kind` is one of the five 64-bit integer kinds. */
export function isLong(kind: number): boolean {
  return kind === 3 || kind === 4 || kind === 6 || kind === 16 || kind === 18;
}

/** Whether repeated values of `kind` are packed (every scalar but strings and bytes). */
export function isPackable(kind: number): boolean {
  return kind !== Kind.STRING && kind !== Kind.BYTES && kind !== Kind.MESSAGE;
}

/** The wire type of one value of `kind`. */
export function wireType(kind: number): number {
  return WIRE_TYPE[kind];
}

/**
 * The subset of protobufjs's `Writer` the generated encoders call.
 *
 * @example Write a packed repeated field by hand
 * ```ts
 * import assert from "node:assert";
 * import { messageType, type ProtoWriter } from "@x/waypoint-plugin";
 * interface Ports {
 *   numbers: number[];
 * }
 * function writePorts(m: { numbers?: number[] }, w: ProtoWriter) {
 *   if (!m.numbers?.length) return;
 *   w.uint32(10).fork(); // field 1, length-delimited: its length is written by ldelim()
 *   for (const n of m.numbers) w.int32(n);
 *   w.ldelim();
 * }
 * const Ports = messageType<Ports>(
 *   "demo.Ports",
 *   () => [[1, "numbers", 5, 0, 1]],
 *   writePorts,
 *   (r, end, $, into) => {
 *     const m = into ?? { numbers: [] };
 *     while (r.pos < end) {
 *       const t = r.uint32();
 *       if (t === 10) $.unpack(r, m.numbers, 5);
 *       else $.skipUnknown(r, t);
 *     }
 *     return m;
 *   },
 * );
 * assert.deepEqual([...Ports.encode({ numbers: [80, 443] })], [10, 3, 80, 187, 3]);
 * assert.deepEqual(Ports.decode(Ports.encode({ numbers: [80, 443] })).numbers, [80, 443]);
 * ```
 */
export interface ProtoWriter {
  /** Writes a varint (also every tag). */
  uint32(value: number): ProtoWriter;
  /** Writes a signed 32-bit varint. */
  int32(value: number): ProtoWriter;
  /** Writes a zig-zag 32-bit varint. */
  sint32(value: number): ProtoWriter;
  /** Writes 4 bytes, unsigned. */
  fixed32(value: number): ProtoWriter;
  /** Writes 4 bytes, signed. */
  sfixed32(value: number): ProtoWriter;
  /** Writes a signed 64-bit varint. */
  int64(value: number): ProtoWriter;
  /** Writes an unsigned 64-bit varint. */
  uint64(value: number): ProtoWriter;
  /** Writes a zig-zag 64-bit varint. */
  sint64(value: number): ProtoWriter;
  /** Writes 8 bytes, unsigned. */
  fixed64(value: number): ProtoWriter;
  /** Writes 8 bytes, signed. */
  sfixed64(value: number): ProtoWriter;
  /** Writes a 32-bit float. */
  float(value: number): ProtoWriter;
  /** Writes a 64-bit float. */
  double(value: number): ProtoWriter;
  /** Writes a bool varint. */
  bool(value: boolean): ProtoWriter;
  /** Writes a length-delimited UTF-8 string. */
  string(value: string): ProtoWriter;
  /** Writes length-delimited bytes. */
  bytes(value: Uint8Array): ProtoWriter;
  /** Starts a length-delimited part. */
  fork(): ProtoWriter;
  /** Ends it, writing its length before it. */
  ldelim(): ProtoWriter;
}

/**
 * The subset of protobufjs's `Reader` the generated decoders call.
 *
 * @example Read fields by tag
 * ```ts
 * import assert from "node:assert";
 * import { messageType, type ProtoReader } from "@x/waypoint-plugin";
 * interface Flag {
 *   name: string;
 *   on: boolean;
 * }
 * function readFlag(r: ProtoReader, end: number, into?: Flag): Flag {
 *   const m = into ?? { name: "", on: false };
 *   while (r.pos < end) {
 *     const tag = r.uint32();
 *     if (tag === 10) m.name = r.string();
 *     else if (tag === 16) m.on = r.bool();
 *     else throw new RangeError(`unexpected tag ${tag}`);
 *   }
 *   return m;
 * }
 * const Flag = messageType<Flag>("demo.Flag", () => [[1, "name", 9], [2, "on", 8]], (m, w) => {
 *   if (m.name) w.uint32(10).string(m.name);
 *   if (m.on) w.uint32(16).bool(true);
 * }, (r, end, _$, into) => readFlag(r, end, into));
 * assert.deepEqual({ ...Flag.decode(Flag.encode({ name: "x", on: true })) }, {
 *   name: "x",
 *   on: true,
 * });
 * ```
 */
export interface ProtoReader {
  /** The read position. */
  pos: number;
  /** The end of what may be read. */
  len: number;
  /** Reads a varint (also every tag). */
  uint32(): number;
  /** Reads a signed 32-bit varint. */
  int32(): number;
  /** Reads a zig-zag 32-bit varint. */
  sint32(): number;
  /** Reads 4 bytes, unsigned. */
  fixed32(): number;
  /** Reads 4 bytes, signed. */
  sfixed32(): number;
  /** Reads a 32-bit float. */
  float(): number;
  /** Reads a 64-bit float. */
  double(): number;
  /** Reads a bool varint. */
  bool(): boolean;
  /** Reads a length-delimited UTF-8 string. */
  string(): string;
  /** Reads length-delimited bytes. */
  bytes(): Uint8Array;
}

/** What the helpers call on a message type: its generated (or interpreted) field codec. */
export interface NestedCodec<M> {
  /** Writes the message's fields (not its tag or length). */
  encodeFields(value: M, w: ProtoWriter): void;
  /** Reads fields up to `end`, into `into` when given (a repeated occurrence merges). */
  decodeFields(r: ProtoReader, end: number, into?: M): M;
}

/**
 * A message type as generated code passes it to the helpers (a
 * `MessageType`): its `create` gives the value type the helpers read.
 *
 * @example A nested message field
 * ```ts
 * import assert from "node:assert";
 * import { messageType, type TypeRef } from "@x/waypoint-plugin";
 * interface Registry {
 *   host: string;
 * }
 * interface Image {
 *   name: string;
 *   registry?: Registry;
 * }
 * const Registry = messageType<Registry>("demo.Registry", () => [[1, "host", 9]], (m, w) => {
 *   if (m.host) w.uint32(10).string(m.host);
 * }, (r, end, $, into) => {
 *   const m = into ?? { host: "" };
 *   while (r.pos < end) {
 *     const t = r.uint32();
 *     if (t === 10) m.host = r.string();
 *     else $.skipUnknown(r, t);
 *   }
 *   return m;
 * });
 * const registryRef: TypeRef<Registry> = Registry; // what the helpers are given
 * const Image = messageType<Image>(
 *   "demo.Image",
 *   () => [[1, "name", 9], [2, "registry", 11, Registry]],
 *   (m, w, $) => {
 *     if (m.name) w.uint32(10).string(m.name);
 *     if (m.registry) $.msg(w, 18, m.registry, registryRef);
 *   },
 *   (r, end, $, into) => {
 *     const m: Image = into ?? { name: "" };
 *     while (r.pos < end) {
 *       const t = r.uint32();
 *       if (t === 10) m.name = r.string();
 *       else if (t === 18) m.registry = $.sub(r, registryRef, m.registry);
 *       else $.skipUnknown(r, t);
 *     }
 *     return m;
 *   },
 * );
 * const back = Image.decode(Image.encode({ name: "web", registry: { host: "registry.local" } }));
 * assert.equal(back.registry?.host, "registry.local");
 * ```
 */
export interface TypeRef<M> {
  /** The full proto name. */
  readonly typeName: string;
  /** Makes a value (only its type is used here). */
  create(init?: never): M;
}

/**
 * Helpers the generated encoders and decoders call for what is not a single Writer or Reader call.
 *
 * @example A map field through the helpers
 * ```ts
 * import assert from "node:assert";
 * import { type Encoder, messageType, type WireHelpers } from "@x/waypoint-plugin";
 * interface Labels {
 *   labels: Record<string, string>;
 * }
 * const STRING = 9;
 * const encodeLabels: Encoder<Labels> = (m, w, $: WireHelpers) => {
 *   if (m.labels) $.map(w, 10, m.labels, STRING, STRING); // one entry per key, as field 1
 * };
 * const Labels = messageType<Labels>(
 *   "demo.Labels",
 *   () => [[1, "labels", STRING, 0, 2 | (STRING << 3)]], // a map<string, string>
 *   encodeLabels,
 *   (r, end, $, into) => {
 *     const m = into ?? { labels: {} };
 *     while (r.pos < end) {
 *       const t = r.uint32();
 *       if (t === 10) $.entry(r, m.labels, STRING, STRING);
 *       else $.skipUnknown(r, t);
 *     }
 *     return m;
 *   },
 * );
 * assert.deepEqual(Labels.decode(Labels.encode({ labels: { app: "web" } })).labels, {
 *   app: "web",
 * });
 * ```
 */
export interface WireHelpers {
  /** Writes message field `tag` holding `value` of `type`. */
  msg<M>(w: ProtoWriter, tag: number, value: unknown, type: TypeRef<M>): void;
  /** Reads a length-delimited message of `type`, merged into `into` when given. */
  sub<M>(r: ProtoReader, type: TypeRef<M>, into?: M): M;
  /** Reads a 64-bit integer of `kind` as a number (exact up to 2^53). */
  long(r: ProtoReader, kind: number): number;
  /** Writes repeated `values` of a scalar `kind` packed under `tag`. */
  packed(w: ProtoWriter, tag: number, values: readonly unknown[], kind: number): void;
  /** Reads packed values of `kind` into `into`. */
  unpack(r: ProtoReader, into: unknown[], kind: number): void;
  /** Writes map field `tag`: one entry per key (a message value's `type` given). */
  map(
    w: ProtoWriter,
    tag: number,
    map: object,
    keyKind: number,
    valueKind: number,
    type?: TypeRef<unknown>,
  ): void;
  /** Reads one map entry into `into` (a message value's `type` given). */
  entry(
    r: ProtoReader,
    into: object,
    keyKind: number,
    valueKind: number,
    type?: TypeRef<unknown>,
  ): void;
  /** Skips the value of an unknown field (or a known one with an unexpected wire type). */
  skipUnknown(r: ProtoReader, tag: number): void;
  /**
   * The same as {@linkcode WireHelpers.skipUnknown}, under the name codecs
   * generated by earlier versions call.
   *
   * @deprecated Regenerate the codecs (`deno task proto`): they call `skipUnknown`.
   */
  skip(r: ProtoReader, tag: number): void;
}

type PbReader = protobuf.Reader;
type PbWriter = protobuf.Writer;
type Methods = Record<string, (this: unknown, ...args: unknown[]) => unknown>;

/** A protobufjs Long (what the Reader gives for 64-bit kinds while long.js is loaded) as a number. */
export function longToNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (v !== null && typeof v === "object" && "low" in v && "high" in v) {
    const l = v as { low: number; high: number; unsigned: boolean };
    const high = l.unsigned ? l.high >>> 0 : l.high;
    return high * 0x100000000 + (l.low >>> 0);
  }
  return Number(v);
}

/** Reads one value of a scalar `kind` (64-bit kinds as numbers). */
export function readScalar(r: ProtoReader, kind: number): unknown {
  const v = (r as unknown as Methods)[METHOD[kind]].call(r);
  if (isLong(kind)) return longToNumber(v);
  return v;
}

/** Writes one value of a scalar `kind` (with no tag). */
export function writeScalar(w: ProtoWriter, kind: number, value: unknown): void {
  (w as unknown as Methods)[METHOD[kind]].call(w, value);
}

function mapKey(key: string, kind: number): unknown {
  if (kind === Kind.BOOL) return key === "true";
  if (kind === Kind.STRING) return key;
  return Number(key);
}

/**
 * Bounds the reader to a length-delimited part while `read` reads it: a
 * length past the end, or a part its contents overrun, is an error, as
 * protobufjs's generated decoders check it.
 */
function bounded<T>(r: ProtoReader, read: (end: number) => T): T {
  const end = r.uint32() + r.pos;
  const len = r.len;
  if (end > len) throw new RangeError(`index out of range: ${end} > ${len}`);
  r.len = end;
  const v = read(end);
  if (r.pos !== end) throw new RangeError(`index out of range: ${r.pos} != ${end}`);
  r.len = len;
  return v;
}

function codecOf(type: TypeRef<unknown>): NestedCodec<unknown> {
  return type as unknown as NestedCodec<unknown>;
}

/** The one helpers object the generated codecs are given. */
export const HELPERS: WireHelpers = {
  msg(w, tag, value, type) {
    w.uint32(tag).fork();
    codecOf(type).encodeFields(value, w);
    w.ldelim();
  },
  sub<M>(r: ProtoReader, type: TypeRef<M>, into?: M): M {
    return bounded(r, (end) => codecOf(type).decodeFields(r, end, into) as M);
  },
  long(r, kind) {
    return longToNumber((r as unknown as Methods)[METHOD[kind]].call(r));
  },
  packed(w, tag, values, kind) {
    if (values.length === 0) return;
    w.uint32(tag).fork();
    for (const v of values) writeScalar(w, kind, v);
    w.ldelim();
  },
  unpack(r, into, kind) {
    bounded(r, (end) => {
      while (r.pos < end) into.push(readScalar(r, kind));
    });
  },
  map(w, tag, map, keyKind, valueKind, valueType) {
    for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
      w.uint32(tag).fork();
      w.uint32((1 << 3) | wireType(keyKind));
      writeScalar(w, keyKind, mapKey(k, keyKind));
      if (valueType) {
        HELPERS.msg(w, (2 << 3) | 2, v, valueType);
      } else {
        w.uint32((2 << 3) | wireType(valueKind));
        writeScalar(w, valueKind, v);
      }
      w.ldelim();
    }
  },
  entry(r, into, keyKind, valueKind, valueType) {
    bounded(r, (end) => {
      let key: unknown = keyKind === Kind.STRING ? "" : keyKind === Kind.BOOL ? false : 0;
      let value: unknown = undefined;
      while (r.pos < end) {
        const t = r.uint32();
        if (t === ((1 << 3) | wireType(keyKind))) key = readScalar(r, keyKind);
        else if (valueType && t === ((2 << 3) | 2)) value = HELPERS.sub(r, valueType);
        else if (!valueType && t === ((2 << 3) | wireType(valueKind))) {
          value = readScalar(r, valueKind);
        } else HELPERS.skipUnknown(r, t);
      }
      (into as Record<string, unknown>)[String(key)] = value ??
        (valueType
          ? codecOf(valueType).decodeFields(r, r.pos)
          : valueKind === Kind.STRING
          ? ""
          : valueKind === Kind.BYTES
          ? new Uint8Array(0)
          : valueKind === Kind.BOOL
          ? false
          : 0);
    });
  },
  skipUnknown(r, tag) {
    if (tag >>> 3 === 0) throw new RangeError("illegal tag: field number 0");
    (r as unknown as PbReader).skipType(tag & 7, 0, tag >>> 3);
  },
  skip(r, tag) {
    HELPERS.skipUnknown(r, tag);
  },
};

/** A reader over `bytes` whose `bytes()` are plain `Uint8Array` views, never Buffers. */
export function createReader(bytes: Uint8Array): ProtoReader {
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new protobuf.Reader(view) as unknown as ProtoReader;
}

/** A writer; `finish` gives the bytes. */
export function createWriter(): ProtoWriter & { finish(): Uint8Array } {
  return protobuf.Writer.create() as unknown as PbWriter & ProtoWriter;
}
