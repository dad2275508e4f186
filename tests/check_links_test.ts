/**
 * scripts/check_links.ts (`deno task links`, part of `deno task ok`): it
 * finds a link to a missing file, an anchor no heading has (in the same
 * file and in another), and an undefined reference, and passes everything
 * that works, code left alone.
 */
import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO, tempDir } from "./support/host.ts";
import { anchorsOf, checkLinks, linksOf, slug } from "../scripts/check_links.ts";

Deno.test("slug gives a heading the anchor GitHub gives it", () => {
  assertEquals(slug("Shipping a binary: `deno compile`"), "shipping-a-binary-deno-compile");
  assertEquals(slug("What `serve()` needs, and why"), "what-serve-needs-and-why");
  assertEquals(slug("[The test host](testing.md) — launchPlugin()"), "the-test-host--launchplugin");
  assertEquals(slug("Porting from Go: `sdk.Main`"), "porting-from-go-sdkmain");
  assertEquals(slug("ReleaseManager ##"), "releasemanager");
});

Deno.test("anchorsOf numbers repeated headings and reads setext headings and explicit anchors", () => {
  const md = [
    "# Config",
    "## Example",
    "## Example",
    "Setext title",
    "============",
    '<a id="custom-spot"></a>',
    "```md",
    "# Not a heading",
    "```",
  ].join("\n");
  assertEquals(
    [...anchorsOf(md)].sort(),
    ["config", "custom-spot", "example", "example-1", "setext-title"],
  );
});

Deno.test("linksOf finds inline links, images, definitions and hrefs, but none in code", () => {
  const md = [
    'See [the guide](docs/a.md#top) and ![logo](img/logo.png "Logo").',
    "A [link with [brackets]](b.md) and <https://example.com>.",
    "`[in code](nope.md)`",
    "```ts",
    "// [in a block](nope.md)",
    "```",
    "[ref]: docs/ref.md",
    '<a href="c.md">c</a>',
  ].join("\n");
  assertEquals(linksOf(md).map((l) => `${l.line} ${l.target}`), [
    "1 docs/a.md#top",
    "1 img/logo.png",
    "2 b.md",
    "7 docs/ref.md",
    "8 c.md",
  ]);
});

Deno.test("checkLinks reports a missing file, a missing anchor here and there, and an undefined reference", async () => {
  const dir = await tempDir("links-");
  await Deno.mkdir(join(dir, "docs"));
  await Deno.writeTextFile(
    join(dir, "docs", "guide.md"),
    "# Guide\n\n## The test host\n\nBack to [the start](../README.md#start).\n",
  );
  await Deno.writeTextFile(join(dir, "LICENSE"), "MIT\n");
  const readme = [
    "# Start",
    "",
    "Good: [guide](docs/guide.md), [its host](docs/guide.md#the-test-host), [here](#start),",
    "[a folder](docs), [license](LICENSE), [web](https://example.com/x.md#nowhere).",
    "Broken: [gone](docs/missing.md) and [no anchor](docs/guide.md#the-real-waypoint).",
    "Broken here: [no heading](#nowhere), [undefined][ref].",
  ].join("\n");
  await Deno.writeTextFile(join(dir, "README.md"), readme);
  const broken = await checkLinks([join(dir, "README.md"), join(dir, "docs", "guide.md")]);
  assertEquals(
    broken.map((b) => `${b.file.slice(dir.length + 1)}:${b.line} ${b.target}: ${b.reason}`),
    [
      "README.md:6 [ref]: no [label]: definition for the reference [ref]",
      "README.md:5 docs/missing.md: docs/missing.md does not exist",
      'README.md:5 docs/guide.md#the-real-waypoint: docs/guide.md has no heading with the anchor "the-real-waypoint"',
      'README.md:6 #nowhere: this file has no heading with the anchor "nowhere"',
    ],
  );
});

Deno.test("deno task links exits 1 naming the broken link, and 0 on the repository", async () => {
  const dir = await tempDir("links-cli-");
  await Deno.writeTextFile(join(dir, "a.md"), "# A\n\n[b](b.md#b) [c](#c)\n");
  await Deno.writeTextFile(join(dir, "b.md"), "# B\n");
  const run = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-R", join(REPO, "scripts", "check_links.ts"), ...args],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
  const bad = await run(["."]);
  const out = new TextDecoder().decode(bad.stdout);
  assertEquals(bad.code, 1, out);
  assertStringIncludes(out, 'a.md:3: #c: this file has no heading with the anchor "c"');
  assertStringIncludes(out, "links: 1 broken in 2 Markdown files");
  const repo = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "links"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(repo.code, 0, new TextDecoder().decode(repo.stdout));
});
