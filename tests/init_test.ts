/**
 * `init` scaffolds projects that pass their own checks and tests, with no
 * warning box on a first run, and works when run from a URL (it reads
 * nothing of its own package from disk).
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, REPO, runHost, tempDir } from "./support/host.ts";
import { deno, init } from "./support/init_run.ts";
import { generateProtoModule } from "../src/codegen/protogen.ts";
import { projectFiles, toolkitImports } from "../src/tools/init/files.ts";
import { ALL_COMPONENTS, type TemplateParams } from "../src/tools/init/params.ts";
import { outputModule, outputProto } from "../src/tools/init/proto.ts";
import { VERSION } from "../src/version.ts";

const dec = new TextDecoder();

/** Deno's box for npm lifecycle scripts it did not run. */
const WARNING_BOX = "Ignored build scripts";

Deno.test("the generated gen/output.ts of each component is what the proto generator makes", async () => {
  const dir = await tempDir("initgen-");
  const params: TemplateParams = {
    name: "my-plugin",
    pkg: "my_plugin",
    components: ALL_COMPONENTS,
    imports: {},
    version: VERSION,
  };
  for (const c of ALL_COMPONENTS) {
    const proto = join(dir, `${c}.proto`);
    await Deno.writeTextFile(proto, outputProto(params, c));
    const expected = generateProtoModule([proto]).replace(`from ${c}.proto`, "from output.proto");
    assertEquals(outputModule(params, c), expected, c);
  }
});

Deno.test("VERSION matches deno.json", async () => {
  const json = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  assertEquals(VERSION, json.version);
});

