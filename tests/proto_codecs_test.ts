/**
 * The generated encoders and decoders (`deno task proto`), the table-walking
 * ones behind `protoFile()` and protobufjs's reflection must agree on every
 * message of every generated module in the repository: the same bytes for
 * the same value, and the same value back from those bytes, over random
 * values of every field kind (a fixed seed: the same cases every run).
 */
import protobuf from "protobufjs";
import { assert, assertEquals, assertThrows } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO } from "./support/host.ts";
import { repoProtoModules } from "../scripts/proto.ts";
import { type MessageType, protoFile } from "../mod.ts";
import { decodeMessage, encodeMessage, internals } from "../src/proto/runtime.ts";
import { createValue, type FieldRow, MAP, PRESENCE, REPEATED } from "../src/proto/values.ts";
import { createReader, HELPERS, Kind } from "../src/proto/wire_io.ts";
import * as kinds from "./fixtures/proto/gen/kinds.ts";

type Obj = Record<string, unknown>;

let seed = 0x9e3779b9;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 0x100000000;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

const STRINGS = [
  "",
  "a",
  "h\u00e9llo",
  "\u{1F600}",
  "x".repeat(300),
  "tab\there",
  "caf\u00e9 \u2014 ok",
];

function scalar(kind: number, ref: unknown): unknown {
  switch (kind) {
    case Kind.STRING:
      return pick(STRINGS);
    case Kind.BOOL:
      return rand() < 0.5;
    case Kind.BYTES:
      return pick([
        new Uint8Array(0),
        new Uint8Array([1, 2, 3]),
        Uint8Array.from({ length: 300 }, () => int(0, 255)),
      ]);
    case Kind.DOUBLE:
      return pick([0, 1.5, -3.25, 1e300, -0.125, Number.NaN, Infinity, int(-1e6, 1e6) / 7]);
    case Kind.FLOAT:
      return Math.fround(pick([0, 1.5, -2.25, 3e38, int(-1e4, 1e4) / 3]));
    case Kind.INT32:
    case Kind.SINT32:
    case Kind.SFIXED32:
      return pick([0, 1, -1, 2 ** 31 - 1, -(2 ** 31), int(-1e9, 1e9)]);
    case Kind.UINT32:
    case Kind.FIXED32:
      return pick([0, 1, 2 ** 32 - 1, int(0, 4e9)]);
    case Kind.INT64:
    case Kind.SINT64:
    case Kind.SFIXED64:
      return pick([0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), int(-1e15, 1e15)]);
    case Kind.UINT64:
    case Kind.FIXED64:
      return pick([0, 1, 2 ** 53 - 1, int(0, 1e15)]);
    case Kind.ENUM:
      return pick(Object.values(ref as Record<string, number>));
  }
  throw new Error(`no scalar of kind ${kind}`);
}

function mapKey(kind: number): string {
  if (kind === Kind.STRING) return pick(["", "k", "key two", "\u00e9"]);
  if (kind === Kind.BOOL) return pick(["true", "false"]);
  return String(scalar(kind, undefined));
}

/** The oneof groups of each message (the field table does not record them), by camelCase name. */
const ONEOFS = new Map<string, string[][]>();

/** A random value of `type`: some fields left out, one member of a oneof at most, nesting bounded. */
function value(type: MessageType<object>, depth = 0): Obj {
  const out: Obj = {};
  const left = new Set<string>();
  for (const group of ONEOFS.get(type.typeName) ?? []) {
    for (const k of group) left.add(k);
    left.delete(pick(group));
  }
  for (const [, key, kind, ref, flags = 0] of internals(type).fields as FieldRow[]) {
    if (rand() < 0.25 || left.has(key)) continue;
    const one = () =>
      kind === Kind.MESSAGE ? value(ref as MessageType<object>, depth + 1) : scalar(kind, ref);
    if (kind === Kind.MESSAGE && depth > 2) continue;
    if (flags & MAP) {
      const m: Obj = {};
      for (let i = int(0, 3); i > 0; i--) m[mapKey(flags >> 3)] = one();
      out[key] = m;
    } else if (flags & REPEATED) {
      out[key] = Array.from({ length: int(0, 3) }, one);
    } else if (flags & PRESENCE && rand() < 0.5) {
      continue;
    } else {
      out[key] = one();
    }
  }
  return out;
}

