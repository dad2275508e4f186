/**
 * A freshly scaffolded project, untouched, through the real Waypoint 0.11.4 CLI: `init`, then the
 * project's own `deno task e2e` (its tests/e2e_test.ts: build, and with a platform up, status and
 * destroy, on the waypoint.hcl its README prints) for the default components and for
 * `--components builder,platform` and `builder`.
 */
import { assertEquals, assertStringIncludes } from "../support/assert.ts";
import { join } from "../support/path.ts";
import { REPO, tempDir } from "../support/host.ts";
import { deno, init } from "../support/init_run.ts";
import { waypointBinary } from "../../scripts/waypoint_cli.ts";

const bin = await waypointBinary();

/** The hcl block of a README. */
function readmeHcl(readme: string): string {
  return /```hcl\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
}

/** The HCL constant of a generated e2e test, unescaped. */
function testHcl(test: string): string {
  const m = /const HCL = `([\s\S]*?)`;/.exec(test)?.[1] ?? "";
  return m.replaceAll("\\`", "`").replaceAll("\\${", "${").replaceAll("\\\\", "\\");
}

for (const components of [undefined, "builder,platform", "builder"]) {
  Deno.test(
    `a scaffolded project (${components ?? "default components"}) passes its own deno task e2e`,
    async () => {
      const root = await tempDir("scaffold-e2e-");
      const made = await init(
        ["e2eplug", "p", "--toolkit", REPO, ...(components ? ["--components", components] : [])],
        root,
      );
      assertEquals(made.code, 0, made.stderr);
      const dir = join(root, "p");
      const readme = await Deno.readTextFile(join(dir, "README.md"));
      const test = await Deno.readTextFile(join(dir, "tests", "e2e_test.ts"));
      // The README shows the waypoint.hcl the test runs.
      assertEquals(readmeHcl(readme), testHcl(test));
      assertStringIncludes(readmeHcl(readme), 'use "e2eplug"');
      if (components !== "builder") {
        assertStringIncludes(readmeHcl(readme), 'deploy {\n    use "e2eplug"');
      }
      if (!components) assertStringIncludes(readmeHcl(readme), 'registry {\n      use "e2eplug"');
      const r = await deno(["task", "e2e"], dir, { WAYPOINT_BIN: bin });
      assertEquals(r.code, 0, `deno task e2e failed:\n${r.stdout}\n${r.stderr}`);
      assertStringIncludes(r.stdout, "1 passed");
      // The unit test task leaves the e2e test to its own task.
      const unit = JSON.parse(await Deno.readTextFile(join(dir, "deno.json"))).tasks.test;
      assertStringIncludes(unit, "--ignore=tests/e2e_test.ts");
    },
  );
}
