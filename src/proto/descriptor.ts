/**
 * Message types from a protobufjs JSON descriptor written by hand, for the
 * few places (examples, tests) that define a message without a `.proto`
 * file. Each message's field table is made from the JSON on first use, and
 * its values are encoded and decoded by walking that table: the same wire
 * form the generated encoders and decoders write (tests/proto_codecs_test.ts
 * holds the two and protobufjs's reflection equal), a little slower, and
 * with nothing generated at run time.
 *
 * @module
 */
import { type MessageType, messageType } from "./runtime.ts";
import {
  type EnumValues,
  type FieldRow,
  MAP,
  PRESENCE,
  REPEATED,
  scalarDefault,
} from "./values.ts";
import {
  isPackable,
  Kind,
  readScalar,
  type WireHelpers,
  wireType,
  writeScalar,
} from "./wire_io.ts";
import type { ProtoReader, ProtoWriter, TypeRef } from "./wire_io.ts";
import { SCALAR_KINDS } from "./wire_io.ts";

/** A field row's message type, as the helpers take it. */
function T(ref: object | 0 | undefined): TypeRef<object> {
  return ref as TypeRef<object>;
}

/**
 * A protobufjs JSON descriptor (`Root#toJSON()` output).
 *
 * @example A descriptor as protobufjs writes it
 * ```ts
 * import assert from "node:assert";
 * import { protoFile, type ProtoJson } from "@x/waypoint-plugin";
 * // What `Root.toJSON()` gives for `package demo; message Binary { string location = 1; }`.
 * const json: ProtoJson = {
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * };
 * assert(protoFile(json).has("demo.Binary"));
 * ```
 */
export type ProtoJson = { nested?: Record<string, unknown> };

/**
 * A loaded descriptor: look messages up by full name.
 *
 * @example Look message types up by name
 * ```ts
 * import assert from "node:assert";
 * import { type ProtoFile, protoFile } from "@x/waypoint-plugin";
 * const file: ProtoFile = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * assert.equal(Binary.typeUrl, "type.googleapis.com/demo.Binary");
 * assert(!file.has("demo.Image"));
 * assert.throws(() => file.message("demo.Image"), RangeError);
 * ```
 */
export interface ProtoFile {
  /** The message type with the full name `name`; throws a `RangeError` when there is none. */
  message<T extends object>(name: string): MessageType<T>;
  /** Whether the descriptor defines a message called `name`. */
  has(name: string): boolean;
}

type Json = Record<string, unknown>;
interface FieldJson {
  type: string;
  id: number;
  rule?: string;
  keyType?: string;
}

