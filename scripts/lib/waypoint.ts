/**
 * The real Waypoint v0.11.4 for the toolkit's own end-to-end tests and the
 * benchmark: the authors' harness (src/testing/waypoint/harness.ts, exported
 * as `startWaypoint` from `@x/waypoint-plugin/testing`) with the CLI built
 * by scripts/waypoint_cli.ts and our examples installed by name.
 *
 * @module
 */
import { join } from "./path.ts";
import { REPO } from "./repo.ts";
import { waypointBinary } from "../waypoint_cli.ts";
import { declaredPermissions } from "./launcher.ts";
import { RealWaypoint, type RunOptions } from "../../src/testing/waypoint/harness.ts";
import type { CliResult, RunningCli } from "../../src/testing/waypoint/cli_process.ts";
import type { Job } from "../../src/testing/waypoint/jobs.ts";

export type { CliResult, RunningCli } from "../../src/testing/waypoint/cli_process.ts";
export type { Job } from "../../src/testing/waypoint/jobs.ts";
export { StreamStall } from "../../src/testing/waypoint/stall.ts";

/** A Waypoint server of this test's own and the CLI that talks to it. */
export class Waypoint implements AsyncDisposable {
  private constructor(
    /** The harness underneath. */
    readonly real: RealWaypoint,
  ) {}

  /** The temp dir holding everything. */
  get root(): string {
    return this.real.root;
  }
  /** The CLI binary. */
  get bin(): string {
    return this.real.bin;
  }
  /** The environment every CLI command and plugin gets. */
  get env(): Record<string, string> {
    return this.real.env;
  }
  /** `127.0.0.1:<port>` of the server's gRPC listener. */
  get addr(): string {
    return this.real.addr;
  }

  /** Gets the CLI (building it once), starts a server and bootstraps a context. */
  static async start(): Promise<Waypoint> {
    if (Deno.build.os !== "linux") {
      throw new Error(
        "The end-to-end tests look for leftover processes in /proc: run them on Linux",
      );
    }
    let bin: string;
    try {
      bin = await waypointBinary();
    } catch (err) {
      throw new Error(
        `Cannot get the Waypoint CLI for the end-to-end tests: ${(err as Error).message}`,
      );
    }
    return new Waypoint(await RealWaypoint.start({ bin }));
  }

  /** Copies `files` (relative path → contents or a file to copy) into a new project folder. */
  project(name: string, files: Record<string, string | { from: string }>): Promise<string> {
    return this.real.writeFiles(name, files);
  }

  /** Installs one of our example plugins into the project with `install --dev`, as a user would. */
  installPlugin(project: string, name: string, entry = `examples/${name}/main.ts`): Promise<void> {
    return this.real.installPlugin(project, {
      name,
      entry: join(REPO, entry),
      // The examples share this repository's deno.json: what each would declare in its own.
      permissions: declaredPermissions(join(REPO, entry)),
      root: REPO,
    });
  }

  /** Starts `waypoint <args>` in `cwd`, in a process group of its own. */
  spawn(
    args: string[],
    opts: { cwd: string; stdin?: string; env?: Record<string, string> },
  ): RunningCli {
    return this.real.spawn(args, opts);
  }

  /** Runs `waypoint <args>` to its end (see RealWaypoint.run). */
  run(args: string[], opts: RunOptions & { cwd: string }): Promise<CliResult> {
    return this.real.run(args, opts);
  }

  /** Every job the server knows, oldest last. */
  jobs(cwd?: string): Promise<Job[]> {
    return this.real.jobs(cwd);
  }

  /** Stops the server and checks nothing is left (see RealWaypoint.stop). */
  stop(): Promise<void> {
    return this.real.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
