/**
 * What an operation receives: the values Waypoint supplies for it, decoded
 * and typed, plus the plugin's config and a cancellation signal.
 *
 * @module
 */
import type { Logger } from "../logger.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { TerminalUI } from "../terminal/ui.ts";
import type { Resources } from "./resources.ts";

/**
 * The app's source: `Args.Source`.
 *
 * @example Where the app's source is
 * ```ts
 * import { defineBuilder, type Source } from "@x/waypoint-plugin";
 * const appDir = (source: Source) => `${source.path}/${source.app}`;
 * defineBuilder({ build: (ctx) => ({ dir: appDir(ctx.source) }) });
 * ```
 */
export interface Source {
  /** The app's name in `waypoint.hcl`. */
  app: string;
  /** The app's directory, relative to where Waypoint runs (the plugin's cwd). */
  path: string;
}

/**
 * The job running this operation: `Args.JobInfo`.
 *
 * @example Tag an artifact with the job that built it
 * ```ts
 * import { defineBuilder, type JobInfo } from "@x/waypoint-plugin";
 * const tag = (job: JobInfo) =>
 *   `${job.project}-${job.app}-${job.workspace}-${job.id.slice(0, 8)}`;
 * defineBuilder({
 *   build(ctx) {
 *     if (!ctx.job.local) ctx.logger.info("building on a remote runner");
 *     return { tag: tag(ctx.job) };
 *   },
 * });
 * ```
 */
export interface JobInfo {
  /** Whether the job runs on the user's machine rather than a remote runner. */
  local: boolean;
  /** The workspace, e.g. `default`. */
  workspace: string;
  /** The job's id. */
  id: string;
  /** The project's name. */
  project: string;
  /** The app's name. */
  app: string;
}

/**
 * Directories the plugin may keep files in for this app: `Args.DataDir.App`.
 *
 * @example Keep a cache between builds
 * ```ts
 * import { type DataDir, defineBuilder } from "@x/waypoint-plugin";
 * const cacheFile = (dirs: DataDir) => `${dirs.cacheDir}/go-build.cache`;
 * defineBuilder({
 *   async build(ctx) {
 *     await Deno.mkdir(ctx.dataDir.cacheDir, { recursive: true });
 *     return { cache: cacheFile(ctx.dataDir) };
 *   },
 * });
 * ```
 */
export interface DataDir {
  /** For files that can be rebuilt (caches). */
  cacheDir: string;
  /** For files that must be kept. */
  dataDir: string;
}

/**
 * The context every lifecycle operation (build, push, deploy, release …) gets.
 *
 * @example A helper any operation can share
 * ```ts
 * import {
 *   defineBuilder,
 *   definePlatform,
 *   type OperationContext,
 *   protoFile,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * function announce(ctx: OperationContext<unknown>, what: string) {
 *   ctx.ui.output(`${what} ${ctx.source.app} (${ctx.job.workspace})`, { style: "header" });
 *   ctx.logger.debug("starting", { labels: ctx.labels });
 *   ctx.signal.throwIfAborted();
 * }
 * defineBuilder({
 *   build(ctx) {
 *     announce(ctx, "Building");
 *     return {};
 *   },
 * });
 * definePlatform({
 *   input: "docker.Image",
 *   output: Deployment,
 *   deploy(ctx) {
 *     announce(ctx, "Deploying");
 *     return Deployment.create({ id: ctx.deploymentConfig.id });
 *   },
 * });
 * ```
 */
export interface OperationContext<C> {
  /** The decoded, validated config from the component's `use` block. */
  config: C;
  /** The terminal UI. */
  ui: TerminalUI;
  /** A logger named as the host named this operation's logger. */
  logger: Logger;
  /** The app's source. */
  source: Source;
  /** The job running the operation. */
  job: JobInfo;
  /** The app's labels. */
  labels: Record<string, string>;
  /** The app's data directories. */
  dataDir: DataDir;
  /** Aborted when the host cancels the operation; pass it to `fetch`, `Deno.Command` … */
  signal: AbortSignal;
}

/**
 * What `configSet` gets besides the config.
 *
 * @example Log from configSet
 * ```ts
 * import { config, defineBuilder } from "@x/waypoint-plugin";
 * defineBuilder({
 *   config: config.object({ source: config.string({ default: "./" }) }),
 *   async configSet(cfg, ctx) {
 *     ctx.logger.debug("checking the source", { source: cfg.source });
 *   },
 *   build: () => ({}),
 * });
 * ```
 */
export interface ConfigContext {
  /** The plugin's logger. */
  logger: Logger;
}

/**
 * A message the toolkit has no type for: the Any as the host sent it.
 *
 * @example An input kept raw
 * ```ts
 * import { type AnyMessage, definePlatform, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * const describe = (artifact: AnyMessage) =>
 *   `${artifact.typeUrl.split("/")[1]} (${artifact.value.length} bytes)`;
 * definePlatform({
 *   // A full name, not a message type: the artifact arrives as an AnyMessage.
 *   input: "docker.Image",
 *   output: Deployment,
 *   deploy(ctx) {
 *     ctx.ui.output(`deploying ${describe(ctx.artifact)}`);
 *     return Deployment.create({ id: ctx.deploymentConfig.id });
 *   },
 * });
 * ```
 */
