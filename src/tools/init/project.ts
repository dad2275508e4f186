/**
 * The project's own files: `main.ts`, `deno.json`, `README.md` and
 * `.gitignore`.
 *
 * @module
 */
import { COMPONENTS, LINE_WIDTH, type TemplateParams } from "./params.ts";
import { hasE2e, waypointHcl } from "./e2e.ts";

/** `main.ts`. */
export function mainModule(p: TemplateParams): string {
  const lines = p.components.map((c) => {
    const { dir, exportName } = COMPONENTS[c];
    return `import { ${exportName} } from "./${dir}/${dir}.ts";`;
  });
  return `/** The ${p.name} plugin: \`waypoint-plugin-${p.name}\`. */
import { serve } from "@x/waypoint-plugin";
${lines.join("\n")}

${serveCall(p)}
`;
}

/** `await serve(…)`, wrapped as `deno fmt` wraps it when a long name makes it too wide. */
function serveCall(p: TemplateParams): string {
  const components = `{ ${p.components.map((c) => COMPONENTS[c].exportName).join(", ")} }`;
  const line = `await serve(${components}, { name: "${p.name}" });`;
  return line.length <= LINE_WIDTH
    ? line
    : `await serve(${components}, {\n  name: "${p.name}",\n});`;
}

/** `deno.json`. */
export function denoJson(p: TemplateParams): string {
  return JSON.stringify(
    {
      name: `@local/waypoint-plugin-${p.name}`,
      version: "0.1.0",
      exports: "./main.ts",
      imports: p.imports,
      // grpc-js's @grpc/proto-loader takes protobufjs 7, whose postinstall only checks a
      // dependent's version prefix; denying it keeps Deno's "Ignored build scripts" box away.
      allowScripts: { deny: ["npm:protobufjs@7"] },
      tasks: {
        proto: "deno run -A @x/waypoint-plugin/proto",
        compile: `deno run -A @x/waypoint-plugin/compile --name ${p.name} --entry main.ts`,
        install: `deno run -A @x/waypoint-plugin/install --name ${p.name} --entry main.ts`,
        docs: `deno run -A @x/waypoint-plugin/docs --name ${p.name} --entry main.ts`,
        test: hasE2e(p) ? "deno test -A --ignore=tests/e2e_test.ts tests/" : "deno test -A tests/",
        ...(hasE2e(p)
          ? {
            e2e: "deno test -A tests/e2e_test.ts",
            "waypoint-cli": "deno run -A @x/waypoint-plugin/waypoint-cli",
          }
          : {}),
        ok:
          "deno fmt --check && deno lint && deno check main.ts tests/ && deno task proto --check && deno task test",
      },
      // What the plugin may do beyond what serve() needs (compile and install bake both in):
      // read and write in the project folder, where Waypoint runs it.
      waypoint: { permissions: ["read=.", "write=."] },
      fmt: { lineWidth: LINE_WIDTH, exclude: ["**/gen/", "bin/"] },
      lint: { exclude: ["**/gen/", "bin/"] },
    },
    null,
    2,
  ) + "\n";
}

/** `README.md`. */
export function readme(p: TemplateParams): string {
  return `# waypoint-plugin-${p.name}

A [Waypoint](https://developer.hashicorp.com/waypoint) plugin written in TypeScript with
\`@x/waypoint-plugin\` ${p.version}. Components: ${p.components.join(", ")}.

\`\`\`sh
deno task test      # run the plugin through the toolkit's test host
${
    hasE2e(p)
      ? "deno task e2e       # ... and through the real Waypoint CLI (see below)\n"
      : ""
  }deno task proto     # regenerate */gen/output.ts after editing an output.proto
deno task compile   # bin/<os>_<arch>/waypoint-plugin-${p.name} for every platform
deno task install   # put it where Waypoint looks (--dev: a launcher that runs the source)
deno task docs      # the plugin's docs as Markdown (what \`waypoint docs\` shows)
deno task ok        # fmt, lint, type check, proto drift, tests
\`\`\`

## Use it

In \`waypoint.hcl\`${hasE2e(p) ? " (the one \`tests/e2e_test.ts\` runs)" : ""}:

\`\`\`hcl
${waypointHcl(p).trimEnd()}
\`\`\`
${
    hasE2e(p)
      ? `
\`deno task e2e\` takes the plugin through the real Waypoint 0.11 CLI with a local server of the
test's own (\`startWaypoint()\` of \`@x/waypoint-plugin/testing\`). It needs the CLI: set
\`WAYPOINT_BIN\`, put \`waypoint\` on PATH, or run \`deno task waypoint-cli\`, which builds Waypoint
0.11.4 from the Go module proxy once (needs Go) and prints its path:

\`\`\`sh
export WAYPOINT_BIN="$(deno task -q waypoint-cli)"
deno task e2e
\`\`\`
`
      : ""
  }
## Permissions

The plugin runs with what \`serve()\` needs plus what \`deno.json\` declares in \`waypoint.permissions\`:
here read and write in the project folder (\`read=.\`, \`write=.\`), where Waypoint runs it. \`compile\`,
\`install --dev\` and the test host grant exactly that. A call your code makes without permission
fails with an error naming what to add, e.g. \`"run=go"\`.

## Releases

\`.github/workflows/ci.yml\` runs \`deno task ok\` on every push and pull request. To release, push a
tag that is \`v\` and deno.json's \`version\`:

\`\`\`sh
git tag v0.1.0 && git push origin v0.1.0
\`\`\`

It then runs \`deno task compile\` for every target and publishes the zips and \`SHA256SUMS\` as a
GitHub release. Check a download with \`sha256sum --ignore-missing -c SHA256SUMS\`.
`;
}

/** `.gitignore`. */
export const GITIGNORE = "bin/\n.waypoint/\n";
