/**
 * The first RPCs' messages written by hand (src/internal/grpc.ts `FIRST`)
 * must be byte for byte what protobufjs writes, an empty body must decode to
 * what protobufjs decodes, Configure's request must decode (and fail) as
 * protobufjs's decoder does, and anything the hand path does not cover must
 * still go through protobufjs.
 */
import { Buffer } from "node:buffer";
import { codec, DecodeFailure } from "../src/internal/grpc.ts";
import { file, type Struct } from "../src/gen/wire.ts";
import { reflectType } from "../src/proto/runtime.ts";
import { config } from "../src/config/schema.ts";
import { toProtostructure } from "../src/internal/config_wire.ts";
import { assert, assertEquals, assertThrows } from "./support/assert.ts";

const CASES: [string, object][] = [
  ["google.protobuf.Empty", {}],
  ["plugin.Empty", {}],
  ["hashicorp.waypoint.sdk.ImplementsResp", { implements: true }],
  ["hashicorp.waypoint.sdk.ImplementsResp", { implements: false }],
  ["hashicorp.waypoint.sdk.ImplementsResp", {}],
  ["hashicorp.waypoint.sdk.Map.ListResponse", { funcs: [] }],
  ["hashicorp.waypoint.sdk.Map.ListResponse", {}],
  // Not trivial: protobufjs writes it.
  ["hashicorp.waypoint.sdk.Map.ListResponse", {
    funcs: [{ name: "m", args: [{ name: "", type: "a.B" }], result: [{ name: "", type: "c.D" }] }],
  }],
];

for (const [type, value] of CASES) {
  Deno.test(`codec(${type}) encodes ${JSON.stringify(value)} as protobufjs does`, () => {
    const t = reflectType(file.message(type));
    const expected = [...t.encode(t.fromObject(value)).finish()];
    assertEquals([...codec(type).serialize(value)], expected);
  });
}

function plain(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x));
}

for (const type of new Set(CASES.map(([t]) => t))) {
  Deno.test(`codec(${type}) decodes an empty body as protobufjs does`, () => {
    const t = reflectType(file.message(type));
    const expected = t.toObject(t.decode(new Uint8Array(0)), { defaults: true, arrays: true });
    assertEquals(plain(codec(type).deserialize(Buffer.alloc(0))), plain(expected));
  });
}

Deno.test("codec(ImplementsResp) decodes a non-empty body through protobufjs", () => {
  const got = codec("hashicorp.waypoint.sdk.ImplementsResp").deserialize(
    Buffer.from([0x08, 0x01]),
  ) as { implements: boolean };
  assertEquals(got.implements, true);
});

const STRUCT_CASES: [string, Struct][] = [
  ["no fields", { fields: [] }],
  [
    "the gobuilder's",
    toProtostructure(
      config.object({
        outputName: config.string({ hcl: "output_name", default: "app" }),
        source: config.string({ default: "./" }),
      }).shape,
    ),
  ],
  [
    "every field kind",
    toProtostructure(
      config.object({
        name: config.string({ required: true }),
        count: config.int({ required: true }),
        ratio: config.number(),
        on: config.bool({ default: true }),
        args: config.list(config.string()),
        maybe: config.list(config.int(), { nullElements: true }),
        env: config.map(config.string()),
        auth: config.block({ user: config.string({ required: true }) }),
        port: config.blocks({ name: config.label(), number: config.int({ required: true }) }),
      }).shape,
    ),
  ],
];

for (const [what, struct] of STRUCT_CASES) {
  Deno.test(`codec(Config.StructResp) encodes a protostructure (${what}) as protobufjs does`, () => {
    const type = "hashicorp.waypoint.sdk.Config.StructResp";
    const t = reflectType(file.message(type));
    const expected = [...t.encode(t.fromObject({ struct })).finish()];
    assertEquals([...codec(type).serialize({ struct })], expected);
  });
}

Deno.test("codec(Config.ConfigureRequest) decodes as protobufjs does, and refuses what it refuses", () => {
  const type = "hashicorp.waypoint.sdk.Config.ConfigureRequest";
  const t = reflectType(file.message(type));
  const decode = (b: Uint8Array) => codec(type).deserialize(Buffer.from(b));
  const json = new TextEncoder().encode('{"output_name":"app"}');
  const bytes = t.encode(t.fromObject({ json })).finish();
  const both = (b: Uint8Array) => {
    const ours = decode(b) as { json: Uint8Array };
    const theirs = t.decode(b) as unknown as { json: Uint8Array };
    assertEquals([...ours.json], [...theirs.json]);
  };
  both(bytes);
  // An unknown field (7, varint) before it is skipped, as protobufjs skips it.
  both(new Uint8Array([0x38, 0x05, ...bytes]));
  // Field 1 twice: the last one wins.
  both(new Uint8Array([...bytes, 0x0a, 0x01, 0x41]));
  // A truncated body is a decode failure either way.
  const cut = bytes.subarray(0, 5);
  assertThrows(() => t.decode(cut));
  assert(decode(cut) instanceof DecodeFailure);
});