Deno.test("a project made with only -R -W passes fmt, lint, type check, proto drift and its own tests, with no warning box", async () => {
  const dir = join(await tempDir("init-"), "plugin");
  // No --allow-run, --allow-env or --allow-net: init needs to read and write, nothing else.
  const made = await init(["myplugin", dir, "--toolkit", REPO, "--yes"], REPO, ["-R", "-W"]);
  assertEquals(made.code, 0, made.stderr);
  assertStringIncludes(made.stdout, "Created waypoint-plugin-myplugin");
  for (
    const f of [
      "deno.json",
      "main.ts",
      "README.md",
      ".gitignore",
      ".github/workflows/ci.yml",
      ".github/dependabot.yml",
      "tests/plugin_test.ts",
      "builder/builder.ts",
      "builder/output.proto",
      "builder/gen/output.ts",
      "registry/registry.ts",
      "platform/platform.ts",
      "release/release.ts",
    ]
  ) assert(await exists(join(dir, f)), `missing ${f}`);
  // A first contact: nothing cached yet, so every npm package is downloaded and set up here.
  const env = { DENO_DIR: await tempDir("denodir-") };
  for (
    const args of [
      ["fmt", "--check"],
      ["lint"],
      ["check", "main.ts", "tests/"],
      ["task", "proto", "--check"],
      ["task", "test"],
    ]
  ) {
    const r = await deno(args, dir, env);
    assertEquals(r.code, 0, `deno ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
    assertEquals(r.stderr.includes(WARNING_BOX), false, `deno ${args.join(" ")}:\n${r.stderr}`);
  }
  // The components use their typed inputs as they are: no cast anywhere.
  for (const f of ["registry/registry.ts", "platform/platform.ts", "release/release.ts"]) {
    const code = await Deno.readTextFile(join(dir, f));
    assertEquals(/\bas \{|\bas [A-Z]\w*\b/.test(code), false, `${f} casts:\n${code}`);
  }
  assertStringIncludes(
    await Deno.readTextFile(join(dir, "registry", "registry.ts")),
    "input: Artifact,",
  );
  // The docs task the README lists.
  assertStringIncludes(await Deno.readTextFile(join(dir, "README.md")), "deno task docs");
  const docs = await deno(["task", "docs"], dir);
  assertEquals(docs.code, 0, docs.stderr);
  assertStringIncludes(docs.stdout, "# waypoint-plugin-myplugin");
  for (const heading of ["## Builder", "## Registry", "## Platform", "## ReleaseManager"]) {
    assertStringIncludes(docs.stdout, heading);
  }
  assertStringIncludes(
    docs.stdout,
    "| `source` | string | optional | `./` | The directory to build, relative to the project |",
  );
});

Deno.test("without allowScripts a new project gets the warning box: the control for the checks above", async () => {
  const dir = join(await tempDir("init-"), "plugin");
  const made = await init(["boxed", dir, "--toolkit", REPO, "--components", "builder"], REPO);
  assertEquals(made.code, 0, made.stderr);
  const cache = async () =>
    (await deno(["cache", "main.ts"], dir, { DENO_DIR: await tempDir("denodir-") })).stderr;
  assertEquals((await cache()).includes(WARNING_BOX), false);
  const json = JSON.parse(await Deno.readTextFile(join(dir, "deno.json")));
  delete json.allowScripts;
  await Deno.writeTextFile(join(dir, "deno.json"), JSON.stringify(json));
  const boxed = await cache();
  assertStringIncludes(boxed, WARNING_BOX);
  assertStringIncludes(boxed, "npm:protobufjs@7.");
});

Deno.test("init's own module graph has no npm package, so running it cannot print the box", async () => {
  // --no-config: the graph of init.ts alone, not the packages this repository's deno.json maps.
  const info = await deno(
    ["info", "--json", "--no-config", join(REPO, "src", "tools", "init.ts")],
    REPO,
  );
  assertEquals(info.code, 0, info.stderr);
  const graph = JSON.parse(info.stdout);
  assertEquals(graph.npmPackages, {});
  const specifiers: string[] = graph.modules.map((m: { specifier: string }) => m.specifier);
  assertEquals(specifiers.filter((s) => !/^(file|node):/.test(s)), []);
  assert(specifiers.some((s) => s.endsWith("/src/tools/init/components.ts")), specifiers.join(" "));
});

Deno.test("every component set, and a long name, come out as deno fmt lays them out", async () => {
  // init runs no formatter (it would need --allow-run), so the templates must already be laid out.
  const root = await tempDir("initfmt-");
  const names = ["p", "a-long-plugin-name-that-pushes-lines-past-the-width-0123456789"];
  const dirs: string[] = [];
  for (const name of names) {
    for (let mask = 1; mask < 1 << ALL_COMPONENTS.length; mask++) {
      const components = ALL_COMPONENTS.filter((_, i) => mask & (1 << i));
      const dir = join(root, `${name}-${mask}`);
      const params: TemplateParams = {
        name,
        pkg: name.replaceAll("-", "_"),
        components,
        imports: toolkitImports(REPO),
        version: VERSION,
      };
      for (const [path, content] of projectFiles(params)) {
        await Deno.mkdir(join(dir, path, ".."), { recursive: true });
        await Deno.writeTextFile(join(dir, path), content);
      }
      dirs.push(dir);
    }
  }
  for (const dir of dirs) {
    const r = await deno(["fmt", "--check"], dir, { NO_COLOR: "1" });
    assertEquals(r.code, 0, `${dir}:\n${r.stderr}`);
  }
  await Deno.remove(root, { recursive: true });
});

Deno.test("components without their stage before take Waypoint's docker types, typed, and test them", async () => {
  const cases: [string, string, string[]][] = [
    // [components, the file, what it must say]
    ["platform,release", "platform/platform.ts", ["input: docker.Image,", "ctx.artifact.image"]],
    ["registry", "registry/registry.ts", ["input: docker.Image,", "ctx.artifact.tag"]],
    ["releasemanager", "release/release.ts", ["input: docker.Deployment,", "ctx.deployment.id"]],
  ];
  for (const [components, file, says] of cases) {
    const dir = join(await tempDir("init-"), "p");
    const made = await init(
      ["deploy-only", dir, "--components", components, "--toolkit", REPO],
      REPO,
    );
    assertEquals(made.code, 0, made.stderr);
    assertEquals(await exists(join(dir, "builder")), false);
    const code = await Deno.readTextFile(join(dir, file));
    assertStringIncludes(code, 'import { docker } from "@x/waypoint-plugin/builtin";');
    for (const s of says) assertStringIncludes(code, s);
    // The generated test hands the component a real docker message, encoded as Waypoint sends it.
    const test = await Deno.readTextFile(join(dir, "tests", "plugin_test.ts"));
    assertStringIncludes(test, ".encode(");
    for (const args of [["lint"], ["check", "main.ts", "tests/"], ["task", "test"]]) {
      const r = await deno(args, dir);
      assertEquals(r.code, 0, `${components}: deno ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
    }
  }
});