function camel(name: string): string {
  return name.slice(0, 1) + name.slice(1).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function index(json: ProtoJson): Map<string, Json> {
  const all = new Map<string, Json>();
  const walk = (prefix: string, nested: Record<string, unknown> | undefined) => {
    for (const [name, child] of Object.entries(nested ?? {})) {
      const full = prefix ? `${prefix}.${name}` : name;
      all.set(full, child as Json);
      walk(full, (child as Json).nested as Record<string, unknown> | undefined);
    }
  };
  walk("", json.nested);
  return all;
}

/** The full name `ref` means inside `scope`: the innermost enclosing namespace that has it. */
function resolveName(all: Map<string, Json>, scope: string, ref: string): string | undefined {
  if (ref.startsWith(".")) return all.has(ref.slice(1)) ? ref.slice(1) : undefined;
  for (let s = scope;; s = s.includes(".") ? s.slice(0, s.lastIndexOf(".")) : "") {
    const candidate = s ? `${s}.${ref}` : ref;
    if (all.has(candidate)) return candidate;
    if (s === "") return undefined;
  }
}

function interpretedEncode(
  rows: () => readonly FieldRow[],
): (m: object, w: ProtoWriter, $: WireHelpers) => void {
  let sorted: readonly FieldRow[] | undefined;
  return (m, w, $) => {
    sorted ??= [...rows()].sort((a, b) => a[0] - b[0]);
    const src = m as Record<string, unknown>;
    for (const [no, key, kind, ref, flags = 0] of sorted) {
      const v = src[key];
      if (v === undefined || v === null) continue;
      const tag = (no << 3) | wireType(kind);
      if (flags & MAP) {
        $.map(
          w,
          (no << 3) | 2,
          v as Json,
          flags >> 3,
          kind,
          kind === Kind.MESSAGE ? T(ref) : undefined,
        );
      } else if (flags & REPEATED) {
        const list = v as unknown[];
        if (kind === Kind.MESSAGE) { for (const x of list) $.msg(w, tag, x, T(ref)); }
        else if (isPackable(kind)) $.packed(w, (no << 3) | 2, list as number[], kind);
        else for (const x of list) writeScalar(w.uint32(tag), kind, x);
      } else if (kind === Kind.MESSAGE) {
        $.msg(w, tag, v, T(ref));
      } else if (flags & PRESENCE || !isZero(kind, v)) {
        writeScalar(w.uint32(tag), kind, v);
      }
    }
  };
}

function isZero(kind: number, v: unknown): boolean {
  if (kind === Kind.BYTES) return (v as Uint8Array).length === 0;
  if (kind === Kind.DOUBLE || kind === Kind.FLOAT) return Object.is(v, 0);
  return !v;
}

function interpretedDecode(
  rows: () => readonly FieldRow[],
): (r: ProtoReader, end: number, $: WireHelpers, into?: object) => object {
  let byNumber: Map<number, FieldRow> | undefined;
  return (r, end, $, into) => {
    const all = rows();
    byNumber ??= new Map(all.map((row) => [row[0], row]));
    let m = into as Record<string, unknown> | undefined;
    if (!m) {
      m = {};
      for (const [, key, kind, , flags = 0] of all) {
        if (flags & MAP) m[key] = {};
        else if (flags & REPEATED) m[key] = [];
        else if (kind !== Kind.MESSAGE && !(flags & PRESENCE)) m[key] = scalarDefault(kind);
      }
    }
    while (r.pos < end) {
      const t = r.uint32();
      const row = byNumber.get(t >>> 3);
      const wire = t & 7;
      if (!row) {
        $.skipUnknown(r, t);
        continue;
      }
      const [, key, kind, ref, flags = 0] = row;
      const read = () => kind === Kind.MESSAGE ? $.sub(r, T(ref)) : readScalar(r, kind);
      if (flags & MAP) {
        if (wire === 2) {
          $.entry(r, m[key] as Json, flags >> 3, kind, kind === Kind.MESSAGE ? T(ref) : undefined);
        } else $.skipUnknown(r, t);
      } else if (flags & REPEATED) {
        const list = m[key] as (number | boolean)[];
        if (wire === 2 && isPackable(kind)) $.unpack(r, list, kind);
        else if (wire === wireType(kind)) list.push(read() as number);
        else $.skipUnknown(r, t);
      } else if (wire !== wireType(kind)) {
        $.skipUnknown(r, t);
      } else if (kind === Kind.MESSAGE) {
        m[key] = $.sub(r, T(ref), m[key] as object | undefined);
      } else {
        m[key] = readScalar(r, kind);
      }
    }
    return m;
  };
}

/**
 * Loads a protobufjs JSON descriptor, for a message defined without a
 * `.proto` file; a plugin's messages come from `deno task proto`, which
 * writes faster codecs.
 *
 * @example Load a descriptor and encode a message
 * ```ts
 * import assert from "node:assert";
 * import { protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const bytes = Binary.encode({ location: "/tmp/app" });
 * assert(Binary.decode(bytes).location === "/tmp/app");
 * ```
 */
export function protoFile(json: ProtoJson): ProtoFile {
  const all = index(json);
  const types = new Map<string, MessageType<object>>();
  const enums = new Map<string, EnumValues>();
  const isMessage = (name: string) => "fields" in (all.get(name) ?? {});

  const rowsOf = (full: string): FieldRow[] => {
    const node = all.get(full)!;
    const presence = new Set<string>();
    for (const o of Object.values((node.oneofs ?? {}) as Record<string, { oneof: string[] }>)) {
      for (const member of o.oneof) presence.add(member);
    }
    return Object.entries(node.fields as Record<string, FieldJson>).map(([name, f]) => {
      let kind = SCALAR_KINDS[f.type];
      let ref: object | 0 = 0;
      if (kind === undefined) {
        const target = resolveName(all, full, f.type);
        if (target === undefined) {
          throw new RangeError(`Cannot find type "${f.type}" of field "${name}" in ${full}`);
        }
        if (isMessage(target)) {
          kind = Kind.MESSAGE;
          ref = message(target);
        } else {
          kind = Kind.ENUM;
          ref = enumValues(target);
        }
      }
      const map = f.keyType !== undefined;
      const flags = (f.rule === "repeated" ? REPEATED : 0) |
        (map ? MAP | (SCALAR_KINDS[f.keyType!] << 3) : 0) |
        (presence.has(name) && kind !== Kind.MESSAGE ? PRESENCE : 0);
      return [f.id, camel(name), kind, ref, flags, name] as const;
    });
  };

  const enumValues = (full: string): EnumValues => {
    let v = enums.get(full);
    if (!v) {
      v = Object.freeze({ ...((all.get(full)!.values ?? {}) as Record<string, number>) });
      enums.set(full, v);
    }
    return v;
  };

  const message = <T extends object>(name: string): MessageType<T> => {
    const full = name.replace(/^\./, "");
    let type = types.get(full);
    if (!type) {
      if (!isMessage(full)) {
        throw new RangeError(
          `Cannot find message "${name}" in the descriptor: check the package and message name in the .proto file`,
        );
      }
      let rows: FieldRow[] | undefined;
      const fields = () => rows ??= rowsOf(full);
      type = messageType<object>(
        full,
        fields,
        interpretedEncode(fields),
        interpretedDecode(fields),
      );
      types.set(full, type);
    }
    return type as MessageType<T>;
  };

  return {
    message,
    has: (name: string) => isMessage(name.replace(/^\./, "")),
  };
}
