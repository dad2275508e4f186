import { assert, assertEquals, assertStringIncludes, assertThrows } from "./support/assert.ts";
import { protoFile } from "../mod.ts";
import { templateData } from "../src/proto/runtime.ts";
import { generateProtoModule } from "../src/codegen/protogen.ts";
import { Binary } from "../examples/gobuilder/gen/output.ts";
import { encodeResult } from "../src/internal/result.ts";

Deno.test("a generated message type encodes and decodes field 1 as protobuf does", () => {
  const bin = Binary.create({ location: "./app/app" });
  const bytes = Binary.encode(bin);
  // tag 0x0a (field 1, length-delimited), length 9, then the UTF-8 bytes.
  assertEquals([...bytes.subarray(0, 2)], [0x0a, 9]);
  assertEquals(new TextDecoder().decode(bytes.subarray(2)), "./app/app");
  assertEquals(Binary.decode(bytes).location, "./app/app");
  assert(Binary.is(bin));
  assert(!Binary.is({ location: "x" }));
  assertEquals(Binary.typeUrl, "type.googleapis.com/gobuilder.Binary");
});

Deno.test("toJson() writes protojson: camelCase keys, 64-bit as strings, defaults omitted", () => {
  const f = protoFile({
    nested: {
      t: {
        nested: {
          M: {
            fields: {
              output_name: { type: "string", id: 1 },
              size: { type: "int64", id: 2 },
              empty: { type: "string", id: 3 },
              tags: { keyType: "string", type: "string", id: 4 },
            },
          },
        },
      },
    },
  });
  const M = f.message<
    { outputName: string; size: number; empty: string; tags: Record<string, string> }
  >(
    "t.M",
  );
  const m = M.create({ outputName: "app", size: 5, tags: { a: "b" } });
  assertEquals(M.toJson(m), { outputName: "app", size: "5", tags: { a: "b" } });
  assertEquals(templateData(M, m), { output_name: "app", size: 5, empty: "", tags: { a: "b" } });
});

Deno.test("decode() names the type when the bytes are not a message", () => {
  assertThrows(
    () => Binary.decode(new Uint8Array([0x0a, 50, 1])),
    RangeError,
    "Cannot decode gobuilder.Binary",
  );
});

Deno.test("encodeResult() sends the Any, result_json and snake_case template data", () => {
  const r = encodeResult(Binary.create({ location: "./app/app" }), undefined, "build");
  assertEquals(r.result.typeUrl, "type.googleapis.com/gobuilder.Binary");
  assertEquals(r.resultJson, '{"location":"./app/app"}');
  assertEquals(new TextDecoder().decode(r.templateData), '{"location":"./app/app"}');
});

Deno.test("encodeResult() explains how to return a message when given a plain object", () => {
  assertThrows(
    () => encodeResult({ location: "x" }, undefined, "build"),
    Error,
    "build returned a plain object, not a protobuf message: return YourMessage.create",
  );
  // With a declared output type a plain object is fine.
  const r = encodeResult({ location: "x" }, Binary, "build");
  assertEquals(r.resultJson, '{"location":"x"}');
});

Deno.test("deno task proto output is what the committed example module holds (no drift)", async () => {
  const source = generateProtoModule(["examples/gobuilder/output.proto"]);
  const committed = await Deno.readTextFile("examples/gobuilder/gen/output.ts");
  assertEquals(source, committed);
  assertStringIncludes(
    source,
    "export interface Binary {\n  /** Field 1: `location`. */\n  location: string;\n}",
  );
});

Deno.test("every generated module in the repository matches its .proto files (deno task proto --check)", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/proto.ts", "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
});
