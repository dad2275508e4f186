/**
 * Where the Go SDK defines a behaviour, our plugin (tests/fixtures/parity_plugin.ts) and a Go SDK
 * plugin (tests/conformance/goplugin/parity.go, goplatform) are run side by side through the
 * real Go SDK host (wphost) and must look the same to Waypoint: template data and the
 * `${artifact.<key>}` variables it makes, what a builder learns of the registry, components
 * without a config, the deployment's environment, and the docs.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import {
  goPlatformBinary,
  goPluginBinary,
  makeLauncher,
  REPO,
  runHost,
  tempDir,
} from "./support/host.ts";
import { deploymentEnv } from "../mod.ts";
import type { DeploymentConfig } from "../mod.ts";
import { launchPlugin } from "../src/testing/host.ts";
import { renderComponent } from "../src/tools/docs/render.ts";
import type { Config_Documentation } from "../src/gen/wire.ts";
import { AccessInfo } from "../examples/localdeploy/gen/output.ts";

const PARITY = join(REPO, "tests", "fixtures", "parity_plugin.ts");

// deno-lint-ignore no-explicit-any
type Report = any;

interface Project {
  dir: string;
  /** `-plugin NAME=PATH` for parity (ours), gobuilder and gofiles (Go). */
  plugins: string[];
}

async function project(): Promise<Project> {
  const dir = await tempDir("parity-");
  // What the Go reference builder builds with `go build` (not in TMPDIR's root: Go ignores a
  // go.mod there).
  await Deno.mkdir(join(dir, "app"));
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", "gobuilder", "app", f), join(dir, "app", f));
  }
  const parity = await makeLauncher(dir, "parity", PARITY);
  return {
    dir,
    plugins: [
      "-plugin",
      `parity=${parity}`,
      "-plugin",
      `gobuilder=${await goPluginBinary()}`,
      "-plugin",
      `gofiles=${await goPlatformBinary()}`,
    ],
  };
}

/** The parity plugin under the toolkit's test host, started with `args`. */
function launchParity(args: string[]) {
  return launchPlugin({
    command: [
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-prompt",
      "-A",
      "--config",
      join(REPO, "deno.json"),
      PARITY,
    ]
      .concat(args),
  });
}

/** `wphost lifecycle` on `hcl` (an app's body), each plugin started with its `args`. */
async function lifecycle(
  p: Project,
  hcl: string,
  steps: string,
  args: Record<string, string[]> = {},
): Promise<Report> {
  const file = join(p.dir, `${crypto.randomUUID()}.hcl`);
  await Deno.writeTextFile(file, `project = "p"\n\napp "web" {\n${hcl}\n}\n`);
  const pluginArgs = Object.entries(args).flatMap(([name, as]) =>
    as.flatMap((a) => ["-plugin-arg", `${name}=${a}`])
  );
  const run = await runHost(
    ["lifecycle", "-config", file, ...p.plugins, ...pluginArgs, "-steps", steps],
    { cwd: p.dir, env: { TMPDIR: p.dir } },
  );
  return run.report;
}

const PARITY_REGISTRY = `    registry {
      use "parity" {
        target = "./pushed/app"
      }
    }`;

function buildStanza(use: string, registry = "", body = ""): string {
  return `  build {\n    use "${use}" {${body}}\n${registry}\n  }`;
}

function deployStanza(label: string): string {
  return `  deploy {\n    use "parity" {\n      label = "${label}"\n    }\n  }`;
}

// --- 1. Template data ---------------------------------------------------------------------

Deno.test("template data shaped by the registry reaches the deploy stanza as ${artifact.<key>}", async () => {
  const p = await project();
  const hcl = buildStanza("parity", PARITY_REGISTRY) + "\n" +
    deployStanza("${artifact.dir}|${artifact.name}");
  const r = await lifecycle(p, hcl, "build,push,deploy", { parity: ["--template=computed"] });
  assertEquals([r.ok, r.stage, r.error], [true, "", ""]);
  // The computed keys, and not the field they replace.
  assertEquals(r.steps.push.result.templateData, { dir: "./pushed", name: "app" });
  assertEquals(r.steps.deploy.configVars, ["artifact", "entrypoint", "labels"]);
  // The platform's `label` is what `${artifact.dir}|${artifact.name}` evaluated to.
  assertEquals(r.steps.deploy.result.fields["2"], "./pushed|app");
});

