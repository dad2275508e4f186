/**
 * `deno task publish-check`'s `deno doc --lint` step (scripts/lib/publish.ts):
 * anything `deno doc` prints besides its `Checked N files` line fails it,
 * warnings too, except the warnings of Deno's bug denoland/deno#36751, which
 * are set aside only in their exact form.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { docLint, docLintReport, exportedModules, sortDocOutput } from "../scripts/lib/publish.ts";
import { REPO } from "../scripts/lib/repo.ts";
import { join } from "../scripts/lib/path.ts";

const TYPES_NODE = "file:///cache/npm/registry.npmjs.org/@types/node/26.6.6/";
const FILES: Record<string, string> = {
  [`${TYPES_NODE}index.d.ts`]: [
    "// NOTE: These definitions support Node.js and TypeScript 5.8+.",
    '/// <reference path="zlib.d.ts" />',
    '/// <reference path="web-globals/url.d.ts" />',
    '/// <reference path="gone.d.ts" />',
    '/// <reference path="./zlib.d.ts" />',
    'import "zlib.d.ts";',
  ].join("\n"),
  [`${TYPES_NODE}zlib.d.ts`]: "",
  [`${TYPES_NODE}web-globals/url.d.ts`]: "",
  "file:///cache/npm/registry.npmjs.org/other/1.0.0/index.d.ts":
    '/// <reference path="zlib.d.ts" />',
  "file:///cache/npm/registry.npmjs.org/other/1.0.0/zlib.d.ts": "",
};
const read = (url: URL) => FILES[url.href];

/** The warning `deno doc` prints for a reference it resolved as the package `pkg`, at `line`. */
function unresolved(pkg: string, referrer: string, line: number): string {
  return `Warning Failed resolving types. Could not find package '${pkg}' from referrer ` +
    `'${referrer}' (@types/node@26.6.6).\n    at ${referrer}:${line}:21`;
}

Deno.test("sortDocOutput sets aside only @types/node's own path references that are there", () => {
  const index = `${TYPES_NODE}index.d.ts`;
  const other = "file:///cache/npm/registry.npmjs.org/other/1.0.0/index.d.ts";
  const output = [
    unresolved("zlib.d.ts", index, 2),
    unresolved("web-globals", index, 3),
    unresolved("gone.d.ts", index, 4), // the file it means is not there
    unresolved("zlib.d.ts", index, 5), // a ./ reference: not the bug
    unresolved("zlib.d.ts", index, 6), // an import, not a reference
    unresolved("zlib", index, 2), // not the package the reference names
    unresolved("zlib.d.ts", other, 1), // not @types/node
    'Warning Module not found "file:///repo/missing.ts".\n    at file:///repo/mod.ts:1:8',
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
    "Checked 9 files",
    "",
  ].join("\n");
  const sorted = sortDocOutput(output, read);
  assertEquals(sorted.typesNodeBug, 2);
  assertEquals(sorted.problems, [
    ...unresolved("gone.d.ts", index, 4).split("\n"),
    ...unresolved("zlib.d.ts", index, 5).split("\n"),
    ...unresolved("zlib.d.ts", index, 6).split("\n"),
    ...unresolved("zlib", index, 2).split("\n"),
    ...unresolved("zlib.d.ts", other, 1).split("\n"),
    'Warning Module not found "file:///repo/missing.ts".',
    "    at file:///repo/mod.ts:1:8",
    "error[missing-jsdoc]: exported symbol is missing JSDoc documentation",
  ]);
});

Deno.test("docLint fails on a warning deno doc exits 0 with, and the report names it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "doc-lint-" });
  try {
    await Deno.writeTextFile(join(dir, "deno.json"), "{}\n");
    await Deno.writeTextFile(
      join(dir, "mod.ts"),
      'import "./missing.ts";\n\n/** Documented. */\nexport const documented = 1;\n',
    );
    const doc = await docLint(["mod.ts"], dir);
    assert(!doc.success, `passed:\n${doc.output}`);
    assertEquals(doc.typesNodeBug, 0);
    const report = docLintReport(["mod.ts"], doc);
    assertStringIncludes(report, "FAILED  deno doc --lint mod.ts: 1 warning, 0 lint diagnostics");
    assertStringIncludes(report, `    Warning Module not found "file://`);
    assertStringIncludes(report, "missing.ts");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("docLint fails on a lint diagnostic, and the report names it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "doc-lint-" });
  try {
    await Deno.writeTextFile(join(dir, "deno.json"), "{}\n");
    await Deno.writeTextFile(join(dir, "mod.ts"), "export const undocumented = 1;\n");
    const doc = await docLint(["mod.ts"], dir);
    assert(!doc.success, `passed:\n${doc.output}`);
    const report = docLintReport(["mod.ts"], doc);
    assertStringIncludes(report, "FAILED  deno doc --lint mod.ts: 0 warnings, 1 lint diagnostic");
    assertStringIncludes(report, "    error[missing-jsdoc]");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every export passes deno doc --lint, Deno's bug aside, on the @types/node deno.json pins", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const pinned = /^npm:@types\/node@(\d+\.\d+\.\d+)$/.exec(config.imports["@types/node"])?.[1];
  assert(pinned, `deno.json imports @types/node: ${config.imports["@types/node"]}`);
  const doc = await docLint(await exportedModules());
  assert(doc.success, docLintReport(await exportedModules(), doc));
  // The @types/node in the graph (which only Deno's bug shows) is the pinned one.
  const referrers = new Set(
    [...doc.output.matchAll(/from referrer '([^']+)'/g)].map((m) => m[1].replace(/[^/]*$/, "")),
  );
  for (const r of referrers) assertStringIncludes(r, `/@types/node/${pinned}/`);
});
