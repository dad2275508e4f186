/**
 * Testing helpers for plugin authors: {@linkcode launchPlugin} runs a plugin
 * as a child process and drives it over the real protocol (fast, strict, no
 * Waypoint needed); {@linkcode startWaypoint} runs it under the real
 * Waypoint 0.11 CLI and a local server of the test's own.
 *
 * @example Build with the plugin under test
 * ```ts ignore
 * import { launchPlugin } from "@x/waypoint-plugin/testing";
 *
 * Deno.test("build produces a binary", async () => {
 *   await using plugin = await launchPlugin({ entry: new URL("./main.ts", import.meta.url).pathname });
 *   await plugin.configure("builder", { source: "./app" });
 *   const { json, ui } = await plugin.build();
 *   // json: { location: "./app/app" }; ui: the status lines shown
 * });
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  type ComponentName,
  type LaunchOptions,
  launchPlugin,
  type LogLine,
  type OperationResult,
  RpcError,
  type StatusResult,
  TestPlugin,
  type UIEvent,
} from "./host.ts";
export { type HclDiagnostic, HclError } from "./hcl.ts";
export {
  type PluginLogLine,
  type PluginUnderTest,
  type ProjectOptions,
  RealWaypoint,
  type RunOptions,
  startWaypoint,
  type WaypointOptions,
  WaypointProject,
  type WaypointResult,
} from "./waypoint/harness.ts";
export type { CliResult, RunningCli } from "./waypoint/cli_process.ts";
export type { Job } from "./waypoint/jobs.ts";
export type { ServerPorts } from "./waypoint/server.ts";
export { PortInUse } from "./waypoint/server.ts";
export { StreamStall } from "./waypoint/stall.ts";
// What the helpers above take and give, so that this entry point's docs stand
// on their own (they are the same types `@x/waypoint-plugin` exports).
export { Code, PluginError } from "../errors.ts";
export type {
  AnyMessage,
  DataDir,
  DeploymentConfig,
  JobInfo,
  Source,
  TaskLaunchInfo,
} from "../components/context.ts";
export type { Health, StatusReport, StatusResource } from "../components/status.ts";
export type { ResourceCategory } from "../components/resources.ts";