Deno.test("a field templateData leaves out, or all of them, is an unknown attribute to the next stage", async () => {
  const p = await project();
  const cases: [string[], string, string][] = [
    [["--template=computed"], "${artifact.path}", "path"],
    [["--template=none"], "${artifact.dir}", "dir"],
    [["--template=empty"], "${artifact.dir}", "dir"],
  ];
  for (const [args, label, missing] of cases) {
    const hcl = buildStanza("parity", PARITY_REGISTRY) + "\n" + deployStanza(label);
    const r = await lifecycle(p, hcl, "build,push,deploy", { parity: args });
    assertEquals([r.ok, r.stage], [false, "deploy"], args.join(" "));
    assertEquals(
      r.configureDiagnostics[0],
      `deploy.platform.init: Unsupported attribute: This object does not have an attribute named "${missing}".`,
    );
  }
  // By default every field is published, as in Go.
  const hcl = buildStanza("parity", PARITY_REGISTRY) + "\n" + deployStanza("${artifact.path}");
  const r = await lifecycle(p, hcl, "build,push,deploy");
  assertEquals([r.ok, r.error], [true, ""]);
  assertEquals(r.steps.deploy.result.fields["2"], "./pushed/app");
});

Deno.test("what a builder publishes matches a Go output's TemplateData() returning keys, nil or an empty map", async () => {
  const p = await project();
  const pairs: [string, string][] = [["computed", "computed"], ["none", "nil"], ["empty", "empty"]];
  for (const [ours, go] of pairs) {
    const [ts, gr] = await Promise.all([
      lifecycle(p, buildStanza("parity"), "build", { parity: [`--template=${ours}`] }),
      lifecycle(p, buildStanza("gobuilder"), "build", { gobuilder: ["-template", go] }),
    ]);
    assertEquals([ts.ok, gr.ok], [true, true], `${ts.error} ${gr.error}`);
    assertEquals(ts.steps.build.result.templateData, gr.steps.build.result.templateData, ours);
  }
  const r = await lifecycle(p, buildStanza("parity"), "build", { parity: ["--template=computed"] });
  assertEquals(r.steps.build.result.templateData, { dir: "./app", name: "app" });
});

/** The executable of `plugin` in `p`. */
function exe(p: Project, plugin: string): string {
  return p.plugins.find((x) => x.startsWith(`${plugin}=`))!.split("=")[1];
}

/** `wphost docs` of the builder of `plugin`, started with `args`. */
async function docs(p: Project, plugin: string, args: string[]): Promise<Report> {
  const { report } = await runHost(
    ["docs", "-plugin", exe(p, plugin), ...args.flatMap((a) => ["-plugin-arg", a])],
    { cwd: p.dir },
  );
  assertEquals(report.error, "", plugin);
  return report.docs;
}

Deno.test("Documentation lists the template fields templateData publishes, as the Go SDK derives them", async () => {
  const p = await project();
  const fields = (d: Report) => d.templateFields.map((f: Report) => [f.field, f.type, f.synopsis]);
  for (const [ours, go] of [["computed", "computed"], ["none", "nil"]]) {
    const [ts, gd] = await Promise.all([
      docs(p, "parity", [`--template=${ours}`]),
      docs(p, "gobuilder", ["-template", go]),
    ]);
    assertEquals(fields(ts), fields(gd), ours);
  }
  assertEquals(fields(await docs(p, "parity", ["--template=computed"])), [
    ["dir", "string", ""],
    ["name", "string", ""],
  ]);
  // Without templateData: the output's fields. With docs.templateFields: their synopses.
  assertEquals(fields(await docs(p, "parity", [])), [["location", "string", ""]]);
  assertEquals(fields(await docs(p, "parity", ["--template=computed", "--examples"])), [
    ["dir", "string", "The directory of the artifact"],
    ["name", "string", "Its file name"],
  ]);
});

// --- 2. Builders that know the registry ----------------------------------------------------

