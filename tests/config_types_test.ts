/**
 * What `config.*` infers for `ctx.config`, checked by the type checker: each
 * `@ts-expect-error` below must meet an error, or `deno check` fails, so the
 * wrong types are proven wrong as well as the right ones right. The runtime
 * half decodes what the host sends for lists and maps.
 */
import { assertEquals, assertThrows } from "./support/assert.ts";
import { config, ConfigError, type Infer } from "../mod.ts";
import { decodeConfig } from "../src/config/decode.ts";
import { toProtostructure } from "../src/internal/config_wire.ts";
import { join } from "./support/path.ts";
import { makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";

/** `true` when `A` and `B` are the same type (not merely assignable). */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
function same<_ extends true>(): void {}

const Lists = config.object({
  args: config.list(config.string()),
  ports: config.list(config.int()),
  flags: config.list(config.bool({ default: true })),
  env: config.map(config.string()),
  weights: config.map(config.number()),
  tags: config.list(config.string(), { nullElements: true }),
  labels: config.map(config.string(), { nullElements: true }),
  defaults: config.list(config.string(), { default: ["a"] }),
  name: config.string(),
});
type Lists = Infer<typeof Lists>;

Deno.test("a list or map of config.string() is string[] / Record<string, string>", () => {
  same<Same<Lists["args"], string[]>>();
  same<Same<Lists["ports"], number[]>>();
  same<Same<Lists["flags"], boolean[]>>();
  same<Same<Lists["env"], Record<string, string>>>();
  same<Same<Lists["weights"], Record<string, number>>>();
  same<Same<Lists["defaults"], string[]>>();
  // @ts-expect-error: elements are never undefined unless the author asks for it
  same<Same<Lists["args"], (string | undefined)[]>>();
  // @ts-expect-error: map values are never undefined unless the author asks for it
  same<Same<Lists["env"], Record<string, string | undefined>>>();
  const value: Lists = decodeConfig(Lists.shape, { args: ["-v"], env: { A: "1" } }) as Lists;
  const first: string = value.args[0];
  const a: string = value.env.A;
  assertEquals([first, a], ["-v", "1"]);
});

Deno.test("nullElements: true is the only way to get undefined elements", () => {
  same<Same<Lists["tags"], (string | undefined)[]>>();
  same<Same<Lists["labels"], Record<string, string | undefined>>>();
  // @ts-expect-error: the author asked for nullable elements
  same<Same<Lists["tags"], string[]>>();
  // A scalar field stays optional as before.
  same<Same<Lists["name"], string | undefined>>();
  // @ts-expect-error: an optional scalar without a default may be undefined
  same<Same<Lists["name"], string>>();
});

Deno.test("decodeConfig() keeps null elements only where nullElements is set", () => {
  const shape = config.object({
    args: config.list(config.string()),
    tags: config.list(config.string(), { nullElements: true }),
    env: config.map(config.string()),
    labels: config.map(config.string(), { nullElements: true }),
  }).shape;
  assertEquals(
    decodeConfig(shape, { args: ["a"], tags: ["x", null], env: { A: "1" }, labels: { B: null } }),
    { args: ["a"], tags: ["x", undefined], env: { A: "1" }, labels: { B: undefined } },
  );
  const list = assertThrows(() => decodeConfig(shape, { args: ["a", null] }), ConfigError);
  assertEquals(list.message, 'field "args[1]" must be a string: null (null)');
  const map = assertThrows(() => decodeConfig(shape, { env: { A: null } }), ConfigError);
  assertEquals(map.message, 'field "env.A" must be a string: null (null)');
});

Deno.test("nullElements describes the elements to Go as pointers, so HCL accepts null in them", () => {
  const fields = toProtostructure(
    config.object({
      args: config.list(config.string()),
      tags: config.list(config.string(), { nullElements: true }),
      labels: config.map(config.int(), { nullElements: true }),
    }).shape,
  ).fields;
  assertEquals(fields[0].type?.container?.elem, { primitive: { kind: 24 } });
  assertEquals(fields[1].type?.container?.elem, {
    container: { kind: 22, elem: { primitive: { kind: 24 } }, count: 0 },
  });
  assertEquals(fields[2].type?.container?.elem, {
    container: { kind: 22, elem: { primitive: { kind: 6 } }, count: 0 },
  });
});

async function buildWith(body: string) {
  const dir = await tempDir("elements-");
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    `app "hello" {\n  build {\n    use "elements" {\n${body}\n    }\n  }\n}\n`,
  );
  const plugin = await makeLauncher(
    join(dir, ".waypoint", "plugins"),
    "elements",
    join(REPO, "tests", "fixtures", "elements_plugin.ts"),
  );
  const args = ["build", "-plugin", plugin, "-config", join(dir, "waypoint.hcl"), "-push=false"];
  return (await runHost(args, { cwd: dir })).report;
}

Deno.test("through the Go host, null reaches only the elements declared nullElements", async () => {
  const ok = await buildWith(
    `      args = ["a"]\n      tags = ["x", null]\n      env = { A = "1" }\n      labels = { B = null, C = 3 }`,
  );
  assertEquals(ok.error, "");
  assertEquals(JSON.parse(ok.result.fields["1"]), {
    args: ["a"],
    tags: ["x", "<undefined>"],
    env: { A: "1" },
    labels: { B: "<undefined>", C: 3 },
  });
  const list = await buildWith(`      args = ["a", null]`);
  assertEquals(list.stage, "configure");
  assertEquals(list.configureDiagnostics, [
    "Unsuitable value type: Unsuitable value: null value is not allowed",
  ]);
  const map = await buildWith(`      env = { A = null }`);
  assertEquals(map.stage, "configure");
  assertEquals(map.configureDiagnostics, [
    "Unsuitable value type: Unsuitable value: null value is not allowed",
  ]);
});
