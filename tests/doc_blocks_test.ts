/**
 * The code blocks of the documentation cannot rot silently:
 *
 * - every fenced block names its language, one of the few the docs use;
 * - TypeScript blocks are type-checked by `deno task check` and run by
 *   `deno task doctest` (`deno test --doc` reads Markdown), except a block
 *   that is a test file (it calls `Deno.test`), which is type-checked but
 *   not run: the doc test filter runs only the blocks Deno wraps itself;
 * - the tutorial (docs/tutorial.md) is followed as written: its `init`
 *   command, its `file=` blocks written into the project, `deno task proto`,
 *   `deno task ok` and `deno task e2e` under the real Waypoint CLI;
 * - every message docs/troubleshooting.md quotes is one the toolkit prints.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO, tempDir } from "./support/host.ts";
import { deno, INIT } from "./support/init_run.ts";
import { waypointBinary } from "../scripts/waypoint_cli.ts";
import { markdownFiles } from "../scripts/check_links.ts";

/** One fenced code block. */
interface Block {
  /** The Markdown file, relative to the repository. */
  file: string;
  /** The line of its opening fence, 1-based. */
  line: number;
  /** The first word of the info string: `ts`, `sh` … (`""` when there is none). */
  lang: string;
  /** The other words: `ignore`, `file=builder/builder.ts` … */
  attrs: Map<string, string | true>;
  /** Its text, each line ending with `\n`. */
  code: string;
}

/** The fenced code blocks of `markdown` (the file `file`). */
function blocksOf(markdown: string, file: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [lang = "", ...words] = open[2].trim().split(/\s+/).filter((w) => w !== "");
    const attrs = new Map<string, string | true>(
      words.map((w) =>
        w.includes("=") ? [w.slice(0, w.indexOf("=")), w.slice(w.indexOf("=") + 1)] : [w, true]
      ),
    );
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === open[1][0] && close[1].length >= open[1].length) break;
      body.push(lines[j]);
    }
    blocks.push({ file, line: i + 1, lang, attrs, code: body.map((l) => `${l}\n`).join("") });
    i = j;
  }
  return blocks;
}

/** The documentation's Markdown files, relative to the repository. */
async function docFiles(): Promise<string[]> {
  const files = ["README.md", "CONTRIBUTING.md", "ARCHITECTURE.md", "bench/README.md"];
  const docs = await markdownFiles(join(REPO, "docs"));
  return [...files, ...docs.map((p) => p.slice(REPO.length + 1))];
}

async function allBlocks(): Promise<Block[]> {
  const out: Block[] = [];
  for (const file of await docFiles()) {
    out.push(...blocksOf(await Deno.readTextFile(join(REPO, file)), file));
  }
  return out;
}

/** The languages the docs' fences may name. */
const LANGUAGES = ["ts", "sh", "console", "hcl", "proto", "go", "json", "text", "diff"];

Deno.test("every code block in the docs names its language, one the docs use", async () => {
  const blocks = await allBlocks();
  assert(blocks.length > 50, `only ${blocks.length} blocks found: are the docs read right?`);
  const unknown = blocks.filter((b) => !LANGUAGES.includes(b.lang))
    .map((b) => `${b.file}:${b.line}: \`\`\`${b.lang}`);
  assertEquals(unknown, []);
});

Deno.test("a TypeScript block is ignored by the doc tests only when the tutorial assembles it", async () => {
  const wrong = (await allBlocks()).filter((b) =>
    b.lang === "ts" && (b.attrs.has("ignore") !== b.attrs.has("file") ||
      (b.attrs.has("file") && b.file !== "docs/tutorial.md"))
  ).map((b) => `${b.file}:${b.line}: ${[...b.attrs.keys()].join(" ") || "(no attributes)"}`);
  assertEquals(wrong, []);
});

