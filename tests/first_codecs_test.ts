/**
 * The first RPCs' messages written by hand (src/internal/grpc.ts `FIRST`)
 * must be byte for byte what protobufjs writes, an empty body must decode to
 * what protobufjs decodes, and anything the hand path does not cover must
 * still go through protobufjs.
 */
import { Buffer } from "node:buffer";
import { codec } from "../src/internal/grpc.ts";
import { file } from "../src/gen/wire.ts";
import { reflectType } from "../src/proto/runtime.ts";
import { assertEquals } from "./support/assert.ts";

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
