/**
 * What this repository publishes to JSR, asked of Deno itself rather than
 * re-derived from `deno.json`: the entry points (`exports`), and the files
 * `deno publish --dry-run` would upload (its `publish.include`/`exclude`,
 * `.gitignore` and Deno's own rules all applied), and what `deno doc --lint`
 * says of them. `scripts/publish_check.ts` and the tests share it.
 *
 * @module
 */
import { fromFileUrl, join, relative } from "./path.ts";
import { REPO } from "./repo.ts";

/** The entry points in `deno.json` `exports`, as paths relative to the repository. */
export async function exportedModules(): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const exports: Record<string, string> = typeof config.exports === "string"
    ? { ".": config.exports }
    : config.exports;
  return Object.values(exports).map((p) => p.replace(/^\.\//, ""));
}

/** What one `deno publish --dry-run` said: its exit status, its output, and the files listed. */
export interface DryRun {
  /** Whether the dry run succeeded. */
  success: boolean;
  /** Everything it printed (stdout and stderr; `NO_COLOR` keeps colour codes out). */
  output: string;
  /** The files it would publish, relative to the repository, `/`-separated. */
  files: string[];
}

/**
 * Runs `deno publish --dry-run --allow-dirty` in the repository. `--allow-dirty`
 * because this runs before a commit, on a tree with changes by definition; the
 * dirty check guards a real publish, and a dry run uploads nothing.
 */
export async function publishDryRun(): Promise<DryRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: REPO,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const output = dec.decode(out.stdout) + dec.decode(out.stderr);
  const files = [...output.matchAll(/^\s+(file:\/\/\S+) \([^)]*\)$/gm)].map((m) =>
    relative(REPO, fromFileUrl(m[1])).replaceAll("\\", "/")
  );
  return { success: out.success, output, files };
}

/**
 * What one `deno doc --lint` said: its exit status, everything it printed, and
 * that output sorted into what is wrong and what is Deno's own bug.
 */
export interface DocLint {
  /** Whether it exited 0 and printed nothing but its `Checked N files` line and Deno's bug. */
  success: boolean;
  /** Everything it printed (stdout and stderr; `NO_COLOR` keeps colour codes out). */
  output: string;
  /**
   * The lines that are a problem: warnings (`Warning Module not found …`, which
   * `deno doc` exits 0 with), lint diagnostics, errors, anything unexpected.
   */
  problems: string[];
  /** How many warnings were {@linkcode isTypesNodePathBug}, and so set aside. */
  typesNodeBug: number;
}

const CHECKED = /^Checked \d+ files?$/;
const UNRESOLVED_PACKAGE =
  /^Warning Failed resolving types\. Could not find package '([^']+)' from referrer '(file:\/\/[^']+)'/;
const AT = /^\s+at (file:\/\/\S+):(\d+):\d+$/;
const PATH_REFERENCE = /^\/\/\/\s*<reference\s+path="([^"]+)"\s*\/>/;

/**
 * Whether a `deno doc` warning (its line and the `at` line after it) is Deno's
 * bug denoland/deno#36751 and nothing of ours: deno_graph hands a triple-slash
 * `/// <reference path="zlib.d.ts" />` without a leading `./` to the resolver as
 * a bare specifier, so inside `@types/node` (which grpc-js's proto-loader pulls
 * in with `/// <reference types="node" />`) each sibling file is looked up as
 * a package: "Could not find package 'zlib.d.ts'". @types/node writes its
 * references that way in every major (20 to 26 tried), so no pin avoids it;
 * `deno check`, which TypeScript resolves, is clean. Held to exactly that: the referrer is in
 * `@types/node`, the line reported is such a reference, the package named is
 * its first segment, and the file it means is there beside the referrer.
 * `read` gives a file's text, or undefined when there is none.
 */
export function isTypesNodePathBug(
  warning: string,
  at: string,
  read: (url: URL) => string | undefined,
): boolean {
  const w = UNRESOLVED_PACKAGE.exec(warning);
  const a = AT.exec(at);
  if (!w || !a || a[1] !== w[2] || !w[2].includes("/@types/node/")) return false;
  const line = read(new URL(w[2]))?.split("\n")[Number(a[2]) - 1];
  const path = line === undefined ? undefined : PATH_REFERENCE.exec(line.trim())?.[1];
  if (path === undefined || /^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:)/i.test(path)) return false;
  return path.split("/")[0] === w[1] && read(new URL(path, w[2])) !== undefined;
}

/** Sorts `deno doc --lint` output into problems and warnings of {@linkcode isTypesNodePathBug}. */
export function sortDocOutput(
  output: string,
  read: (url: URL) => string | undefined,
): Pick<DocLint, "problems" | "typesNodeBug"> {
  const lines = output.split("\n").map((l) => l.trimEnd());
  const problems: string[] = [];
  let typesNodeBug = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "" || CHECKED.test(lines[i])) continue;
    if (i + 1 < lines.length && isTypesNodePathBug(lines[i], lines[i + 1], read)) {
      typesNodeBug++;
      i++;
      continue;
    }
    problems.push(lines[i]);
  }
  return { problems, typesNodeBug };
}

/** A file's text, or undefined when it cannot be read: the `read` of {@linkcode docLint}. */
function readOrUndefined(url: URL): string | undefined {
  try {
    return Deno.readTextFileSync(url);
  } catch {
    return undefined;
  }
}

/**
 * Runs `deno doc --lint` on `modules` in `cwd` (the repository), without `-q`, so that
 * every warning is seen (a missing module is only a warning, exit status 0),
 * and sorts what it printed with {@linkcode sortDocOutput}.
 */
export async function docLint(modules: string[], cwd: string = REPO): Promise<DocLint> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--lint", ...modules],
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const output = dec.decode(out.stdout) + dec.decode(out.stderr);
  const sorted = sortDocOutput(output, readOrUndefined);
  return { success: out.success && sorted.problems.length === 0, output, ...sorted };
}

/**
 * What `deno task publish-check` says of one {@linkcode docLint}: `ok` or
 * `FAILED`, the command, how many warnings of Deno's bug were set aside, and on
 * a failure how many warnings and lint diagnostics there were, with every line
 * that was a problem (or all the output, when only the exit status failed).
 */
export function docLintReport(modules: string[], doc: DocLint): string {
  const bug = doc.typesNodeBug === 0
    ? ""
    : ` (${doc.typesNodeBug} warnings of denoland/deno#36751 on @types/node set aside)`;
  const head = `${doc.success ? "ok" : "FAILED"}  deno doc --lint ${modules.join(" ")}${bug}`;
  if (doc.success) return head;
  const warnings = doc.problems.filter((l) => /^warning\b/i.test(l)).length;
  const diagnostics = doc.problems.filter((l) => /^error\[/.test(l)).length;
  const shown = doc.problems.length > 0 ? doc.problems : doc.output.trimEnd().split("\n");
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  return `${head}: ${count(warnings, "warning")}, ${count(diagnostics, "lint diagnostic")}\n` +
    shown.map((l) => `    ${l}`).join("\n");
}