Deno.test("the registry's access info and hasRegistry reach a builder that asks for them", async () => {
  const p = await project();
  const typed = await lifecycle(p, buildStanza("parity", PARITY_REGISTRY), "build", {
    parity: ["--registry=typed"],
  });
  assertEquals([typed.ok, typed.error], [true, ""]);
  assertEquals(typed.steps.build.accessInfo.typeUrl, "type.googleapis.com/localdeploy.AccessInfo");
  // Decoded as the builder's declared type (localdeploy.AccessInfo).
  assertEquals(JSON.parse(typed.steps.build.result.fields["1"]), {
    hasRegistry: true,
    accessInfo: { directory: "parity-registry" },
  });
  // `accessInfo: true`: whatever the registry returns, raw.
  const any = await lifecycle(p, buildStanza("parity", PARITY_REGISTRY), "build", {
    parity: ["--registry=any"],
  });
  assertEquals([any.ok, any.error], [true, ""]);
  assertEquals(JSON.parse(any.steps.build.result.fields["1"]), {
    hasRegistry: true,
    typeUrl: "type.googleapis.com/localdeploy.AccessInfo",
    bytes: 17,
  });
});

const GO_REGISTRY = `    registry {
      use "gofiles" {
        directory = "reg"
      }
    }`;

Deno.test("side by side with a Go builder: a Go registry's access info reaches the build, and without a registry both fail alike", async () => {
  const p = await project();
  const [ts, go] = await Promise.all([
    lifecycle(p, buildStanza("parity", GO_REGISTRY), "build", { parity: ["--registry=raw"] }),
    lifecycle(p, buildStanza("gobuilder", GO_REGISTRY), "build", {
      gobuilder: ["-registry-aware"],
    }),
  ]);
  assertEquals([ts.ok, ts.error, go.ok, go.error], [true, "", true, ""]);
  assertEquals(go.steps.build.result.fields["1"], "hasRegistry=true access=gofiles.v1.AccessInfo");
  assertEquals(JSON.parse(ts.steps.build.result.fields["1"]), {
    hasRegistry: true,
    typeUrl: "type.googleapis.com/gofiles.v1.AccessInfo",
    bytes: 0,
  });

  // No registry: a build that needs the access info cannot run, for Go as for us.
  const [tsNone, goNone, flag] = await Promise.all([
    lifecycle(p, buildStanza("parity"), "build", { parity: ["--registry=raw"] }),
    lifecycle(p, buildStanza("gobuilder"), "build", { gobuilder: ["-registry-aware"] }),
    lifecycle(p, buildStanza("parity"), "build", { parity: ["--registry=flag"] }),
  ]);
  assertEquals([tsNone.ok, tsNone.stage, goNone.ok, goNone.stage], [
    false,
    "build",
    false,
    "build",
  ]);
  assertEquals(tsNone.missingArgs, ["gofiles.v1.AccessInfo"]);
  assertEquals(tsNone.missingArgs, goNone.missingArgs);
  // A builder that only asks whether there is a registry still builds.
  assertEquals([flag.ok, flag.error], [true, ""]);
  assertEquals(JSON.parse(flag.steps.build.result.fields["1"]), { hasRegistry: false });
});

Deno.test("a builder asks for hasregistry and the access info as a Go builder does, and only when it wants them", async () => {
  const p = await project();
  const probe = async (plugin: string, args: string[]) => {
    const { report } = await runHost(
      ["probe", "-plugin", exe(p, plugin), ...args.flatMap((a) => ["-plugin-arg", a])],
      { cwd: p.dir },
    );
    return report.buildArgs as string[];
  };
  const registryArgs = (args: string[]) =>
    args.filter((a) => a.startsWith("hasregistry") || a.includes("AccessInfo")).sort();
  const [ts, go, plain] = await Promise.all([
    probe("parity", ["--registry=raw"]),
    probe("gobuilder", ["-registry-aware"]),
    probe("parity", []),
  ]);
  assertEquals(registryArgs(ts), ["*opaqueany.Any(gofiles.v1.AccessInfo)", "hasregistry bool"]);
  assertEquals(registryArgs(ts), registryArgs(go));
  assertEquals(registryArgs(plain), []);
});

Deno.test("the test host passes hasRegistry and the access info as Waypoint does", async () => {
  const access = { typeUrl: AccessInfo.typeUrl, value: AccessInfo.encode({ directory: "d" }) };
  {
    await using plugin = await launchParity(["--registry=typed"]);
    const { json } = await plugin.build({ accessInfo: access });
    assertEquals(JSON.parse((json as { location: string }).location), {
      hasRegistry: true,
      accessInfo: { directory: "d" },
    });
  }
  await using plugin = await launchParity(["--registry=flag"]);
  const { json } = await plugin.build();
  assertEquals(JSON.parse((json as { location: string }).location), { hasRegistry: false });
});

