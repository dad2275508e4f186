/**
 * The Platform component: deploys an artifact, and optionally destroys,
 * reports status, execs into, shows logs of, and releases deployments.
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { MessageType } from "../proto/runtime.ts";
import type {
  Decoded,
  DeploymentConfig,
  InputType,
  OperationContext,
  ResourceContext,
} from "./context.ts";
import {
  checkComponent,
  checkMessageType,
  type ComponentBase,
  type OutputTemplate,
} from "./component.ts";
import type { ReleaseManager } from "./release_manager.ts";
import type { Resources } from "./resources.ts";
import type { ExecSession, LogViewer } from "./sessions.ts";
import type { StatusReport } from "./status.ts";

/**
 * The context of `deploy`.
 *
 * @example A deploy step as its own function
 * ```ts
 * import { definePlatform, type DeployContext, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Deployment: {
 *           fields: { id: { type: "string", id: 1 }, path: { type: "string", id: 2 } },
 *         },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Deployment = file.message<{ id: string; path: string }>("demo.Deployment");
 * async function install(ctx: DeployContext<unknown, { location: string }>) {
 *   const path = `${ctx.dataDir.dataDir}/app-${ctx.deploymentConfig.sequence}`;
 *   await Deno.copyFile(ctx.artifact.location, path);
 *   ctx.resources.declare({ name: "binary", type: "file", platform: "local" });
 *   return Deployment.create({ id: ctx.deploymentConfig.id, path });
 * }
 * definePlatform({ input: Binary, output: Deployment, deploy: install });
 * ```
 */
export interface DeployContext<C, A> extends ResourceContext<C> {
  /** The artifact to deploy (the pushed one, or the build's when there is no registry). */
  artifact: A;
  /** How the deployment reaches the Waypoint server (for the entrypoint). */
  deploymentConfig: DeploymentConfig;
}

/**
 * The context of operations on an existing deployment.
 *
 * @example Destroy a deployment
 * ```ts
 * import { definePlatform, type DeploymentContext, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { path: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ path: string }>("demo.Deployment");
 * async function remove(ctx: DeploymentContext<unknown, { path: string }>) {
 *   await Deno.remove(ctx.deployment.path).catch((e) => {
 *     if (!(e instanceof Deno.errors.NotFound)) throw e;
 *   });
 *   ctx.resources.destroy({ name: "binary", type: "file" });
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ path: "/srv/app" }),
 *   destroy: remove,
 * });
 * ```
 */
export interface DeploymentContext<C, D> extends OperationContext<C> {
  /** The deployment. */
  deployment: D;
  /** Record the resources removed (destroy). */
  resources: Resources;
}

/**
 * The context of `exec`.
 *
 * @example Exec with the deployment's directory
 * ```ts
 * import { definePlatform, type ExecContext, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { dir: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ dir: string }>("demo.Deployment");
 * async function exec(ctx: ExecContext<unknown, { dir: string }>): Promise<number> {
 *   const [cmd, ...args] = ctx.exec.args;
 *   const child = await new Deno.Command(cmd, {
 *     args,
 *     cwd: ctx.deployment.dir,
 *     signal: ctx.signal,
 *   }).output();
 *   await ctx.exec.write(child.stdout);
 *   return child.code;
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ dir: "/srv/app" }),
 *   exec,
 * });
 * ```
 */
export interface ExecContext<C, D> extends DeploymentContext<C, D> {
  /** The user's command and terminal. */
  exec: ExecSession;
}

/**
 * The context of `logs`.
 *
 * @example Logs that honour the user's limit
 * ```ts
 * import { definePlatform, type LogsContext, protoFile } from "@x/waypoint-plugin";
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
 * async function logs(ctx: LogsContext<unknown, { id: string }>) {
 *   const since = ctx.logs.startingAt ?? new Date(0);
 *   await ctx.logs.send([{
 *     partition: ctx.deployment.id,
 *     timestamp: new Date(),
 *     contents: `since ${since.toISOString()}`,
 *   }]);
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create(),
 *   logs,
 * });
 * ```
 */
export interface LogsContext<C, D> extends DeploymentContext<C, D> {
  /** Where to send log lines. */
  logs: LogViewer;
}

/**
 * The context of `generation`.
 *
 * @example Deployments of one artifact replace each other
 * ```ts
 * import { definePlatform, type GenerationContext, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * const generation = (ctx: GenerationContext<unknown, { location: string }>) =>
 *   `${ctx.source.app}:${ctx.artifact.location}`;
 * definePlatform({
 *   input: Binary,
 *   output: Deployment,
 *   deploy: () => Deployment.create(),
 *   generation,
 * });
 * ```
 */
export interface GenerationContext<C, A> extends OperationContext<C> {
  /** The artifact about to be deployed. */
  artifact: A;
}

