/**
 * An author's `templateData` shapes what later stages see as `artifact.<key>`; these are the
 * edges the conformance tests (go_parity_test.ts) do not reach: bad return values, failures,
 * values Waypoint's converter cannot take, and the documented fields.
 */
import { assertEquals, assertThrows } from "./support/assert.ts";
import { Binary } from "../examples/gobuilder/gen/output.ts";
import { Code, createLogger, defineBuilder, PluginError, protoFile } from "../mod.ts";
import { encodeResult } from "../src/internal/result.ts";
import { templateFieldDocs, type TemplateShaper } from "../src/internal/template_data.ts";

const bin = Binary.create({ location: "./app/app" });
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const logger = createLogger("test", { level: "error", write: () => {} });

Deno.test("templateData replaces the default fields; null and {} publish nothing", () => {
  const shaped = encodeResult(bin, undefined, "build", (_b, fields) => ({ ...fields, n: 1 }));
  assertEquals(JSON.parse(text(shaped.templateData)), { location: "./app/app", n: 1 });
  for (const none of [() => null, () => undefined, () => ({})]) {
    assertEquals(encodeResult(bin, undefined, "build", none).templateData.length, 0);
  }
});

Deno.test("an empty list in template data is sent as null, which Waypoint's converter can take", () => {
  const r = encodeResult(
    bin,
    undefined,
    "push",
    () => ({ tags: [], nested: { more: [] }, ok: [1] }),
  );
  assertEquals(JSON.parse(text(r.templateData)), { tags: null, nested: { more: null }, ok: [1] });
});

Deno.test("templateData that returns a non-object, throws, or cannot be JSON fails with a clear error", () => {
  const err = (shape: (b: never) => unknown) => {
    try {
      encodeResult(bin, undefined, "deploy", shape as never);
    } catch (e) {
      return [(e as PluginError).code, (e as Error).message];
    }
    throw new Error("no error");
  };
  assertEquals(err(() => ["a"]), [
    Code.INTERNAL,
    "deploy's templateData returned an array: return an object of the variables later stages see as artifact.<key>, or null to publish none",
  ]);
  assertEquals(err(() => "x"), [
    Code.INTERNAL,
    "deploy's templateData returned a string: return an object of the variables later stages see as artifact.<key>, or null to publish none",
  ]);
  assertEquals(
    err(() => {
      throw new PluginError("no digest yet", Code.FAILED_PRECONDITION);
    }),
    [Code.FAILED_PRECONDITION, "deploy's templateData failed: no digest yet"],
  );
  // The Go SDK's code and words for template data json.Marshal refuses.
  assertEquals(err(() => ({ big: 1n })), [
    Code.ABORTED,
    "failed to JSON encode result template data: Do not know how to serialize a BigInt",
  ]);
});

Deno.test("the documented template fields are what templateData gives an empty output, typed", () => {
  const f = protoFile({
    nested: {
      t: {
        nested: {
          M: {
            fields: {
              path: { type: "string", id: 1 },
              tags: { rule: "repeated", type: "string", id: 2 },
            },
          },
        },
      },
    },
  });
  const M = f.message<{ path: string; tags: string[] }>("t.M");
  const fields = (shape?: TemplateShaper, docs?: Record<string, string>) =>
    Object.values(templateFieldDocs(M, shape, docs, logger)).map((
      d,
    ) => [d.name, d.type, d.synopsis]);
  assertEquals(fields(), [["path", "string", ""], ["tags", "list of string", ""]]);
  const shape = ((m: { path: string }, x: Record<string, unknown>) => ({
    path: x.path,
    size: 0,
    ratio: 0.5,
    ok: false,
    dir: m.path.split("/")[0],
  })) as never;
  assertEquals(fields(shape, { dir: "The first path segment", extra: "Only documented" }), [
    ["path", "string", ""],
    ["size", "int", ""],
    ["ratio", "float64", ""],
    ["ok", "bool", ""],
    ["dir", "string", "The first path segment"],
    ["extra", "", "Only documented"],
  ]);
  // One that cannot handle an empty output documents only what docs name, and the RPC answers.
  const fragile = ((m: { path: string }) => ({ first: m.path.split("/")[1].length })) as never;
  assertEquals(fields(fragile, { first: "Length" }), [["first", "", "Length"]]);
});

Deno.test("defineBuilder refuses a misdeclared accessInfo, hasRegistry or docs.examples", () => {
  const build = () => bin;
  assertThrows(
    () => defineBuilder({ accessInfo: "AccessInfo" as never, build }),
    TypeError,
    `The builder's accessInfo must be a message type from a module \`deno task proto\` generated, or a full message name such as "docker.Image", got "AccessInfo"`,
  );
  assertThrows(
    () => defineBuilder({ hasRegistry: "yes" as never, build }),
    TypeError,
    "The builder's hasRegistry must be true or false",
  );
  assertThrows(
    () => defineBuilder({ docs: { examples: "build {}" as never }, build }),
    TypeError,
    "The builder's docs.examples must be an array of strings",
  );
  assertThrows(
    () => defineBuilder({ templateData: {} as never, build }),
    TypeError,
    "The builder's templateData must be a function",
  );
});