/** What decoding gives back: strings well-formed, every default present. */
function expected(type: MessageType<object>, v: Obj): Obj {
  const wellFormed = (x: unknown): unknown =>
    typeof x === "string"
      ? x.toWellFormed()
      : x instanceof Uint8Array
      ? x
      : Array.isArray(x)
      ? x.map(wellFormed)
      : x && typeof x === "object"
      ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, wellFormed(y)]))
      : x;
  return createValue(internals(type), wellFormed(v) as Obj);
}

/** `v` with protobufjs's field names (its bundled google/protobuf types keep `type_url`). */
function theirNames(type: MessageType<object>, t: protobuf.Type, v: Obj): Obj {
  const out: Obj = {};
  for (const [no, key, kind, ref, flags = 0] of internals(type).fields as FieldRow[]) {
    if (!(key in v)) continue;
    const f = t.fieldsById[no];
    const one = (x: unknown) =>
      kind === Kind.MESSAGE
        ? theirNames(ref as MessageType<object>, f.resolvedType as protobuf.Type, x as Obj)
        : x;
    const x = v[key];
    out[f.name] = flags & MAP
      ? Object.fromEntries(Object.entries(x as Obj).map(([k, y]) => [k, one(y)]))
      : flags & REPEATED
      ? (x as unknown[]).map(one)
      : one(x);
  }
  return out;
}

function messageTypes(module: Obj): MessageType<object>[] {
  return Object.values(module).filter((v): v is MessageType<object> =>
    v !== null && typeof v === "object" && "typeUrl" in v
  );
}

/** protobufjs's reflection of the module's `.proto` files, field names camelCased as ours. */
function reflection(inputs: readonly string[], includeDirs: readonly string[], keepCase: boolean) {
  const root = new protobuf.Root();
  // Our own copies of google/protobuf/*.proto where the module has them (protobufjs's bundled
  // ones are JSON its keepCase does not apply to: `type_url` would stay snake_case).
  root.resolvePath = (origin, target) => {
    for (const dir of [origin ? join(origin, "..") : "", ...includeDirs]) {
      const path = dir ? join(dir, target) : target;
      try {
        Deno.statSync(path);
        return path;
      } catch {
        // next folder
      }
    }
    return target;
  };
  root.loadSync([...inputs], { keepCase });
  root.resolveAll();
  return root;
}

const modules = repoProtoModules();

for (const m of modules) {
  const name = m.out.slice(REPO.length + 1);
  Deno.test(`the generated codecs of ${name} write and read what protobufjs and protoFile() do`, async () => {
    const mod = await import(m.out) as Obj;
    const types = messageTypes(mod);
    assert(types.length > 0, `no message types in ${name}`);
    const pb = reflection(m.inputs, m.includeDirs ?? [], false);
    for (const type of types) {
      const t = pb.lookupType(type.typeName);
      ONEOFS.set(type.typeName, t.oneofsArray.map((o) => o.oneof));
    }
    const interpreted = protoFile(
      reflection(m.inputs, m.includeDirs ?? [], true).toJSON() as { nested: Obj },
    );
    let cases = 0;
    for (const type of types) {
      const ref = pb.lookupType(type.typeName);
      const twin = interpreted.message<object>(type.typeName);
      for (let i = 0; i < 25; i++) {
        const v = value(type);
        const what = `${type.typeName} #${i}: ${
          JSON.stringify(v, (_, x) =>
            x instanceof Uint8Array
              ? [...x]
              : typeof x === "number" && !Number.isFinite(x)
              ? String(x)
              : x)
        }`;
        const ours = encodeMessage(type, v);
        // Plain values as they are (as grpc-js was handed them): fromObject has wrappers (Any).
        const theirs = ref.encode(theirNames(type, ref, v)).finish();
        assertEquals([...ours], [...theirs], `bytes, ${what}`);
        assertEquals([...twin.encode(v)], [...ours], `protoFile() bytes, ${what}`);
        const back = decodeMessage(type, theirs);
        assertEquals(back, expected(type, v), `decoded, ${what}`);
        assertEquals(decodeMessage(twin, ours), back, `protoFile() decoded, ${what}`);
        cases++;
      }
    }
    assert(cases >= 25 * types.length);
  });
}

