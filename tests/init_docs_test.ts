/** The scaffold's `deno task docs` documents every output attribute with its output.proto comment. */
import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO, tempDir } from "./support/host.ts";
import { deno, init } from "./support/init_run.ts";
import { ALL_COMPONENTS, COMPONENTS } from "../src/tools/init/params.ts";

Deno.test("deno task docs of a new project describes each output attribute", async () => {
  const root = await tempDir("init-docs-");
  const made = await init(["docplug", "p", "--toolkit", REPO], root);
  assertEquals(made.code, 0, made.stderr);
  const r = await deno(["task", "docs"], join(root, "p"));
  assertEquals(r.code, 0, r.stderr);
  for (const c of ALL_COMPONENTS) {
    for (const f of COMPONENTS[c].message.fields) {
      assertStringIncludes(r.stdout, `| \`${f.name}\` | ${f.type} | ${f.doc} |`);
    }
  }
});
