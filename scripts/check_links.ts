/**
 * `deno task links`: every relative link in the repository's Markdown must
 * lead somewhere. A link to a file needs the file (or folder); a link with
 * an anchor (`guide.md#testing`, `#testing`) needs a heading in that
 * Markdown file whose GitHub anchor it is, or an `<a id="…">`/`<a name="…">`.
 * Links with a scheme (`https:`, `mailto:`, `jsr:` …) are not followed:
 * this checks what can rot inside the repository.
 *
 * ```sh
 * deno task links                    # every *.md of the repository
 * deno run -R scripts/check_links.ts README.md docs/
 * ```
 *
 * Prints one `file:line: target: reason` line per broken link and exits 1
 * when there is one, 0 when there is none. Code (fenced blocks and inline
 * code spans) is not read for links.
 *
 * @module
 */
import { dirname, join, relative, resolve } from "./lib/path.ts";
import { REPO } from "./lib/repo.ts";

/** One link found in a Markdown file. */
export interface Link {
  /** The target as written, e.g. `docs/testing.md#the-test-host`. */
  target: string;
  /** The 1-based line it is on. */
  line: number;
}

/** A link that leads nowhere. */
export interface BrokenLink extends Link {
  /** The Markdown file it is in. */
  file: string;
  /** What is wrong, e.g. `docs/testing.md has no heading with the anchor "x"`. */
  reason: string;
}

/** Folders never searched for Markdown: tools' caches, scratch space, what git ignores. */
const SKIPPED_DIRS = new Set(["node_modules", "bin", "tmp", ".work", "gen"]);

/**
 * `markdown` with the lines of fenced code blocks emptied and, unless
 * `keepSpans`, inline code spans replaced by spaces: line numbers stay, and
 * nothing in code is taken for a link or a heading.
 */
export function withoutCode(markdown: string, keepSpans = false): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  const out: string[] = [];
  for (const line of lines) {
    const open = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fence === undefined && open) {
      fence = open[1];
      out.push("");
      continue;
    }
    if (fence !== undefined) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) fence = undefined;
      out.push("");
      continue;
    }
    out.push(
      keepSpans ? line : line.replace(/(`+)(?:(?!\1)[\s\S])*?\1/g, (m) => " ".repeat(m.length)),
    );
  }
  return out.join("\n");
}

/** The text of a heading as GitHub makes its anchor from it: links, images, tags and code marks gone. */
function headingText(raw: string): string {
  return raw
    .replace(/\s+#+\s*$/, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]*)\]\[[^\]]*\]/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`/g, "")
    .trim();
}

/**
 * The anchor GitHub gives a heading: lower case, every character that is not
 * a letter, mark, number, connector (`_`), space or `-` dropped, each space
 * a `-`. (The second heading with the same anchor gets `-1`, the third
 * `-2`: see {@linkcode anchorsOf}.)
 */
export function slug(heading: string): string {
  return headingText(heading).toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replaceAll(" ", "-");
}

/** Every anchor a Markdown file has: its headings' (numbered as GitHub numbers repeats) and explicit ones. */
export function anchorsOf(markdown: string): Set<string> {
  const prose = withoutCode(markdown, true);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  const add = (base: string) => {
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  };
  const lines = prose.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const atx = /^ {0,3}#{1,6}[ \t]+(.*)$/.exec(lines[i]);
    if (atx) {
      add(slug(atx[1]));
      continue;
    }
    // A setext heading: a line of text underlined with === or ---.
    const next = lines[i + 1];
    if (
      next !== undefined && /^ {0,3}(=+|-+)\s*$/.test(next) && lines[i].trim() !== "" &&
      !/^ {0,3}([-*+]|\d+[.)])\s/.test(lines[i]) && !/^\s*\|/.test(lines[i])
    ) {
      add(slug(lines[i]));
      i++;
    }
  }
  for (const m of prose.matchAll(/<a\s[^>]*\b(?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

/** Every link target in `markdown` outside code: inline links and images, reference definitions, `href`s and `src`s. */
export function linksOf(markdown: string): Link[] {
  const prose = withoutCode(markdown);
  const links: Link[] = [];
  const lineAt = (index: number) => prose.slice(0, index).split("\n").length;
  // [text](target "title") and ![alt](target); the text may hold one level of brackets.
  const inline =
    /!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*(<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  for (const m of prose.matchAll(inline)) {
    links.push({ target: m[1].replace(/^<|>$/g, ""), line: lineAt(m.index) });
  }
  // [label]: target
  for (const m of prose.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>\n]*>|\S+)/gm)) {
    links.push({ target: m[1].replace(/^<|>$/g, ""), line: lineAt(m.index) });
  }
  for (const m of prose.matchAll(/\b(?:href|src)="([^"]*)"/g)) {
    links.push({ target: m[1], line: lineAt(m.index) });
  }
  return links.sort((a, b) => a.line - b.line);
}