// --- 3. Status and the last report ---------------------------------------------------------

const GO_SOURCE = '\n      source = "./app"\n    ';

Deno.test("asking for the last status report crashes Waypoint's host, so our status functions never ask", async () => {
  const p = await project();
  const hcl = (body: string) =>
    buildStanza("gobuilder", "", GO_SOURCE) +
    `\n  deploy {\n    use "gofiles" {\n      directory = "deploys"\n${body}\n    }\n  }`;
  for (const last of ["", "READY"]) {
    const extra = last ? ["-last-report", last] : [];
    const file = join(p.dir, "status.hcl");
    await Deno.writeTextFile(
      file,
      `project = "p"\napp "web" {\n${hcl("      status_takes_last_report = true")}\n}\n`,
    );
    const { report } = await runHost(
      ["lifecycle", "-config", file, ...p.plugins, "-steps", "build,push,deploy,status", ...extra],
      { cwd: p.dir, env: { TMPDIR: p.dir } },
    );
    // The SDK's converter to an Any reads a named value from the wrong set: a nil dereference.
    assertEquals(report.stage, "status", `${last}: ${report.error}`);
    assertStringIncludes(report.panic, "nil pointer dereference");
    assertStringIncludes(report.panic, "funcspec.anyConvGen");
  }
  // Our platform's status, with a last report on offer, is answered (localdeploy runs web apps).
  await Deno.mkdir(join(p.dir, "webapp"));
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(REPO, "examples", "localdeploy", "app", f), join(p.dir, "webapp", f));
  }
  const launch = (name: string) =>
    makeLauncher(p.dir, name, join(REPO, "examples", name, "main.ts"));
  const file = join(p.dir, "ours.hcl");
  await Deno.writeTextFile(
    file,
    `project = "p"\napp "web" {\n${
      buildStanza("gobuilder", "", '\n      source = "./webapp"\n    ')
    }\n  deploy {\n    use "localdeploy" {}\n  }\n}\n`,
  );
  const { report } = await runHost(
    [
      "lifecycle",
      "-config",
      file,
      "-plugin",
      `gobuilder=${await launch("gobuilder")}`,
      "-plugin",
      `localdeploy=${await launch("localdeploy")}`,
      "-steps",
      "build,push,deploy,status,destroy",
      "-last-report",
      "READY",
    ],
    { cwd: p.dir, env: { TMPDIR: p.dir } },
  );
  assertEquals([report.ok, report.error, report.panic], [true, "", undefined]);
  assertEquals(report.steps.status.deployment.health, "READY");
});

// --- 4. The deployment's environment -------------------------------------------------------

function configs(): DeploymentConfig[] {
  const out: DeploymentConfig[] = [];
  for (const id of ["", "01DEPLOY"]) {
    for (const serverAddr of ["", "localhost:9701"]) {
      for (const serverTls of [false, true]) {
        for (const serverTlsSkipVerify of [false, true]) {
          for (const entrypointInviteToken of ["", "token"]) {
            out.push({
              id,
              sequence: 1,
              serverAddr,
              serverTls,
              serverTlsSkipVerify,
              entrypointInviteToken,
            });
          }
        }
      }
    }
  }
  out.push({
    id: "ünï cödé ✓",
    sequence: 2 ** 32,
    serverAddr: "[::1]:9701",
    serverTls: true,
    serverTlsSkipVerify: false,
    entrypointInviteToken: "a=b; c\nd",
  });
  return out;
}

Deno.test("deploymentEnv() returns what the Go SDK's DeploymentConfig.Env() returns, for every config", async () => {
  const dir = await tempDir("denv-");
  const cases = configs();
  await Deno.writeTextFile(join(dir, "cases.json"), JSON.stringify(cases));
  const { report } = await runHost(["deployenv", "-cases", join(dir, "cases.json")], { cwd: dir });
  assertEquals([report.ok, report.error], [true, ""]);
  assertEquals(report.envs.length, cases.length);
  for (let i = 0; i < cases.length; i++) {
    assertEquals(deploymentEnv(cases[i]), report.envs[i], JSON.stringify(cases[i]));
  }
});