Deno.test("init runs from an http:// URL, reading nothing of its package from disk", async () => {
  // Serve the repository's files on loopback, as a package registry would.
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = decodeURIComponent(new URL(req.url).pathname);
      try {
        return new Response(await Deno.readFile(join(REPO, path)), {
          headers: { "content-type": "application/typescript" },
        });
      } catch {
        return new Response("not found", { status: 404 });
      }
    },
  );
  try {
    const url = `http://127.0.0.1:${server.addr.port}/src/tools/init.ts`;
    const dir = join(await tempDir("initurl-"), "p");
    const r = await deno(
      ["run", "-A", "--reload", url, "urlplugin", dir, "--toolkit", REPO, "--yes"],
      await tempDir("initcwd-"),
    );
    assertEquals(r.code, 0, r.stderr);
    assertEquals(r.stderr.includes(WARNING_BOX), false, r.stderr);
    assertStringIncludes(
      await Deno.readTextFile(join(dir, "main.ts")),
      'await serve({ builder, registry, platform, releaseManager }, { name: "urlplugin" });',
    );
    const t = await deno(["task", "test"], dir);
    assertEquals(t.code, 0, t.stdout + t.stderr);
  } finally {
    ac.abort();
    await server.finished;
  }
});

Deno.test("init, install --dev, and the Go host finds the plugin by name as Waypoint does", async () => {
  const root = await tempDir("newcomer-");
  const home = join(root, "home");
  await Deno.mkdir(home);
  const pluginDir = join(root, "waypoint-plugin-hello");
  const made = await init(["hello", pluginDir, "--toolkit", REPO, "--yes"], root);
  assertEquals(made.code, 0, made.stderr);
  const env = { ...Deno.env.toObject(), HOME: home, XDG_CONFIG_HOME: "" };
  const installed = await new Deno.Command(Deno.execPath(), {
    args: ["task", "install", "--dev"],
    cwd: pluginDir,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = dec.decode(installed.stdout) + dec.decode(installed.stderr);
  assertEquals(installed.code, 0, out);
  assert(await exists(join(home, ".config", "waypoint", "plugins", "waypoint-plugin-hello")), out);

  // A Waypoint project elsewhere, using the plugin by name.
  const project = join(root, "project");
  await Deno.mkdir(join(project, "src"), { recursive: true });
  await Deno.writeTextFile(join(project, "src", "index.html"), "<h1>hello</h1>");
  await Deno.writeTextFile(
    join(project, "waypoint.hcl"),
    `app "web" {\n  build {\n    use "hello" {\n      source = "./src"\n    }\n  }\n}\n`,
  );
  const run = await runHost(
    ["build", "-discover", "hello", "-config", join(project, "waypoint.hcl"), "-ui", "plain"],
    { cwd: project, env: { HOME: home, XDG_CONFIG_HOME: "" } },
  );
  assertEquals(run.report.error, "", run.stdout + run.stderr);
  assertEquals(run.report.result.typeUrl, "type.googleapis.com/hello.builder.Artifact");
  assertStringIncludes(run.stdout, "Application built successfully (1 files)");
});