export interface AnyMessage {
  /** `type.googleapis.com/<full name>`. */
  typeUrl: string;
  /** The encoded message. */
  value: Uint8Array;
}

/**
 * What an input declared as `MessageType<T>` (or as a full name) arrives as.
 *
 * @example The type an input arrives as
 * ```ts
 * import assert from "node:assert";
 * import { type Decoded, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const decoded: Decoded<typeof Binary> = { location: "./app" }; // a message type: decoded
 * const raw: Decoded<"docker.Image"> = {
 *   typeUrl: "type.googleapis.com/docker.Image",
 *   value: new Uint8Array(),
 * };
 * assert.equal(decoded.location, "./app");
 * assert.equal(raw.value.length, 0);
 * ```
 */
export type Decoded<I> = I extends MessageType<infer T> ? T : AnyMessage;

/**
 * An input: the message type of the previous stage's output, or its full name (kept raw).
 *
 * @example Accept either a typed or a raw input
 * ```ts
 * import assert from "node:assert";
 * import type { InputType } from "@x/waypoint-plugin";
 * import { protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const inputs: InputType[] = [file.message<{ location: string }>("demo.Binary"), "docker.Image"];
 * assert.equal(inputs.length, 2);
 * ```
 */
export type InputType = MessageType<object> | string;

/**
 * The deployment's connection to the Waypoint server: `Args.DeploymentConfig`.
 *
 * @example Give a deployment Waypoint's entrypoint settings
 * ```ts
 * import { definePlatform, type DeploymentConfig, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * const summary = (d: DeploymentConfig) =>
 *   `deployment ${d.id} #${d.sequence} → ${d.serverAddr}${d.serverTls ? " (TLS)" : ""}`;
 * definePlatform({
 *   input: "docker.Image",
 *   output: Deployment,
 *   deploy(ctx) {
 *     ctx.ui.output(summary(ctx.deploymentConfig));
 *     return Deployment.create({ id: ctx.deploymentConfig.id });
 *   },
 * });
 * ```
 */
export interface DeploymentConfig {
  /** The deployment's id. */
  id: string;
  /** The server's address, for the entrypoint. */
  serverAddr: string;
  /** Whether the server uses TLS. */
  serverTls: boolean;
  /** Whether to skip verifying the server's certificate. */
  serverTlsSkipVerify: boolean;
  /** The token the entrypoint uses to join the server. */
  entrypointInviteToken: string;
  /** The deployment's sequence number. */
  sequence: number;
}

/**
 * Context of an operation that creates resources (deploy, release).
 *
 * @example Record what a deploy created
 * ```ts
 * import { definePlatform, protoFile, type ResourceContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * function startProcess(ctx: ResourceContext<unknown>): number {
 *   const pid = 4242; // e.g. new Deno.Command(...).spawn().pid
 *   ctx.resources.declare({ name: "web", type: "process", category: "instance", state: { pid } });
 *   return pid;
 * }
 * definePlatform({
 *   input: "docker.Image",
 *   output: Deployment,
 *   deploy: (ctx) => Deployment.create({ id: String(startProcess(ctx)) }),
 * });
 * ```
 */
export interface ResourceContext<C> extends OperationContext<C> {
  /** Record the resources created. */
  resources: Resources;
}

/**
 * The context of a task launcher operation: Waypoint supplies only a logger there.
 *
 * @example A task launcher's context
 * ```ts
 * import { defineTaskLauncher, protoFile, type TaskContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Task: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Task = file.message<{ id: string }>("demo.Task");
 * const log = (ctx: TaskContext<unknown>, msg: string) => ctx.logger.info(msg);
 * defineTaskLauncher({
 *   output: Task,
 *   startTask(ctx) {
 *     log(ctx, `running ${ctx.task.ociUrl}`);
 *     return Task.create({ id: crypto.randomUUID() });
 *   },
 *   stopTask: (ctx) => log(ctx, "stopping"),
 * });
 * ```
 */
export interface TaskContext<C> {
  /** The decoded, validated config. */
  config: C;
  /** A logger named as the host named this operation's logger. */
  logger: Logger;
  /** Aborted when the host cancels the operation. */
  signal: AbortSignal;
}

/**
 * What an on-demand runner task should run: `Args.TaskLaunchInfo`.
 *
 * @example Turn a task into a command line
 * ```ts
 * import type { TaskLaunchInfo } from "@x/waypoint-plugin";
 * import assert from "node:assert";
 * const commandLine = (t: TaskLaunchInfo) => [...t.entrypoint, ...t.arguments];
 * const info: TaskLaunchInfo = {
 *   ociUrl: "hashicorp/waypoint-odr:latest",
 *   environmentVariables: { WAYPOINT_RUNNER_ID: "r1" },
 *   arguments: ["runner", "agent"],
 *   entrypoint: ["/kaniko/waypoint"],
 * };
 * assert.deepEqual(commandLine(info), ["/kaniko/waypoint", "runner", "agent"]);
 * ```
 */
export interface TaskLaunchInfo {
  /** The image to run, e.g. `hashicorp/waypoint-odr:latest`. */
  ociUrl: string;
  /** Environment variables for the task. */
  environmentVariables: Record<string, string>;
  /** Arguments for the entrypoint. */
  arguments: string[];
  /** The entrypoint, overriding the image's. */
  entrypoint: string[];
}
