import { assert, assertEquals, assertStringIncludes, assertThrows } from "./support/assert.ts";
import { protoFile } from "../mod.ts";
import { templateData } from "../src/proto/runtime.ts";
import { moduleBeside, protoModuleState, syncProtoModules } from "../src/codegen/proto_sync.ts";
import { repoProtoModules } from "../scripts/proto.ts";
import { join } from "./support/path.ts";
import { exists, REPO, tempDir } from "./support/host.ts";
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
  const { source, current } = await protoModuleState(
    moduleBeside("examples/gobuilder/output.proto"),
  );
  assertEquals(source, current);
  assertStringIncludes(
    source,
    "export interface Binary {\n  /** Field 1: `location`. */\n  location: string;\n}",
  );
});

Deno.test("every generated module in the repository matches its .proto files (deno task proto --check)", async () => {
  const lines: string[] = [];
  const { stale, failed } = await syncProtoModules(
    repoProtoModules(),
    { check: true, log: (line) => lines.push(line) },
  );
  assertEquals({ stale, failed, lines }, { stale: [], failed: [], lines: [] });
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/proto.ts", "--check"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 0, new TextDecoder().decode(out.stderr));
});

Deno.test("the proto loop writes what changed, keeps what did not, and with check only reports", async () => {
  const dir = await tempDir("proto-sync-");
  const proto = join(dir, "output.proto");
  await Deno.writeTextFile(proto, 'syntax = "proto3";\npackage t;\nmessage A { string x = 1; }\n');
  const m = moduleBeside(proto);
  const run = async (check: boolean) => {
    const lines: string[] = [];
    const r = await syncProtoModules([m], {
      check,
      log: (l, error) => lines.push(`${error} ${l}`),
    });
    return { stale: r.stale.length, failed: r.failed.length, lines };
  };
  // Missing: check reports it, then a run writes it, then it is unchanged and current.
  const stale = `true error: ${m.out} is out of date with ${proto}: ` +
    "run `deno task proto` and commit the result";
  assertEquals(await run(true), { stale: 1, failed: 0, lines: [stale] });
  assertEquals(await run(false), { stale: 0, failed: 0, lines: [`false wrote ${m.out}`] });
  assertEquals(await run(false), { stale: 0, failed: 0, lines: [`false unchanged ${m.out}`] });
  assertEquals(await run(true), { stale: 0, failed: 0, lines: [] });
  // Edited by hand: drift.
  await Deno.writeTextFile(m.out, (await Deno.readTextFile(m.out)) + "// edited\n");
  assertEquals(await run(true), { stale: 1, failed: 0, lines: [stale] });
  // A .proto that does not parse: reported, and the loop goes on to the next module.
  const bad = join(dir, "bad.proto");
  await Deno.writeTextFile(bad, "message {");
  const lines: string[] = [];
  const r = await syncProtoModules([moduleBeside(bad), m], {
    log: (l, error) => lines.push(`${error} ${l}`),
  });
  assertEquals([r.failed.length, r.stale.length, lines.length], [1, 0, 2]);
  assertStringIncludes(
    lines[0],
    `true error: Cannot generate ${join(dir, "gen", "bad.ts")} from ${bad}: `,
  );
  assertEquals(lines[1], `false wrote ${m.out}`);
  assertEquals(await exists(join(dir, "gen", "bad.ts")), false);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("the proto tool: --check exits 1 on drift, a run writes gen/, no .proto is a usage error", async () => {
  const dir = await tempDir("proto-tool-");
  const tool = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--quiet", join(REPO, "src", "tools", "proto.ts"), ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output().then((o) => ({
      code: o.code,
      stdout: new TextDecoder().decode(o.stdout),
      stderr: new TextDecoder().decode(o.stderr),
    }));
  assertEquals(await tool([]), {
    code: 2,
    stdout: "",
    stderr: "error: No .proto files found below the current directory: name them, or run it in " +
      "the folder that holds them\n\n" +
      "Usage: deno run -A jsr:@x/waypoint-plugin/proto [options] [file.proto ...]\n" +
      "For all options, run it with --help\n",
  });
  await Deno.mkdir(join(dir, "a"));
  await Deno.writeTextFile(
    join(dir, "a", "m.proto"),
    'syntax = "proto3";\nmessage M { int32 n = 1; }\n',
  );
  const drift = await tool(["--check"]);
  assertEquals([drift.code, drift.stdout], [1, ""]);
  assertStringIncludes(drift.stderr, "error: a/gen/m.ts is out of date with a/m.proto");
  assertEquals(await tool([]), { code: 0, stdout: "wrote a/gen/m.ts\n", stderr: "" });
  assertEquals(await tool(["--check"]), { code: 0, stdout: "", stderr: "" });
  await Deno.remove(dir, { recursive: true });
});
