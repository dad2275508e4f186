/**
 * The project's `waypoint.hcl` (printed in its README, run by its e2e test)
 * and `tests/e2e_test.ts`, which takes the plugin through the real Waypoint
 * CLI with `startWaypoint()`. Both come from the chosen components: a stage
 * the plugin does not have is Waypoint's docker plugin (Waypoint requires a
 * build and a deploy stanza), or left out (registry, release).
 *
 * @module
 */
import type { TemplateComponent, TemplateParams } from "./params.ts";

/** The app folder the hcl builds, relative to the Waypoint project. */
export const E2E_APP = "./app";

/** The Waypoint project and app names in the hcl. */
export const E2E_PROJECT = "example";
/** The app's name. */
export const E2E_APP_NAME = "web";

/** `use "<name>" { … }` with `body` lines, indented by `pad`. */
function use(name: string, pad: string, body: string[] = []): string {
  if (body.length === 0) return `${pad}use "${name}" {}`;
  return `${pad}use "${name}" {\n${body.map((l) => `${pad}  ${l}`).join("\n")}\n${pad}}`;
}

/** A `waypoint.hcl` using the plugin for every stage it has (see the module doc). */
export function waypointHcl(p: TemplateParams): string {
  const has = (c: TemplateComponent) => p.components.includes(c);
  const build = has("builder")
    ? use(p.name, "    ", [`source = "${E2E_APP}"`])
    : `    # This plugin has no builder: Waypoint's docker builder makes the image.\n${
      use("docker", "    ")
    }`;
  const registry = has("registry") ? `\n\n    registry {\n${use(p.name, "      ")}\n    }` : "";
  const deploy = has("platform")
    ? use(p.name, "    ")
    : `    # This plugin has no platform: Waypoint requires a deploy stanza; docker deploys.\n${
      use("docker", "    ")
    }`;
  const release = has("releasemanager") ? `\n\n  release {\n${use(p.name, "    ")}\n  }` : "";
  return `project = "${E2E_PROJECT}"

app "${E2E_APP_NAME}" {
  build {
${build}${registry}
  }

  deploy {
${deploy}
  }${release}
}
`;
}

/** Whether the e2e test can run here: the plugin builds (the docker builder needs Docker). */
export function hasE2e(p: TemplateParams): boolean {
  return p.components.includes("builder");
}

/** A template literal holding `text` (no `${` or backticks in it to escape but these). */
function literal(text: string): string {
  return "`" + text.replaceAll("\\", "\\\\").replaceAll("`", "\\`").replaceAll("${", "\\${") + "`";
}

/** `tests/e2e_test.ts` (only when {@linkcode hasE2e}). */
export function e2eTest(p: TemplateParams): string {
  const has = (c: TemplateComponent) => p.components.includes(c);
  const deploys = has("platform");
  const steps = [
    `  const build = await project.run("build");
  assert(build.code === 0, build.output);
  assert(build.output.includes("Application built successfully"), build.output);
  // The plugin's log lines, as Waypoint relayed them.
  assert(build.pluginLogs.some((l) => l.plugin === NAME && l.message === "built"));`,
  ];
  if (deploys) {
    steps.push(`
  const up = await project.run("up");
  assert(up.code === 0, up.output);
  assert(up.output.includes("Deployed"), up.output);

  const status = await project.run("status", "-app=${E2E_APP_NAME}");
  assert(status.code === 0, status.output);

  const destroy = await project.run("destroy", "-auto-approve");
  assert(destroy.code === 0, destroy.output);
  const left = [...Deno.readDirSync(\`\${project.dir}/.waypoint/deployments\`)];
  assert(left.length === 0, \`deployments left: \${left.map((e) => e.name)}\`);`);
  }
  const what = deploys ? "build, up, status and destroy" : "build";
  return `/**
 * The ${p.name} plugin under the real Waypoint 0.11 CLI and a local server of
 * the test's own: ${what}. Needs the CLI: WAYPOINT_BIN, or \`waypoint\` on
 * PATH; \`deno task waypoint-cli\` builds one and prints its path. Run with
 * \`deno task e2e\`.
 */
import { startWaypoint } from "@x/waypoint-plugin/testing";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

const NAME = "${p.name}";

/** The waypoint.hcl of the README. */
const HCL = ${literal(waypointHcl(p))};

Deno.test("the ${p.name} plugin: ${what} through the real Waypoint", async () => {
  await using wp = await startWaypoint();
  const project = await wp.project({
    hcl: HCL,
    files: { "app/index.html": "<h1>hello</h1>\\n" },
    plugins: [{ name: NAME, entry: new URL("../main.ts", import.meta.url) }],
  });
${steps.join("\n")}
});
`;
}
