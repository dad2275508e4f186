/**
 * The project's `tests/plugin_test.ts`: one test that drives every
 * component through the toolkit's test host, each stage taking what the
 * stage before returned (or what Waypoint's docker plugin would hand on).
 *
 * @module
 */
import { COMPONENTS, type TemplateComponent, type TemplateParams } from "./params.ts";

const TEST_HELPERS: Record<string, string> = {
  assert: `function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}
`,
  assertEquals: `function assertEquals(actual: unknown, expected: unknown): void {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(\`expected \${JSON.stringify(expected)}, got \${JSON.stringify(actual)}\`);
  }
}
`,
  exists: `async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}
`,
};

/** The test helpers `body` calls (an unused one would fail the project's lint). */
function helpers(body: string): string[] {
  return Object.entries(TEST_HELPERS)
    .filter(([name]) => new RegExp(`\\b${name}\\(`).test(body))
    .map(([, code]) => code);
}

/** The test being assembled: its imports and steps, and what the last stage returned. */
interface TestBody {
  p: TemplateParams;
  imports: string[];
  steps: string[];
  /** The previous stage's result. */
  last: string;
  /** What the next stage should record of it. */
  ref: string;
}

function has(t: TestBody, c: TemplateComponent): boolean {
  return t.p.components.includes(c);
}

function useOutput(t: TestBody, c: TemplateComponent): void {
  const { dir, message } = COMPONENTS[c];
  t.imports.push(`import { ${message.name} } from "../${dir}/gen/output.ts";`);
}

function useDocker(t: TestBody): void {
  const line = 'import { docker } from "@x/waypoint-plugin/builtin";';
  if (!t.imports.includes(line)) t.imports.push(line);
}

/** The build, or the docker.Image Waypoint's docker builder would hand on. */
function buildSteps(t: TestBody): void {
  if (has(t, "builder")) {
    useOutput(t, "builder");
    t.steps.push(`  await plugin.configure("builder", { source: "./src" });
  const built = await plugin.build({ source });
  const artifact = Artifact.decode(built.result!.value);
  assertEquals(artifact.source, "./src");
  assertEquals(artifact.files, 1);
  assert(built.ui.some((e) => e.kind === "status" && e.text.startsWith("Application built")));`);
    t.last = "built.result!";
    t.ref = "artifact.digest";
  } else if (has(t, "registry") || has(t, "platform")) {
    useDocker(t);
    t.steps.push(`  // What Waypoint's docker builder hands on: a docker.Image.
  const image = docker.Image.create({ image: "nginx", tag: "1.27", docker: {} });
  const built = { typeUrl: docker.Image.typeUrl, value: docker.Image.encode(image) };`);
    t.last = "built";
    t.ref = '"nginx:1.27"';
  }
}

function pushSteps(t: TestBody): void {
  if (!has(t, "registry")) return;
  useOutput(t, "registry");
  t.steps.push(`  await plugin.configure("registry", {});
  const pushed = await plugin.push(${t.last}, { source });
  const pushedImage = Image.decode(pushed.result!.value);
  assertEquals(pushedImage.ref, ${t.ref});
  assert(await exists(join(dir, pushedImage.location)));`);
  t.last = "pushed.result!";
}

function deploySteps(t: TestBody): void {
  if (!has(t, "platform")) return;
  useOutput(t, "platform");
  t.steps.push(`  await plugin.configure("platform", {});
  const deployed = await plugin.deploy(${t.last}, {
    source,
    deploymentConfig: { id: "d1" },
  });
  const deployment = Deployment.decode(deployed.result!.value);
  assertEquals(deployment.id, "d1");
  assertEquals(deployment.ref, ${t.ref});
  assert(await exists(join(dir, deployment.location)));
  const status = await plugin.status("platform", deployed.result!);
  assertEquals(status.report.health, "ready");`);
  t.last = "deployed.result!";
}

/** The release (of a docker.Deployment when the project has no platform), then its destroy. */
function releaseSteps(t: TestBody): void {
  if (!has(t, "releasemanager")) return;
  useOutput(t, "releasemanager");
  if (!has(t, "platform")) {
    useDocker(t);
    t.steps.push(`  // What Waypoint's docker platform hands on: a docker.Deployment.
  const deployment = docker.Deployment.create({ id: "d1", name: "web", container: "c0ffee" });
  const deployed = {
    typeUrl: docker.Deployment.typeUrl,
    value: docker.Deployment.encode(deployment),
  };`);
    t.last = "deployed";
  }
  t.steps.push(`  await plugin.configure("releasemanager", {});
  const released = await plugin.release(${t.last}, { source });
  const release = Release.decode(released.result!.value);
  assertEquals(release.deploymentId, "d1");
  assertEquals(await Deno.readTextFile(fileURLToPath(release.url)), "d1");
  await plugin.destroy("releasemanager", released.result!);
  assertEquals(await exists(fileURLToPath(release.url)), false);`);
}

function destroySteps(t: TestBody): void {
  if (!has(t, "platform")) return;
  t.steps.push(`  await plugin.destroy("platform", deployed.result!);
  assertEquals(await exists(join(dir, deployment.location)), false);`);
}

/** `tests/plugin_test.ts`: drives the plugin through the toolkit's test host. */
export function pluginTest(p: TemplateParams): string {
  const t: TestBody = { p, imports: [], steps: [], last: "", ref: "" };
  for (const add of [buildSteps, pushSteps, deploySteps, releaseSteps, destroySteps]) add(t);
  // Indent the steps into the block that holds the plugin.
  const body = t.steps.join("\n").split("\n").map((l) => l ? `  ${l}` : l).join("\n");
  const head = `import { launchPlugin } from "@x/waypoint-plugin/testing";
import { join } from "node:path";
${has(t, "releasemanager") ? 'import { fileURLToPath } from "node:url";\n' : ""}${
    t.imports.join("\n")
  }
`;
  // Blank lines between the sections, one each, as `deno fmt` leaves them.
  return [
    head,
    ...helpers(body),
    `const entry = new URL("../main.ts", import.meta.url).pathname;

Deno.test("the ${p.name} plugin runs its lifecycle through the test host", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(join(dir, "src"));
  await Deno.writeTextFile(join(dir, "src", "index.txt"), "hello");
  const source = { app: "app", path: dir };
  {
    await using plugin = await launchPlugin({ entry, cwd: dir });
${body}
  }
  await Deno.remove(dir, { recursive: true });
});
`,
  ].join("\n");
}
