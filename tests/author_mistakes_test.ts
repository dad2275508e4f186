/**
 * Programming mistakes in a plugin are caught when it starts, with a message
 * that says how to fix them — before any host could trip over them.
 */
import { assertStringIncludes, assertThrows } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";
import {
  config,
  defineBuilder,
  defineMapper,
  definePlatform,
  defineRegistry,
  serve,
} from "../mod.ts";
import { Binary } from "../examples/gobuilder/gen/output.ts";

Deno.test("a component without its operation says which function to add", () => {
  assertThrows(
    () => defineBuilder({} as never),
    TypeError,
    "The builder has no build() function: add `async build(ctx) { … }` to its definition",
  );
  assertThrows(
    () => defineRegistry({ input: Binary, output: Binary } as never),
    TypeError,
    "The registry has no push() function",
  );
});

Deno.test("inputs and outputs must be message types; Waypoint's own argument types are refused", () => {
  assertThrows(
    () => defineRegistry({ input: Binary, output: { location: "" }, push: () => ({}) } as never),
    TypeError,
    "The registry's output must be a message type from a module `deno task proto` generated",
  );
  assertThrows(
    () =>
      definePlatform({
        input: "hashicorp.waypoint.sdk.Args.DataDir.Project",
        output: Binary,
        deploy: () => Binary.create({}),
      }),
    TypeError,
    "Waypoint never passes it as a previous stage's output",
  );
  assertThrows(
    () => defineMapper({ input: Binary, output: "x.Y", map: (b: unknown) => b } as never),
    TypeError,
    "The mapper's output must be a message type",
  );
});

Deno.test("config mistakes are refused at definition time", () => {
  assertThrows(
    () =>
      defineBuilder({ config: config.object({ "my-field": config.string() }), build: () => ({}) }),
    TypeError,
    'config key "my-field" is not a valid identifier',
  );
  assertThrows(
    () => defineBuilder({ config: { source: config.string() } as never, build: () => ({}) }),
    TypeError,
    "The builder's config must be made with config.object({ … })",
  );
});

Deno.test("serve() refuses unknown or wrongly made components before touching the process", async () => {
  const builder = defineBuilder({ build: () => Binary.create({}) });
  await assertThrowsAsync(
    () => serve({ buidler: builder } as never),
    'serve() got an unknown component "buidler"',
  );
  await assertThrowsAsync(() => serve({}), "serve() needs at least one component");
  await assertThrowsAsync(
    () => serve({ platform: builder } as never),
    "serve({ platform }) needs a value made by definePlatform()",
  );
});

async function assertThrowsAsync(fn: () => Promise<unknown>, message: string): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assertStringIncludes((err as Error).message, message);
    return;
  }
  throw new Error("expected a rejection");
}

Deno.test("a plugin with a mistake stops before the handshake; the host logs why", async () => {
  const dir = await tempDir("mistake-");
  const plugin = await makeLauncher(
    dir,
    "broken",
    join(REPO, "tests", "fixtures", "mistake_plugin.ts"),
  );
  const run = await runHost(["kill", "-plugin", plugin], { cwd: dir });
  // go-plugin sees stdout close without a handshake line.
  assertStringIncludes(run.report.error, "Unrecognized remote plugin message");
  const logged = run.log.map((l) => String(l["@message"])).join("\n");
  assertStringIncludes(logged, "Waypoint never passes it as a previous stage's output");
});
