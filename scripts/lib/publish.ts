/**
 * What this repository publishes to JSR, asked of Deno itself rather than
 * re-derived from `deno.json`: the entry points (`exports`), and the files
 * `deno publish --dry-run` would upload (its `publish.include`/`exclude`,
 * `.gitignore` and Deno's own rules all applied). `scripts/publish_check.ts`
 * and the README link test share it.
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
