/**
 * The ReleaseManager component: makes a deployment reachable (routes
 * traffic to it).
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { Decoded, InputType, OperationContext, ResourceContext } from "./context.ts";
import {
  checkComponent,
  checkMessageType,
  type ComponentBase,
  type OutputTemplate,
} from "./component.ts";
import type { Resources } from "./resources.ts";
import type { StatusReport } from "./status.ts";

/**
 * The context of `release`: the deployment arrives as `ctx.deployment`.
 *
 * @example Release by pointing a link at the deployment
 * ```ts
 * import { defineReleaseManager, protoFile, type ReleaseContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { path: { type: "string", id: 1 } } },
 *         Release: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ path: string }>("demo.Deployment");
 * const Release = file.message<{ url: string }>("demo.Release");
 * async function link(ctx: ReleaseContext<unknown, { path: string }>) {
 *   await Deno.symlink(ctx.deployment.path, `${ctx.dataDir.dataDir}/current`);
 *   ctx.resources.declare({ name: "current", type: "symlink", category: "router" });
 *   return Release.create({ url: `file://${ctx.dataDir.dataDir}/current` });
 * }
 * defineReleaseManager({ input: Deployment, output: Release, release: link });
 * ```
 */
export interface ReleaseContext<C, D> extends ResourceContext<C> {
  /** The deployment to release. */
  deployment: D;
}

/**
 * The context of operations on an existing release.
 *
 * @example Remove a release
 * ```ts
 * import { defineReleaseManager, protoFile, type ReleaseTargetContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Release: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Release = file.message<{ url: string }>("demo.Release");
 * async function unlink(ctx: ReleaseTargetContext<unknown, { url: string }>) {
 *   await Deno.remove(new URL(ctx.release.url));
 *   ctx.resources.destroy({ name: "current", type: "symlink" });
 * }
 * defineReleaseManager({
 *   input: "demo.Deployment",
 *   output: Release,
 *   release: () => Release.create(),
 *   destroy: unlink,
 * });
 * ```
 */
export interface ReleaseTargetContext<C, R> extends OperationContext<C> {
  /** The release. */
  release: R;
  /** Record the resources removed (destroy). */
  resources: Resources;
}

/**
 * What {@linkcode defineReleaseManager} takes.
 *
 * @example A release manager with status
 * ```ts
 * import {
 *   defineReleaseManager,
 *   protoFile,
 *   type ReleaseManagerDefinition,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Release: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Release = file.message<{ url: string }>("demo.Release");
 * const definition: ReleaseManagerDefinition<Record<never, never>, string, { url: string }> = {
 *   input: "demo.Deployment",
 *   output: Release,
 *   url: (r) => r.url,
 *   release: () => Release.create({ url: "http://localhost:8080" }),
 *   async status(ctx) {
 *     const ok = await fetch(ctx.release.url, { signal: ctx.signal }).then(
 *       (r) => r.ok,
 *       () => false,
 *     );
 *     return { health: ok ? "ready" : "down", healthMessage: ok ? "answering" : "not answering" };
 *   },
 * };
 * defineReleaseManager(definition);
 * ```
 */
export interface ReleaseManagerDefinition<S extends Shape, I extends InputType, R extends object>
  extends ComponentBase<S>, OutputTemplate<R> {
  /** The deployment type this release manager releases (a platform's output), or its full name. */
  input: I;
  /** The release's message type. */
  output: MessageType<R>;
  /** Releases the deployment. */
  release(ctx: ReleaseContext<InferShape<S>, Decoded<I>>): R | Promise<R>;
  /** The URL where the release is reachable, shown by Waypoint. */
  url?(release: R): string | undefined;
  /** Removes the release (`waypoint destroy`). */
  destroy?(ctx: ReleaseTargetContext<InferShape<S>, R>): void | Promise<void>;
  /** Removes what is shared by all releases of the workspace. */
  destroyWorkspace?(ctx: OperationContext<InferShape<S>>): void | Promise<void>;
  /** Reports the release's health (`waypoint status`). */
  status?(ctx: ReleaseTargetContext<InferShape<S>, R>): StatusReport | Promise<StatusReport>;
}

/**
 * A ReleaseManager, ready for `serve({ releaseManager })`.
 *
 * @example A platform's default releaser
 * ```ts
 * import {
 *   definePlatform,
 *   defineReleaseManager,
 *   protoFile,
 *   type ReleaseManager,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ url: string }>("demo.Deployment");
 * // Used when the app's waypoint.hcl has no `release` block.
 * const releaser: ReleaseManager = defineReleaseManager({
 *   input: Deployment,
 *   output: Deployment,
 *   release: (ctx) => ctx.deployment,
 * });
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   defaultReleaser: releaser,
 *   deploy: () => Deployment.create({ url: "http://localhost:8080" }),
 * });
 * ```
 */
export interface ReleaseManager<
  S extends Shape = Shape,
  I extends InputType = InputType,
  R extends object = object,
> {
  /** Always `"releasemanager"`. */
  readonly kind: "releasemanager";
  /** The definition it was made from. */
  readonly definition: ReleaseManagerDefinition<S, I, R>;
}

/**
 * Defines a ReleaseManager.
 *
 * @example A release manager that points a link at the deployment
 * ```ts
 * import { defineReleaseManager, protoFile } from "@x/waypoint-plugin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { path: { type: "string", id: 1 } } },
 *         Release: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ path: string }>("demo.Deployment");
 * const Release = file.message<{ url: string }>("demo.Release");
 *
 * const releaseManager = defineReleaseManager({
 *   input: Deployment,
 *   output: Release,
 *   url: (r) => r.url,
 *   async release(ctx) {
 *     await Deno.symlink(ctx.deployment.path, "/srv/current");
 *     return Release.create({ url: "file:///srv/current" });
 *   },
 * });
 * ```
 */
export function defineReleaseManager<
  S extends Shape = Record<never, never>,
  I extends InputType = InputType,
  R extends object = object,
>(definition: ReleaseManagerDefinition<S, I, R>): ReleaseManager<S, I, R> {
  checkComponent("releaseManager", definition, ["release"], [
    "url",
    "destroy",
    "destroyWorkspace",
    "status",
    "templateData",
  ]);
  checkMessageType("release manager", "input", definition.input);
  checkMessageType("release manager", "output", definition.output);
  return Object.freeze({ kind: "releasemanager", definition });
}