Deno.test("a repeated scalar reads packed and unpacked, and a repeated message field merges", () => {
  const { Repeated, Tree } = kinds;
  // Field 5 (int32): packed [1, 2], then unpacked 3 (tag 0x28).
  const mixed = new Uint8Array([0x2a, 2, 1, 2, 0x28, 3]);
  assertEquals(Repeated.decode(mixed).rInt32, [1, 2, 3]);
  // Field 9 (scalars) twice: the second occurrence merges into the first.
  const a = kinds.Scalars.encode({ fString: "a", fInt32: 7 });
  const b = kinds.Scalars.encode({ fString: "b" });
  const twice = new Uint8Array([0x4a, a.length, ...a, 0x4a, b.length, ...b]);
  const t = Tree.decode(twice);
  assertEquals([t.scalars?.fString, t.scalars?.fInt32], ["b", 7]);
});

Deno.test("unknown fields and known fields with another wire type are skipped, as protobufjs does", () => {
  const { Scalars } = kinds;
  // Field 99 varint, field 9 (a string) sent as a varint, a 64-bit and a 32-bit unknown
  // field, then field 2 (a float), 1.5.
  const bytes = new Uint8Array([
    0x98,
    0x06,
    5,
    0x48,
    1,
    0x99,
    0x06,
    ...new Array(8).fill(0),
    0x9d,
    0x06,
    0,
    0,
    0,
    0,
    0x15,
    0,
    0,
    0xc0,
    0x3f,
  ]);
  const v = Scalars.decode(bytes);
  assertEquals([v.fString, v.fFloat], ["", 1.5]);
});

Deno.test("bytes that are not a message are refused, naming the type", () => {
  const { Tree, Scalars } = kinds;
  const cases: [string, number[]][] = [
    ["a length past the end", [0x4a, 50, 1]],
    ["a truncated varint", [0x18, 0xff]],
    ["field number 0", [0x00, 1]],
    ["wire type 7", [0x0f]],
    ["a nested field overrunning its message", [0x4a, 2, 0x4a, 5, 0, 0, 0, 0, 0]],
  ];
  const S = protoFile({
    nested: {
      k: { nested: { S: { fields: { s: { type: "Tree", id: 9 } } }, Tree: { fields: {} } } },
    },
  }).message("k.S");
  for (const [what, bytes] of cases) {
    for (const [type, name] of [[Tree, "kinds.Tree"], [S, "k.S"]] as const) {
      try {
        assertThrows(() => type.decode(new Uint8Array(bytes)), RangeError, `Cannot decode ${name}`);
      } catch (err) {
        throw new Error(`${what}, ${name}: ${(err as Error).message}`);
      }
    }
  }
  assertEquals(Scalars.decode(new Uint8Array(0)).fString, "");
});

Deno.test("decoded bytes fields are plain Uint8Arrays, and decoded values are tagged with their type", () => {
  const { Scalars } = kinds;
  const v = Scalars.decode(Buffer.from(Scalars.encode({ fBytes: new Uint8Array([9, 8]) })));
  assertEquals(Object.getPrototypeOf(v.fBytes), Uint8Array.prototype);
  assertEquals([...v.fBytes], [9, 8]);
  assert(Scalars.is(v));
  assert(!Scalars.is({ ...v }));
});

Deno.test("codecs generated before skipUnknown still skip unknown fields through the old skip", () => {
  // Field 1 (varint 150), then field 2 (a string "hi") that this reader does not know.
  const bytes = new Uint8Array([0x08, 0x96, 0x01, 0x12, 0x02, 0x68, 0x69]);
  for (const name of ["skip", "skipUnknown"] as const) {
    const r = createReader(bytes);
    const seen: number[] = [];
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 1) seen.push(r.int32());
      else HELPERS[name](r, t);
    }
    assertEquals([name, seen, r.pos], [name, [150], bytes.length]);
  }
  assertThrows(() => HELPERS.skip(createReader(new Uint8Array([0x00])), 0), RangeError);
});
