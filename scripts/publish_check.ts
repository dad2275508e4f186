/**
 * `deno task publish-check`: what JSR will say of this package, checked
 * before every commit (it is part of `deno task ok`, and so of CI):
 *
 * 1. `deno doc --lint` over every entry point in `deno.json` `exports` at
 *    once, as JSR documents them (one package, where a type exported by any
 *    entry point is public and linked), and then over each entry point
 *    alone, so that each one's docs stand on their own: every exported
 *    symbol has docs, and no public type names a type the entry point does
 *    not export.
 * 2. `deno publish --dry-run`: the package builds, has no slow types, and
 *    prints no warning (a warning fails this check too).
 *
 * The entry points are read from `deno.json`, so a new export is checked
 * without editing this script.
 *
 * @module
 */
import { runCli } from "../src/tools/cli.ts";
import { exportedModules, publishDryRun } from "./lib/publish.ts";
import { REPO } from "./lib/repo.ts";

const USAGE = "Usage: deno task publish-check";

async function docLint(modules: string[]): Promise<boolean> {
  // -q: without it deno doc also prints a warning per unresolved @types/node
  // reference of the npm dependencies' types, which says nothing about ours.
  const { success } = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "-q", "--lint", ...modules],
    cwd: REPO,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  return success;
}

const CLI = {
  usage: USAGE,
  help: `${USAGE}\n\nRuns deno doc --lint on every export, then deno publish --dry-run.\n`,
  options: {},
} as const;

Deno.exit(
  await runCli(
    CLI,
    Deno.args,
    async () => {
      const modules = await exportedModules();
      let linted = true;
      for (const set of [modules, ...modules.map((m) => [m])]) {
        const ok = await docLint(set);
        console.error(`${ok ? "ok" : "FAILED"}  deno doc --lint ${set.join(" ")}`);
        linted &&= ok;
      }
      const dry = await publishDryRun();
      const warnings = dry.output.split("\n").filter((l) => /^\s*warning\b/i.test(l));
      const published = dry.success && warnings.length === 0;
      if (!published) console.error(dry.output);
      console.error(
        `${published ? "ok" : "FAILED"}  deno publish --dry-run: ${dry.files.length} files` +
          (warnings.length > 0 ? `, ${warnings.length} warnings` : ""),
      );
      return linted && published ? 0 : 1;
    },
  ),
);