Deno.test("the deployment config a platform receives gives the entrypoint.env Waypoint's deploy stanza sees", async () => {
  const p = await project();
  // The invite token is only in the deploying process's entrypoint.env, not in the first one's.
  const hcl = buildStanza("parity", PARITY_REGISTRY) + "\n" +
    deployStanza("${entrypoint.env.WAYPOINT_SERVER_ADDR}");
  const r = await lifecycle(p, hcl, "build,push,deploy");
  assertEquals([r.ok, r.error], [true, ""]);
  const dc = r.steps.deploy.deploymentConfig;
  assertEquals(JSON.parse(r.steps.deploy.result.fields["3"]), {
    WAYPOINT_DEPLOYMENT_ID: dc.id,
    WAYPOINT_SERVER_ADDR: dc.serverAddr,
    WAYPOINT_CEB_INVITE_TOKEN: dc.entrypointInviteToken,
  });
  assertEquals(r.steps.deploy.result.fields["2"], dc.serverAddr);
});

// --- 5. Components without a config ----------------------------------------------------------

Deno.test("a component without a config rejects a typo in its use block, as a Go component with an empty config struct", async () => {
  const p = await project();
  const typo = "\n      foo = 1\n    ";
  const [ts, empty, none] = await Promise.all([
    lifecycle(p, buildStanza("parity", "", typo), "build"),
    lifecycle(p, buildStanza("gobuilder", "", typo), "build", { gobuilder: ["-empty-config"] }),
    lifecycle(p, buildStanza("gobuilder", "", typo), "build", { gobuilder: ["-noop"] }),
  ]);
  assertEquals([ts.ok, ts.stage], [false, "build"]);
  assertEquals(ts.configureDiagnostics, [
    'build.builder: Unsupported argument: An argument named "foo" is not expected here.',
  ]);
  assertEquals(ts.configureDiagnostics, empty.configureDiagnostics);
  // A Go component with no Config() at all has its use block ignored: the behaviour we do not copy.
  assertEquals([none.ok, none.configureDiagnostics], [true, []]);

  // With an empty block the host configures it, as the Go component with an empty struct.
  const rpcs = (r: Report) =>
    r.processes.find((x: Report) => x.role === "build.builder").rpcs.filter((c: string) =>
      !c.startsWith("plugin.")
    );
  const [ok, goOk] = await Promise.all([
    lifecycle(p, buildStanza("parity"), "build"),
    lifecycle(p, buildStanza("gobuilder"), "build", { gobuilder: ["-empty-config"] }),
  ]);
  assertEquals([ok.ok, goOk.ok], [true, true]);
  assert(rpcs(ok).includes("Builder/Configure"), rpcs(ok).join(" "));
  assertEquals(rpcs(ok), rpcs(goOk));
});

// --- 6. Docs ----------------------------------------------------------------------------------

Deno.test("several examples all reach waypoint docs and the docs task; Go's doc.Example keeps only the last", async () => {
  const p = await project();
  const [ts, go] = await Promise.all([
    docs(p, "parity", ["--examples"]),
    docs(p, "gobuilder", ["-examples"]),
  ]);
  const first = 'build {\n  use "parity" {}\n}';
  assertStringIncludes(ts.example, first);
  assertStringIncludes(ts.example, '    use "parity" {\n      target = "./app/app"');
  assertEquals(ts.example.split("\n\n").length, 2);
  assertEquals(ts.example.startsWith(first + "\n\nbuild {"), true);
  // The Go SDK overwrites its one example field on each call.
  assertEquals(go.example.includes('  use "gobuilder" {}\n}'), false);
  assertStringIncludes(go.example, 'registry {\n    use "files" {}');

  await using plugin = await launchParity(["--examples", "--template=computed"]);
  const doc = await plugin.call("hashicorp.waypoint.sdk.Builder", "Documentation");
  const md = renderComponent(
    "parity",
    "builder",
    "Builder",
    doc as unknown as Config_Documentation,
  );
  assertStringIncludes(md, "```hcl\n" + first + "\n\nbuild {");
  assertStringIncludes(md, "| `dir` | string | The directory of the artifact |");
  assertStringIncludes(md, "| `name` | string | Its file name |");
});
