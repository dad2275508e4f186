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

/** The context of `deploy`. */
export interface DeployContext<C, A> extends ResourceContext<C> {
  /** The artifact to deploy (the pushed one, or the build's when there is no registry). */
  artifact: A;
  /** How the deployment reaches the Waypoint server (for the entrypoint). */
  deploymentConfig: DeploymentConfig;
}

/** The context of operations on an existing deployment. */
export interface DeploymentContext<C, D> extends OperationContext<C> {
  /** The deployment. */
  deployment: D;
  /** Record the resources removed (destroy). */
  resources: Resources;
}

/** The context of `exec`. */
export interface ExecContext<C, D> extends DeploymentContext<C, D> {
  /** The user's command and terminal. */
  exec: ExecSession;
}

/** The context of `logs`. */
export interface LogsContext<C, D> extends DeploymentContext<C, D> {
  /** Where to send log lines. */
  logs: LogViewer;
}

/** The context of `generation`. */
export interface GenerationContext<C, A> extends OperationContext<C> {
  /** The artifact about to be deployed. */
  artifact: A;
}

/** What {@linkcode definePlatform} takes. */
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

/** A Platform, ready for `serve({ platform })`. */
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
 *   nested: { demo: { nested: {
 *     Binary: { fields: { location: { type: "string", id: 1 } } },
 *     Deployment: { fields: { id: { type: "string", id: 1 }, path: { type: "string", id: 2 } } },
 *   } } },
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
