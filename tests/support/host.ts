/**
 * The tests' side of driving the Go conformance host (tests/conformance):
 * running `wphost` and reading its report and log, scratch folders. The
 * programs themselves, the launcher and the repository's paths live in
 * scripts/lib (shared with the demo and the benchmark) and are re-exported
 * here for the tests.
 */
import { join } from "./path.ts";
import { hostBinary } from "../../scripts/lib/conformance.ts";
import { REPO, WORK } from "../../scripts/lib/repo.ts";

export { REPO, WORK } from "../../scripts/lib/repo.ts";
export {
  goBuiltinBinary,
  goPlatformBinary,
  goPluginBinary,
  HOST_INTRO,
  hostBinary,
} from "../../scripts/lib/conformance.ts";
export {
  declaredPermissions,
  launcherPermissionFlags,
  makeLauncher,
} from "../../scripts/lib/launcher.ts";
export { readStdout } from "../../scripts/lib/processes.ts";

/** The scratch folders this test file made; removed when it ends (see {@linkcode tempDir}). */
const scratch: string[] = [];

globalThis.addEventListener("unload", () => {
  if (Deno.env.get("KEEP_TEST_WORK")) return;
  for (const dir of scratch) {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  }
});

/**
 * A fresh directory under tests/.work. It is removed when the test file's
 * run ends (set KEEP_TEST_WORK=1 to keep them for a look after a failure),
 * so a suite run leaves no scratch folder behind.
 */
export async function tempDir(prefix: string): Promise<string> {
  await Deno.mkdir(WORK, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: WORK, prefix });
  scratch.push(dir);
  return dir;
}

export interface HostRun {
  code: number;
  stdout: string;
  stderr: string;
  // deno-lint-ignore no-explicit-any
  report: any;
  /** The host's log (JSON lines), where go-plugin re-logs the plugin's stderr. */
  log: Record<string, unknown>[];
}

/** Runs `wphost <args>` in `cwd` and reads its report and log. */
export async function runHost(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<HostRun> {
  const bin = await hostBinary();
  const report = join(options.cwd, `report-${crypto.randomUUID()}.json`);
  const logFile = join(options.cwd, `host-${crypto.randomUUID()}.log`);
  const out = await new Deno.Command(bin, {
    args: [args[0], "-report", report, "-log", logFile, ...args.slice(1)],
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout);
  const stderr = dec.decode(out.stderr);
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(await Deno.readTextFile(report));
  } catch {
    throw new Error(
      `the conformance host wrote no report (exit ${out.code}):\n${stdout}\n${stderr}`,
    );
  }
  let log: Record<string, unknown>[] = [];
  try {
    log = (await Deno.readTextFile(logFile)).split("\n").filter((l) => l.trim()).map((l) => {
      try {
        return JSON.parse(l);
      } catch {
        return { "@message": l };
      }
    });
  } catch {
    // no log written
  }
  return { code: out.code, stdout, stderr, report: parsed, log };
}

/** A Waypoint project under tests/.work: the gobuilder example's app and waypoint.hcl. */
export async function gobuilderApp(prefix: string): Promise<string> {
  const dir = await tempDir(prefix);
  await Deno.mkdir(join(dir, "app"));
  const example = join(REPO, "examples", "gobuilder");
  for (const f of ["main.go", "go.mod"]) {
    await Deno.copyFile(join(example, "app", f), join(dir, "app", f));
  }
  await Deno.copyFile(join(example, "waypoint.hcl"), join(dir, "waypoint.hcl"));
  return dir;
}

/** Whether anything (file, socket, link) is at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch {
    return false;
  }
}
