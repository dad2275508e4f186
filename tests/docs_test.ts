/** `docs`: Markdown from what the plugin's Documentation RPCs serve. */
import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO } from "./support/host.ts";
import { renderPluginDocs } from "../src/tools/docs/render.ts";
import { main } from "../src/tools/docs.ts";

Deno.test("docs renders the gobuilder's fields, defaults, example and output attributes", async () => {
  const md = await renderPluginDocs(join(REPO, "examples", "gobuilder", "main.ts"), "gobuilder");
  assertStringIncludes(md, "# waypoint-plugin-gobuilder\n\n## Builder\n");
  assertStringIncludes(md, "Builds a Go application with `go build`");
  assertStringIncludes(
    md,
    "| `output_name` | string | optional | `app` | The name of the binary to produce |",
  );
  assertStringIncludes(md, '```hcl\nbuild {\n  use "gobuilder" {');
  assertStringIncludes(md, "| `location` | string |");
  assertEquals(md.includes("## Platform"), false); // the gobuilder has no platform
});

Deno.test("docs lists nested block fields, requiredness, and never a sensitive value", async () => {
  const md = await renderPluginDocs(join(REPO, "tests", "fixtures", "schema_plugin.ts"), "schema");
  assertStringIncludes(md, "| `name` | string | required |  | Required string |");
  assertStringIncludes(md, "| `auth` | block | optional |");
  assertStringIncludes(md, "| `auth.user` | string | required |");
  assertStringIncludes(md, "| `service.name` | string | required |");
  assertStringIncludes(md, "| `ports` | list of int | optional |");
  assertEquals(md.includes("dev-token"), false);
});

Deno.test("docs exits 2 with help when the entry module is missing", async () => {
  const code = await main(["--entry", "/nonexistent/main.ts"]);
  assertEquals(code, 2);
});

Deno.test("docs renders a config sourcer's section", async () => {
  const md = await renderPluginDocs(
    join(REPO, "tests", "fixtures", "config_sourcer_plugin.ts"),
    "sourcer",
  );
  assertStringIncludes(
    md,
    '## ConfigSourcer\n\nUse in the `config (dynamic sources)` stanza: `use "sourcer" { … }`.\n\nReads values from its own config',
  );
  assertStringIncludes(
    md,
    "| `prefix` | string | optional | `app` | Prefix of every value's name |",
  );
});
