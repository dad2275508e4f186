import { assertEquals, assertThrows } from "./support/assert.ts";
import { config, ConfigError } from "../mod.ts";
import { checkSchema } from "../src/config/check.ts";
import { decodeConfig } from "../src/config/decode.ts";
import { fieldDocs } from "../src/config/docs.ts";
import { toProtostructure } from "../src/internal/config_wire.ts";

const Gobuilder = config.object({
  outputName: config.string({ hcl: "output_name", default: "app", doc: "Name of the binary" }),
  source: config.string({ default: "./", doc: "Sources" }),
});

Deno.test("toProtostructure() describes optional strings as *string with hcl and json tags", () => {
  assertEquals(toProtostructure(Gobuilder.shape), {
    fields: [
      {
        Name: "OutputName",
        PkgPath: "",
        Tag: 'hcl:"output_name,optional" json:"output_name"',
        type: { container: { kind: 22, elem: { primitive: { kind: 24 } }, count: 0 } },
      },
      {
        Name: "Source",
        PkgPath: "",
        Tag: 'hcl:"source,optional" json:"source"',
        type: { container: { kind: 22, elem: { primitive: { kind: 24 } }, count: 0 } },
      },
    ],
  });
});

Deno.test("toProtostructure() maps required fields, lists, maps and blocks to Go kinds", () => {
  const s = config.object({
    name: config.string({ required: true }),
    count: config.int({ required: true }),
    args: config.list(config.string()),
    env: config.map(config.string()),
    auth: config.block({ user: config.string({ required: true }) }),
    port: config.blocks({ name: config.label(), number: config.int({ required: true }) }),
  });
  const fields = toProtostructure(s.shape).fields;
  assertEquals(fields.map((f) => f.Tag), [
    'hcl:"name" json:"name"',
    'hcl:"count" json:"count"',
    'hcl:"args,optional" json:"args"',
    'hcl:"env,optional" json:"env"',
    'hcl:"auth,block" json:"auth"',
    'hcl:"port,block" json:"port"',
  ]);
  assertEquals(fields[0].type, { primitive: { kind: 24 } });
  assertEquals(fields[1].type, { primitive: { kind: 6 } });
  assertEquals(fields[2].type?.container?.kind, 23);
  assertEquals(fields[3].type?.container?.kind, 21);
  assertEquals(fields[4].type?.container?.kind, 22);
  assertEquals(fields[4].type?.container?.elem?.struct?.fields[0].Tag, 'hcl:"user" json:"user"');
  assertEquals(fields[5].type?.container?.kind, 23);
  assertEquals(
    fields[5].type?.container?.elem?.container?.elem?.struct?.fields[0].Tag,
    'hcl:"name,label" json:"name"',
  );
});

Deno.test("decodeConfig() applies defaults for null and keeps explicit values", () => {
  assertEquals(decodeConfig(Gobuilder.shape, { output_name: null, source: null }), {
    outputName: "app",
    source: "./",
  });
  assertEquals(decodeConfig(Gobuilder.shape, { output_name: "", source: "./src" }), {
    outputName: "",
    source: "./src",
  });
});

Deno.test("decodeConfig() names the field, the value and the expected type on a type mismatch", () => {
  const err = assertThrows(
    () => decodeConfig(Gobuilder.shape, { output_name: 5, source: null }),
    ConfigError,
  );
  assertEquals(err.message, 'field "output_name" must be a string: 5 (a number)');
  assertEquals(err.field, "output_name");
});

Deno.test("decodeConfig() rejects fields the schema does not have, listing the known ones", () => {
  assertThrows(
    () => decodeConfig(Gobuilder.shape, { sourc: "x" }),
    Error,
    `field "sourc" is not part of this plugin's config: the fields are "output_name", "source"`,
  );
});

Deno.test("decodeConfig() reports a missing required field and hides sensitive values", () => {
  const s = config.object({
    token: config.string({ required: true, sensitive: true }),
  });
  assertThrows(() => decodeConfig(s.shape, {}), ConfigError, 'field "token" is required');
  const err = assertThrows(() => decodeConfig(s.shape, { token: 42 }), ConfigError);
  assertEquals(err.message.includes("42"), false);
});

Deno.test("checkSchema() refuses names the host would panic on or HCL cannot parse", () => {
  assertThrows(
    () => checkSchema(config.object({ "bad-key": config.string() }), "The builder's config"),
    TypeError,
    'config key "bad-key" is not a valid identifier',
  );
  assertThrows(
    () =>
      checkSchema(
        config.object({ a: config.string({ hcl: "x" }), b: config.string({ hcl: "x" }) }),
        "c",
      ),
    TypeError,
    'share the HCL name "x"',
  );
  assertThrows(
    () => checkSchema(config.object({ a: config.string(), A: config.string() }), "c"),
    TypeError,
    "differ only in the case",
  );
  assertThrows(
    () => checkSchema(config.object({ n: config.label() }), "c"),
    TypeError,
    "only a block can have",
  );
});

Deno.test("fieldDocs() documents name, type, default and optionality", () => {
  assertEquals(fieldDocs(Gobuilder.shape).output_name, {
    name: "output_name",
    synopsis: "Name of the binary",
    summary: "",
    optional: true,
    envVar: "",
    type: "string",
    default: "app",
    category: false,
    subFields: [],
  });
});