Deno.test("deno task doctest type-checks a Markdown block that calls Deno.test without running it", async () => {
  const tasks = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json"))).tasks;
  const filter = /--filter '([^']+)'/.exec(tasks.doctest)?.[1];
  assert(filter, `no --filter in the doctest task: ${tasks.doctest}`);
  assertStringIncludes(tasks.doctest, "docs/");
  const dir = await Deno.makeTempDir({ prefix: "doc-blocks-" });
  try {
    const write = (name: string, blocks: string[]) =>
      Deno.writeTextFile(join(dir, name), blocks.map((b) => `\`\`\`ts\n${b}\n\`\`\`\n`).join("\n"));
    const marker = (name: string) =>
      `await Deno.writeTextFile(${JSON.stringify(join(dir, name))}, "");`;
    await write("page.md", [
      marker("plain-ran"),
      `Deno.test("a test file's test", async () => {\n  ${marker("test-ran")}\n});`,
    ]);
    const run = (page: string) =>
      deno(["test", "-A", "--no-config", "--no-prompt", "--doc", "--filter", filter, page], dir);
    const ok = await run("page.md");
    assertEquals(ok.code, 0, ok.stdout + ok.stderr);
    assertStringIncludes(ok.stdout, "1 filtered out");
    const ran = async (name: string) =>
      await Deno.stat(join(dir, name)).then(() => true, () => false);
    assertEquals([await ran("plain-ran"), await ran("test-ran")], [true, false]);

    await write("typo.md", [`Deno.test("typo", () => {\n  const n: number = "one";\n});`]);
    const typo = await run("typo.md");
    assertEquals(typo.code, 1, typo.stdout + typo.stderr);
    assertStringIncludes(typo.stderr, "TS2322");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** Every `.ts` file under `dir`, outside `gen/`. */
async function sources(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory && e.name !== "gen") await sources(path, out);
    else if (e.isFile && e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/**
 * The phrases of a message as docs/troubleshooting.md quotes it: the text
 * between its placeholders (`<name>`, `…`), cut at quotes, backticks and
 * `: ` (where the toolkit joins a message to what it is about), trimmed,
 * those of four characters or more.
 */
function phrases(message: string): string[] {
  return message.split(/<[^<>\n]+>|…|["`]|: |\n/).map((p) =>
    p.trim().replace(/^[.,;:]+|[.,;:]+$/g, "")
  )
    .filter((p) => p.length >= 4);
}

/**
 * Whether `phrase` is pieces of `text` in a row, each eight characters or more
 * (or the rest of the phrase): a message the toolkit puts together from a
 * template and the values it interpolates (`${what}: ${why}`).
 */
function covered(phrase: string, text: string): boolean {
  let rest = phrase;
  while (rest.length > 0) {
    // The longest prefix of `rest` that is in `text` (if a prefix is, so are all shorter ones).
    let lo = 0, hi = rest.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (text.includes(rest.slice(0, mid))) lo = mid;
      else hi = mid - 1;
    }
    if (lo < Math.min(rest.length, 8)) return false;
    rest = rest.slice(lo).trimStart();
  }
  return true;
}

Deno.test("covered finds a message the toolkit puts together, and not a reworded one", () => {
  const text =
    'new Error(`Cannot configure ${kind} "${name}": ${e.message}`); `field "${field}" ${rule}`; ' +
    'bad("must be a string");';
  const message = 'Cannot configure <kind> "<plugin>": field "<field>" must be a string: <value>';
  assertEquals(phrases(message), ["Cannot configure", "field", "must be a string"]);
  assert(phrases(message).every((p) => covered(p, text)));
  assert(covered("Cannot configure must be a string", text), "two pieces in a row");
  assert(!covered("must be text", text), "a reworded message");
  assert(!covered("Cannot be configured", text), "a reworded message");
});

Deno.test("every message docs/troubleshooting.md quotes is one the toolkit prints", async () => {
  // The source text with each string concatenation (`"a " +\n  "b"`) joined and escapes undone.
  const text =
    (await Promise.all((await sources(join(REPO, "src"))).map((f) => Deno.readTextFile(f))))
      .join("\n")
      .replace(/(["'`])\s*\+\s*(["'`])/g, "")
      .replaceAll("\\`", "`").replaceAll('\\"', '"').replaceAll("\\n", "\n");
  const page = await Deno.readTextFile(join(REPO, "docs", "troubleshooting.md"));
  const quoted = blocksOf(page, "docs/troubleshooting.md").filter((b) => b.lang === "text");
  assert(quoted.length >= 40, `only ${quoted.length} messages quoted: is the page read right?`);
  const missing = quoted.flatMap((b) =>
    phrases(b.code).filter((p) => !covered(p, text)).map((p) => `line ${b.line}: "${p}"`)
  );
  assertEquals(missing, []);
});

Deno.test("the README keeps its two commands under Set-up and two commands", async () => {
  const readme = await Deno.readTextFile(join(REPO, "README.md"));
  const section = readme.split(/^#+ /m).find((s) => s.startsWith("Set-up and two commands"));
  assert(section, "README.md has no heading `Set-up and two commands`");
  const sh = blocksOf(section, "README.md").filter((b) => b.lang === "sh").map((b) => b.code);
  assert(
    sh.some((c) => /^deno task demo\b/m.test(c) && /^deno task test\b/m.test(c)),
    sh.join("\n"),
  );
});

Deno.test("the tutorial, followed as written, gives a plugin that passes deno task ok and deno task e2e", async () => {
  const page = await Deno.readTextFile(join(REPO, "docs", "tutorial.md"));
  const blocks = blocksOf(page, "docs/tutorial.md");
  // Step 1: the init command, run from this checkout instead of JSR.
  const sh = blocks.filter((b) => b.lang === "sh").map((b) => b.code).join("");
  const initLine = /^deno run -A jsr:@x\/waypoint-plugin\/init (.+)$/m.exec(sh);
  const cdLine = /^cd (\S+)$/m.exec(sh);
  assert(initLine && cdLine, "the tutorial has no `init` and `cd` commands");
  const root = await tempDir("tutorial-");
  const made = await deno(
    ["run", "-A", INIT, ...initLine[1].split(" "), "--toolkit", REPO, "--yes"],
    root,
  );
  assertEquals(made.code, 0, made.stderr);
  const dir = join(root, cdLine[1]);

  // Every file block, in order; a file shown in several blocks is their concatenation.
  const files = new Map<string, string[]>();
  for (const b of blocks) {
    const file = b.attrs.get("file");
    if (typeof file !== "string") continue;
    files.set(file, [...(files.get(file) ?? []), b.code]);
  }
  for (const want of ["builder/output.proto", "builder/builder.ts", "main.ts", "deno.json"]) {
    assert(files.has(want), `the tutorial shows no ${want}`);
  }
  for (const [file, parts] of files) {
    const path = join(dir, file);
    await Deno.mkdir(join(path, ".."), { recursive: true });
    if (file === "deno.json") {
      // "In deno.json, set …": the block's keys replace the scaffold's.
      const json = JSON.parse(await Deno.readTextFile(path));
      Object.assign(json, JSON.parse(parts.join("")));
      await Deno.writeTextFile(path, `${JSON.stringify(json, null, 2)}\n`);
    } else {
      await Deno.writeTextFile(path, parts.join("\n"));
    }
  }
  // main.ts is shown as init wrote it.
  assertEquals(await Deno.readTextFile(join(dir, "main.ts")), files.get("main.ts")!.join("\n"));

  // The waypoint.hcl the page shows is the one its end-to-end test runs.
  const hcl = blocks.filter((b) => b.lang === "hcl").map((b) => b.code);
  const e2e = files.get("tests/e2e_test.ts")?.join("") ?? "";
  assert(
    hcl.length === 1 && e2e.includes(`const HCL = \`${hcl[0]}\`;`),
    "hcl block ≠ the test's HCL",
  );

  for (const task of ["proto", "ok"]) {
    const r = await deno(["task", task], dir);
    assertEquals(r.code, 0, `deno task ${task} failed:\n${r.stdout}\n${r.stderr}`);
  }
  const e2eRun = await deno(["task", "e2e"], dir, { WAYPOINT_BIN: await waypointBinary() });
  assertEquals(e2eRun.code, 0, `deno task e2e failed:\n${e2eRun.stdout}\n${e2eRun.stderr}`);
  assertStringIncludes(e2eRun.stdout, "1 passed");
});
