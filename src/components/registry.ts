/**
 * The Registry component: pushes a build artifact somewhere the platform
 * can take it from.
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { Decoded, InputType, OperationContext } from "./context.ts";
import {
  checkComponent,
  checkMessageType,
  type ComponentBase,
  type OutputTemplate,
} from "./component.ts";

/**
 * The context of `push`: the artifact to push arrives as `ctx.artifact`.
 *
 * @example A push step as its own function
 * ```ts
 * import { defineRegistry, protoFile, type PushContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Pushed: { fields: { path: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Pushed = file.message<{ path: string }>("demo.Pushed");
 * async function upload(ctx: PushContext<unknown, { location: string }>) {
 *   const path = `${ctx.dataDir.dataDir}/${ctx.job.id}`;
 *   await Deno.copyFile(ctx.artifact.location, path);
 *   return Pushed.create({ path });
 * }
 * defineRegistry({ input: Binary, output: Pushed, push: upload });
 * ```
 */
export interface PushContext<C, A> extends OperationContext<C> {
  /** The build's artifact. */
  artifact: A;
}

/**
 * What {@linkcode defineRegistry} takes.
 *
 * @example A registry with access info for builders
 * ```ts
 * import { defineRegistry, protoFile, type RegistryDefinition } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *         Access: { fields: { repository: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const Access = file.message<{ repository: string }>("demo.Access");
 * const definition: RegistryDefinition<Record<never, never>, typeof Image, { ref: string }> = {
 *   input: Image,
 *   output: Image,
 *   push: (ctx) => Image.create({ ref: `registry.local/${ctx.artifact.ref}` }),
 *   // A builder declaring `accessInfo: Access` receives this as ctx.accessInfo.
 *   access: () => Access.create({ repository: "registry.local/app" }),
 * };
 * defineRegistry(definition);
 * ```
 */
export interface RegistryDefinition<S extends Shape, I extends InputType, R extends object>
  extends ComponentBase<S>, OutputTemplate<R> {
  /** The artifact type this registry pushes (a builder's output), or its full name. */
  input: I;
  /** The pushed artifact's message type. */
  output: MessageType<R>;
  /** Pushes the artifact and returns where it went. */
  push(ctx: PushContext<InferShape<S>, Decoded<I>>): R | Promise<R>;
  /**
   * Information a builder may need to push straight to this registry
   * (Waypoint hands it to the build). Waypoint fails a build with a registry
   * that has none, so by default an empty message is returned.
   */
  access?(ctx: OperationContext<InferShape<S>>): object | Promise<object>;
}

/**
 * A Registry, ready for `serve({ registry })`.
 *
 * @example Check what a registry pushes
 * ```ts
 * import assert from "node:assert";
 * import { defineRegistry, protoFile, type Registry } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const registry: Registry = defineRegistry({
 *   input: Image,
 *   output: Image,
 *   push: (ctx) => ctx.artifact,
 * });
 * assert.equal(registry.kind, "registry");
 * assert.equal((registry.definition.input as typeof Image).typeName, "demo.Image");
 * ```
 */
export interface Registry<
  S extends Shape = Shape,
  I extends InputType = InputType,
  R extends object = object,
> {
  /** Always `"registry"`. */
  readonly kind: "registry";
  /** The definition it was made from. */
  readonly definition: RegistryDefinition<S, I, R>;
}

/**
 * Defines a Registry.
 *
 * @example A registry that records where it put the artifact
 * ```ts
 * import { defineRegistry, protoFile } from "@x/waypoint-plugin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Pushed: { fields: { path: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Pushed = file.message<{ path: string }>("demo.Pushed");
 *
 * const registry = defineRegistry({
 *   input: Binary,
 *   output: Pushed,
 *   async push(ctx) {
 *     await Deno.copyFile(ctx.artifact.location, "/srv/registry/app");
 *     return Pushed.create({ path: "/srv/registry/app" });
 *   },
 * });
 * ```
 */
export function defineRegistry<
  S extends Shape = Record<never, never>,
  I extends InputType = InputType,
  R extends object = object,
>(definition: RegistryDefinition<S, I, R>): Registry<S, I, R> {
  checkComponent("registry", definition, ["push"], ["access", "templateData"]);
  checkMessageType("registry", "input", definition.input);
  checkMessageType("registry", "output", definition.output);
  return Object.freeze({ kind: "registry", definition });
}
