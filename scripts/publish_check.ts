/**
 * `deno task publish-check`: what JSR will say of this package, checked
 * before every commit (it is part of `deno task ok`, and so of CI):
 *
 * 1. `deno doc --lint` over every entry point in `deno.json` `exports` at
 *    once, as JSR documents them (one package, where a type exported by any
 *    entry point is public and linked), and then over each entry point
 *    alone, so that each one's docs stand on their own: every exported
 *    symbol has docs, and no public type names a type the entry point does
 *    not export. Anything it prints besides its `Checked N files` line fails
 *    the check, warnings too (a module not found is only a warning to it);
 *    the one exception is Deno's bug denoland/deno#36751, its warnings for
 *    `@types/node`'s own `/// <reference path>`s, held to their exact form by
 *    `isTypesNodePathBug` in `scripts/lib/publish.ts` and counted.
 * 2. `deno publish --dry-run`: the package builds, has no slow types, and
 *    prints no warning (a warning fails this check too).
 *
 * The entry points are read from `deno.json`, so a new export is checked
 * without editing this script.
 *
 * @module
 */
import { runCli } from "../src/tools/cli.ts";
import { docLint, docLintReport, exportedModules, publishDryRun } from "./lib/publish.ts";

const USAGE = "Usage: deno task publish-check";

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
        const doc = await docLint(set);
        console.error(docLintReport(set, doc));
        linted &&= doc.success;
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
