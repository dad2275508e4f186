/**
 * actionlint (github.com/rhysd/actionlint), the GitHub Actions workflow
 * checker, built from the Go module proxy into tests/.work/bin once and
 * reused: a pinned version, so a new release cannot change what our tests
 * accept.
 */
import { join } from "./path.ts";
import { exists, WORK } from "./host.ts";
import { goBuild } from "./go_build.ts";
import { BuildProgress } from "./build_progress.ts";

/** The pinned release (the module proxy serves it; the tests were written against it). */
export const ACTIONLINT_VERSION = "v1.7.12";
const MODULE = "github.com/rhysd/actionlint/cmd/actionlint";

let built: Promise<string> | undefined;

/** The actionlint binary; throws with go's reason when it cannot be built. */
export function actionlintBinary(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const dir = join(WORK, "bin", `actionlint-${ACTIONLINT_VERSION}`);
  const bin = join(dir, Deno.build.os === "windows" ? "actionlint.exe" : "actionlint");
  if (await exists(bin)) return bin;
  // Outside any module: `go install <path>@<version>` then uses that version's own go.mod.
  const cwd = await Deno.makeTempDir({ prefix: "actionlint-" });
  try {
    await goBuild({
      args: ["install", `${MODULE}@${ACTIONLINT_VERSION}`],
      cwd,
      env: { GOBIN: dir },
      what: `actionlint ${ACTIONLINT_VERSION}`,
      progress: new BuildProgress({
        mode: "lines",
        intro: [`• building actionlint ${ACTIONLINT_VERSION} (${MODULE}), once`],
      }),
    });
  } finally {
    await Deno.remove(cwd, { recursive: true }).catch(() => {});
  }
  return bin;
}

/** What actionlint said of some workflow files. */
export interface LintResult {
  code: number;
  output: string;
}

/**
 * Runs actionlint on `files` (paths relative to `cwd`). Its shellcheck and
 * pyflakes passes are off: they run only when those tools are installed,
 * and a check must not depend on what a machine happens to have.
 */
export async function actionlint(files: string[], cwd: string): Promise<LintResult> {
  const out = await new Deno.Command(await actionlintBinary(), {
    args: ["-no-color", "-shellcheck=", "-pyflakes=", ...files],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, output: dec.decode(out.stdout) + dec.decode(out.stderr) };
}