/** `[text][label]` references whose label no `[label]: …` defines. */
function undefinedReferences(markdown: string): Link[] {
  const prose = withoutCode(markdown);
  const defined = new Set(
    [...prose.matchAll(/^ {0,3}\[([^\]]+)\]:/gm)].map((m) => m[1].toLowerCase()),
  );
  const out: Link[] = [];
  for (const m of prose.matchAll(/\[([^\[\]]+)\]\[([^\[\]]*)\]/g)) {
    const label = (m[2] || m[1]).toLowerCase();
    if (!defined.has(label)) {
      out.push({ target: `[${m[2] || m[1]}]`, line: prose.slice(0, m.index).split("\n").length });
    }
  }
  return out;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The broken links of the Markdown files `files` (paths). Anchors are looked
 * up in the linked Markdown file, which need not be one of `files`.
 */
export async function checkLinks(files: readonly string[]): Promise<BrokenLink[]> {
  const anchorCache = new Map<string, Set<string>>();
  const anchors = async (path: string) => {
    let set = anchorCache.get(path);
    if (!set) {
      set = anchorsOf(await Deno.readTextFile(path));
      anchorCache.set(path, set);
    }
    return set;
  };
  const broken: BrokenLink[] = [];
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const ref of undefinedReferences(text)) {
      broken.push({
        ...ref,
        file,
        reason: `no [label]: definition for the reference ${ref.target}`,
      });
    }
    for (const link of linksOf(text)) {
      const { target } = link;
      if (target === "" || /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) continue;
      const hash = target.indexOf("#");
      const pathPart = decodeURIComponent(hash < 0 ? target : target.slice(0, hash));
      const fragment = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
      const path = pathPart === "" ? file : resolve(dirname(file), pathPart.split("?")[0]);
      const shown = pathPart === "" ? "this file" : pathPart;
      if (!(await exists(path))) {
        broken.push({ ...link, file, reason: `${shown} does not exist` });
        continue;
      }
      if (fragment === undefined || fragment === "") continue;
      if (!path.endsWith(".md") || !(await isFile(path))) continue; // #L12 of a source file …
      if (!(await anchors(path)).has(fragment)) {
        broken.push({
          ...link,
          file,
          reason: `${shown} has no heading with the anchor "${fragment}"`,
        });
      }
    }
  }
  return broken;
}

/** Every `*.md` under `dir`, outside dot-folders and {@linkcode SKIPPED_DIRS}, sorted. */
export async function markdownFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) {
      if (e.name.startsWith(".") || SKIPPED_DIRS.has(e.name)) continue;
      out.push(...await markdownFiles(path));
    } else if (e.isFile && e.name.endsWith(".md")) out.push(path);
  }
  return out.sort();
}

/** Runs the check on `args` (files or folders; default: the repository); returns the exit status. */
export async function main(args: string[]): Promise<number> {
  if (args.includes("-h") || args.includes("--help")) {
    console.log("Usage: deno run -R scripts/check_links.ts [file.md | folder ...]");
    return 0;
  }
  const files: string[] = [];
  for (const arg of args.length > 0 ? args : [REPO]) {
    const info = await Deno.stat(arg).catch(() => undefined);
    if (!info) {
      console.error(`error: ${arg} does not exist`);
      return 2;
    }
    files.push(...(info.isDirectory ? await markdownFiles(arg) : [arg]));
  }
  const broken = await checkLinks(files);
  for (const b of broken) {
    console.log(`${relative(Deno.cwd(), b.file) || b.file}:${b.line}: ${b.target}: ${b.reason}`);
  }
  console.log(
    broken.length === 0
      ? `links: ${files.length} Markdown files, no broken link`
      : `links: ${broken.length} broken in ${files.length} Markdown files`,
  );
  return broken.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
