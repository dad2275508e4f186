/**
 * `deno task bench`'s memory case: one plugin process (debug mode) serving
 * build after build, each a `waypoint build` of its own (`wphost builds
 * -reattach`: the Go host connects, runs the build with the UI, closes its
 * connections as a CLI exit does), and the process's RSS after chosen build
 * counts. A plugin that keeps something per build grows with the count; one
 * that does not levels off once V8 and the allocator are warm.
 *
 * The plugin is tests/fixtures/showcase_plugin.ts (every UI feature, a log
 * line, a result), started through the same launchers as the other TS figures
 * (scripts/lib/launcher.ts): from source, `deno run` with the launchers' V8
 * flags, or `bundled`, its bundle as `compile` embeds it with the V8 flags
 * `compile` bakes in (what a compiled plugin runs, short of denort).
 *
 * @module
 */
import { join } from "node:path";
import { hostBinary } from "./lib/conformance.ts";
import { REPO } from "./lib/repo.ts";
import { startDebugPlugin } from "./lib/debug_plugin.ts";

/** What {@linkcode measureBuildsMemory} measured. */
export interface BuildsMemory {
  /** RSS in MiB after each checkpoint's number of builds. */
  rssMib: Map<number, number>;
  /** Builds that failed or were not answered (each makes the figures suspect). */
  failed: number;
  hung: number;
  wallMs: number;
}

interface BuildsReport {
  ok: boolean;
  stage: string;
  error: string;
  failed: number;
  hung: number;
  wallMs: number;
  rss: { after: number; kb: number }[];
  builds: { iteration: number; error: string }[];
}

/**
 * Runs `builds` builds against one showcase plugin process in `dir`, reading
 * RSS at `checkpoints`; `bundled` runs the plugin's bundle as a compiled
 * plugin would.
 */
export async function measureBuildsMemory(
  dir: string,
  builds: number,
  checkpoints: number[],
  bundled = false,
): Promise<BuildsMemory> {
  await Deno.mkdir(dir, { recursive: true });
  const hcl = join(dir, "waypoint.hcl");
  await Deno.writeTextFile(
    hcl,
    'project = "bench"\n\napp "memory" {\n  build {\n    use "showcase" {}\n  }\n}\n',
  );
  const plugin = await startDebugPlugin(
    dir,
    "showcase",
    join(REPO, "tests", "fixtures", "showcase_plugin.ts"),
    {},
    undefined,
    bundled,
  );
  const report = join(dir, `builds-${crypto.randomUUID()}.json`);
  try {
    const out = await new Deno.Command(await hostBinary(), {
      args: [
        "builds",
        "-reattach",
        "showcase",
        "-config",
        hcl,
        "-n",
        String(builds),
        "-rss-at",
        checkpoints.join(","),
        "-report",
        report,
      ],
      cwd: dir,
      env: { WP_REATTACH_PLUGINS: plugin.reattach },
      stdout: "piped",
      stderr: "piped",
    }).output();
    let r: BuildsReport;
    try {
      r = JSON.parse(await Deno.readTextFile(report));
    } catch {
      throw new Error(
        `wphost builds wrote no report (exit ${out.code}): ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    if (!r.ok) throw new Error(`wphost builds failed at ${r.stage}: ${r.error}`);
    if (r.failed > 0) {
      throw new Error(`${r.failed} of ${builds} builds failed, e.g. ${r.builds[0]?.error}`);
    }
    return {
      rssMib: new Map(r.rss.map((s) => [s.after, s.kb / 1024])),
      failed: r.failed,
      hung: r.hung,
      wallMs: r.wallMs,
    };
  } finally {
    await plugin.stop();
    await Deno.remove(report).catch(() => {});
  }
}
