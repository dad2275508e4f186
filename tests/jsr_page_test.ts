/**
 * What a reader sees of the package on jsr.io, checked on what would be
 * published: links in the Markdown files that work there, and examples
 * on the public API that can be copied into a project as they are.
 *
 * JSR renders a relative link `[x](examples/a.ts)` as a link into the
 * published files (`/@x/waypoint-plugin/<version>/examples/a.ts`), or into the
 * linked GitHub repository when one is set; a file left out of the package
 * (`publish.exclude`: tests/, examples/, scripts/) is a 404 in the first case.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { publishDryRun } from "../scripts/lib/publish.ts";
import { publicDocs } from "./support/public_docs.ts";
import { REPO } from "../scripts/lib/repo.ts";
import { join } from "../scripts/lib/path.ts";

/** The anchor GitHub and JSR give a heading: lower case, punctuation dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, "").replaceAll(" ", "-");
}

/** The targets of every Markdown link and `href` in `markdown`, outside code. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  return [
    ...[...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...prose.matchAll(/href="([^"]+)"/g)].map((m) => m[1]),
  ];
}

/** The links in `markdown` (a file at `path` of the package) that do not work on JSR. */
function brokenLinks(markdown: string, path: string, published: Set<string>): string[] {
  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "";
  const anchors = new Set(
    [...markdown.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => anchorOf(m[1])),
  );
  const broken: string[] = [];
  for (const target of linkTargets(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    const [file, fragment] = target.split("#", 2);
    if (file === "") {
      if (!anchors.has(fragment)) broken.push(`${target} (no heading has this anchor)`);
      continue;
    }
    const resolved = new URL(file, `file:///${dir}`).pathname.slice(1).replace(/\/$/, "");
    const isFile = published.has(resolved);
    const isDir = [...published].some((p) => p.startsWith(`${resolved}/`));
    if (!isFile && !isDir) broken.push(`${target} (${resolved} is not published)`);
  }
  return broken;
}

Deno.test("brokenLinks finds a link to an unpublished file and a missing anchor, and passes good ones", () => {
  const published = new Set(["README.md", "src/testing/mod.ts", "LICENSE"]);
  const md = [
    "# Title",
    "## Deploying with localdeploy",
    "[ok](LICENSE) [dir](src/testing) [anchor](#deploying-with-localdeploy) [web](https://x.dev/a)",
    "[gone](examples/gobuilder) [bad](#nowhere) `[code](examples/a.ts)`",
    "```md",
    "[in a block](examples/b.ts)",
    "```",
  ].join("\n");
  assertEquals(brokenLinks(md, "README.md", published), [
    "examples/gobuilder (examples/gobuilder is not published)",
    "#nowhere (no heading has this anchor)",
  ]);
});

Deno.test("every relative link in a published Markdown file points at a published file", async () => {
  const dry = await publishDryRun();
  assert(dry.success, `deno publish --dry-run failed:\n${dry.output}`);
  const published = new Set(dry.files);
  const markdown = dry.files.filter((f) => f.endsWith(".md"));
  assert(markdown.includes("README.md"), `README.md is not published: ${dry.files.join(", ")}`);
  const broken: string[] = [];
  for (const path of markdown) {
    const text = await Deno.readTextFile(join(REPO, path));
    broken.push(...brokenLinks(text, path, published).map((b) => `${path}: ${b}`));
  }
  assertEquals(broken, []);
});

/** Every `@example` text in a `deno doc --json` tree, with where it is. */
function examples(node: unknown, where: string, out: { where: string; doc: string }[]): void {
  if (Array.isArray(node)) {
    for (const n of node) examples(n, where, out);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const o = node as Record<string, unknown>;
  const here = typeof o.name === "string" && o.name !== "" ? `${where}.${o.name}` : where;
  if (o.kind === "example" && typeof o.doc === "string") out.push({ where: here, doc: o.doc });
  for (const v of Object.values(o)) examples(v, here, out);
}

Deno.test("every example on the public API imports the toolkit as @x/waypoint-plugin, not by path", async () => {
  const { docs } = await publicDocs();
  const found: { where: string; doc: string }[] = [];
  for (const [url, file] of Object.entries(docs.nodes as Record<string, unknown>)) {
    examples(file, url.replace(`file://${REPO}/`, ""), found);
  }
  assert(found.length >= 20, `only ${found.length} examples found: is the doc JSON read right?`);
  const byPath = found.flatMap(({ where, doc }) =>
    [...doc.matchAll(/(?:from|import)\s+"([^"]+)"/g)]
      .map((m) => m[1])
      // The toolkit by name, or a Node built-in (`node:assert` for the examples' checks).
      .filter((spec) => !/^(@x\/waypoint-plugin(\/[a-z-]+)?|node:[a-z_/]+)$/.test(spec))
      .map((spec) => `${where}: imports "${spec}"`)
  );
  assertEquals(byPath, []);
});
