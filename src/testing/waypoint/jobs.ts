/**
 * The jobs a Waypoint server knows, from `waypoint job list -json`.
 *
 * @module
 */

/**
 * One job as `waypoint job list -json` shows it.
 *
 * @example Jobs still open on the server
 * ```ts
 * import assert from "node:assert";
 * import { type Job, startWaypoint } from "@x/waypoint-plugin/testing";
 * const open = (jobs: Job[]) => jobs.filter((j) => !["SUCCESS", "ERROR"].includes(j.state));
 * Deno.test("a build leaves no open job", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   await project.run("build");
 *   assert.deepEqual(open(await project.jobs()).map((j) => `${j.operation} ${j.state}`), []);
 * });
 * ```
 */
export interface Job {
  /** The job's id. */
  id: string;
  /** `QUEUED`, `WAITING`, `RUNNING`, `SUCCESS` or `ERROR`. */
  state: string;
  /** What it does: build, deploy, up, destroy, …. */
  operation: string;
  /** When it was queued (ms since the epoch), NaN when the listing has no time. */
  queuedAt: number;
}

/** Parses the concatenated JSON objects `waypoint … -json` prints. */
function jsonObjects(text: string): Record<string, unknown>[] {
  const out = [];
  let depth = 0, start = -1, inString = false, escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/** The operations a job can be, as the keys of `job list -json` name them. */
const OPERATIONS = new Set([
  "build",
  "push",
  "deploy",
  "release",
  "destroy",
  "up",
  "exec",
  "logs",
  "init",
  "noop",
  "statusReport",
  "validate",
  "auth",
  "docs",
  "configSync",
  "poll",
  "queueProject",
  "watchTask",
  "startTask",
  "stopTask",
]);

/** The jobs in `waypoint job list -json` output, oldest last. */
export function parseJobs(stdout: string): Job[] {
  return jsonObjects(stdout).map((j) => ({
    id: String(j.id),
    state: String(j.state),
    operation: Object.keys(j).find((k) => OPERATIONS.has(k)) ?? "?",
    queuedAt: typeof j.queueTime === "string" ? Date.parse(j.queueTime) : NaN,
  }));
}

/** Whether a job has ended, one way or the other. */
export function finished(job: Job): boolean {
  return job.state === "SUCCESS" || job.state === "ERROR";
}