/**
 * What {@linkcode definePlatform} takes.
 *
 * @example A definition with url and status
 * ```ts
 * import { definePlatform, type PlatformDefinition, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { port: { type: "int32", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ port: number }>("demo.Deployment");
 * const definition: PlatformDefinition<Record<never, never>, string, { port: number }> = {
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ port: 8080 }),
 *   url: (d) => `http://localhost:${d.port}`,
 *   status: () => ({ health: "ready" }),
 * };
 * definePlatform(definition);
 * ```
 */
export interface PlatformDefinition<S extends Shape, I extends InputType, D extends object>
  extends ComponentBase<S>, OutputTemplate<D> {
  /** The artifact type this platform deploys (a builder's or registry's output), or its full name. */
  input: I;
  /** The deployment's message type. */
  output: MessageType<D>;
  /** Deploys the artifact. */
  deploy(ctx: DeployContext<InferShape<S>, Decoded<I>>): D | Promise<D>;
  /** The URL where the deployment is reachable, shown by Waypoint. */
  url?(deployment: D): string | undefined;
  /** Removes a deployment (`waypoint destroy`, or old deployments). */
  destroy?(ctx: DeploymentContext<InferShape<S>, D>): void | Promise<void>;
  /** Removes what is shared by all deployments of the workspace. */
  destroyWorkspace?(ctx: OperationContext<InferShape<S>>): void | Promise<void>;
  /** Reports a deployment's health (`waypoint status`). */
  status?(ctx: DeploymentContext<InferShape<S>, D>): StatusReport | Promise<StatusReport>;
  /** Runs a command in a deployment (`waypoint exec`); returns its exit code. */
  exec?(ctx: ExecContext<InferShape<S>, D>): number | Promise<number>;
  /** Streams a deployment's logs (`waypoint logs`). */
  logs?(ctx: LogsContext<InferShape<S>, D>): void | Promise<void>;
  /**
   * An id for the deployment's generation: deployments with the same id
   * replace each other in place instead of standing side by side.
   */
  generation?(
    ctx: GenerationContext<InferShape<S>, Decoded<I>>,
  ): string | Uint8Array | Promise<string | Uint8Array>;
  /** The release manager used when the app has no `release` block. */
  defaultReleaser?: ReleaseManager;
}

/**
 * A Platform, ready for `serve({ platform })`.
 *
 * @example Serve a platform with a builder
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, definePlatform, type Platform, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const builder = defineBuilder({
 *   output: Binary,
 *   build: () => Binary.create({ location: "app" }),
 * });
 * const platform: Platform = definePlatform({
 *   input: Binary,
 *   output: Binary,
 *   deploy: (ctx) => ctx.artifact,
 * });
 * // main.ts: await serve({ builder, platform });
 * assert.equal(platform.kind, "platform");
 * assert.equal(builder.definition.output, platform.definition.input);
 * ```
 */
export interface Platform<
  S extends Shape = Shape,
  I extends InputType = InputType,
  D extends object = object,
> {
  /** Always `"platform"`. */
  readonly kind: "platform";
  /** The definition it was made from. */
  readonly definition: PlatformDefinition<S, I, D>;
}

/**
 * Defines a Platform.
 *
 * @example A platform that deploys by copying a file
 * ```ts
 * import { definePlatform, protoFile } from "@x/waypoint-plugin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Deployment: {
 *           fields: { id: { type: "string", id: 1 }, path: { type: "string", id: 2 } },
 *         },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Deployment = file.message<{ id: string; path: string }>("demo.Deployment");
 *
 * const platform = definePlatform({
 *   input: Binary,
 *   output: Deployment,
 *   async deploy(ctx) {
 *     const path = `/srv/${ctx.deploymentConfig.id}`;
 *     await Deno.copyFile(ctx.artifact.location, path);
 *     ctx.resources.declare({ name: "binary", type: "file", platform: "local" });
 *     return Deployment.create({ id: ctx.deploymentConfig.id, path });
 *   },
 *   async destroy(ctx) {
 *     await Deno.remove(ctx.deployment.path);
 *     ctx.resources.destroy({ name: "binary", type: "file", platform: "local" });
 *   },
 * });
 * ```
 */
export function definePlatform<
  S extends Shape = Record<never, never>,
  I extends InputType = InputType,
  D extends object = object,
>(definition: PlatformDefinition<S, I, D>): Platform<S, I, D> {
  checkComponent("platform", definition, ["deploy"], [
    "url",
    "destroy",
    "destroyWorkspace",
    "status",
    "templateData",
    "exec",
    "logs",
    "generation",
  ]);
  checkMessageType("platform", "input", definition.input);
  checkMessageType("platform", "output", definition.output);
  const r = definition.defaultReleaser;
  if (r !== undefined && (!r || r.kind !== "releasemanager")) {
    throw new TypeError("The platform's defaultReleaser must be made by defineReleaseManager()");
  }
  return Object.freeze({ kind: "platform", definition });
}
