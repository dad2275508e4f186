/**
 * The Builder component: turns an app's source into an artifact.
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
 * The context of `build`. With `hasRegistry: true` in the definition it has
 * `hasRegistry`; with `accessInfo` it has the registry's `accessInfo`.
 *
 * @example A build step shared by build and buildODR
 * ```ts
 * import { type BuildContext, config, defineBuilder } from "@x/waypoint-plugin";
 * async function compile(ctx: BuildContext<{ source: string }>) {
 *   using status = ctx.ui.status();
 *   status.update(`Compiling ${ctx.config.source}`);
 *   status.step("ok", "Compiled");
 *   return { location: `${ctx.config.source}/app` };
 * }
 * defineBuilder({
 *   config: config.object({ source: config.string({ default: "./" }) }),
 *   build: compile,
 *   buildODR: compile, // the same steps inside an on-demand runner
 * });
 * ```
 */
export type BuildContext<
  C,
  A extends InputType | true | undefined = undefined,
  H extends boolean = false,
> =
  & OperationContext<C>
  & (H extends true ? {
      /** Whether the app has a registry (Waypoint's named bool `hasregistry`). */
      hasRegistry: boolean;
    }
    : unknown)
  & (A extends InputType | true ? {
      /** What the app's registry returned from its access info function. */
      accessInfo: Decoded<A>;
    }
    : unknown);

/**
 * What {@linkcode defineBuilder} takes.
 *
 * @example A definition kept apart from defineBuilder
 * ```ts
 * import assert from "node:assert";
 * import { type BuilderDefinition, config, defineBuilder } from "@x/waypoint-plugin";
 * const shape = { source: config.string({ default: "./" }) };
 * const definition: BuilderDefinition<typeof shape, { location: string }> = {
 *   config: config.object(shape),
 *   build: (ctx) => ({ location: `${ctx.config.source}app` }),
 * };
 * const builder = defineBuilder(definition);
 * assert.equal(builder.definition, definition);
 * ```
 */
export interface BuilderDefinition<
  S extends Shape,
  R extends object,
  A extends InputType | true | undefined = undefined,
  H extends boolean = false,
> extends ComponentBase<S>, OutputTemplate<R> {
  /** The artifact's message type; lets `build` return a plain object and documents the output. */
  output?: MessageType<R>;
  /**
   * `true` to receive `ctx.hasRegistry`: whether the app's `build` stanza has
   * a registry (a builder may then push itself, or skip work the registry
   * does). Waypoint passes it to every build.
   */
  hasRegistry?: H;
  /**
   * To receive the app's registry's access info (what its `access` returns,
   * e.g. `docker.AccessInfo`) as `ctx.accessInfo`: its message type from
   * `deno task proto` (decoded), its full name (kept raw), or `true` for
   * whatever type the registry returns (raw). Waypoint passes it only when
   * the app has a registry of that type, so a builder that asks for it cannot
   * build without one (Waypoint reports the missing argument, as it does for
   * a Go builder that takes `*docker.AccessInfo`).
   */
  accessInfo?: A;
  /** Builds the app and returns the artifact. */
  build(ctx: BuildContext<InferShape<S>, A, H>): R | Promise<R>;
  /**
   * The build to run inside an on-demand runner (Waypoint calls it there
   * first, and falls back to `build` when a plugin has none).
   */
  buildODR?(ctx: BuildContext<InferShape<S>, A, H>): R | Promise<R>;
}

/**
 * A Builder, ready for `serve({ builder })`.
 *
 * @example Serve a builder made elsewhere
 * ```ts
 * import assert from "node:assert";
 * import { type Builder, defineBuilder } from "@x/waypoint-plugin";
 * const builders: Record<string, Builder> = {
 *   go: defineBuilder({ build: () => ({ lang: "go" }) }),
 *   rust: defineBuilder({ build: () => ({ lang: "rust" }) }),
 * };
 * // e.g. main.ts: await serve({ builder: builders[Deno.env.get("FLAVOUR") ?? "go"] });
 * assert.equal(builders.go.kind, "builder");
 * ```
 */
export interface Builder<
  S extends Shape = Shape,
  R extends object = object,
  A extends InputType | true | undefined = InputType | true | undefined,
  H extends boolean = boolean,
> {
  /** Always `"builder"`. */
  readonly kind: "builder";
  /** The definition it was made from. */
  readonly definition: BuilderDefinition<S, R, A, H>;
}

/**
 * Defines a Builder. Mistakes in the definition (a missing `build`, a config
 * key HCL cannot name) throw a `TypeError` here, before the plugin starts.
 *
 * @example A builder with one config field
 * ```ts
 * import { config, defineBuilder, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * export const builder = defineBuilder({
 *   config: config.object({ source: config.string({ default: "./" }) }),
 *   async build(ctx) {
 *     using status = ctx.ui.status();
 *     status.update("Building application");
 *     status.step("ok", "Application built successfully");
 *     return Binary.create({ location: `${ctx.config.source}/app` });
 *   },
 * });
 * ```
 *
 * @example A builder that pushes straight to the app's registry
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, protoFile } from "@x/waypoint-plugin";
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
 * const builder = defineBuilder({
 *   output: Image,
 *   hasRegistry: true,
 *   accessInfo: Access, // what the registry's access() returns; builds then need that registry
 *   // `${artifact.repository}` for the stage after, instead of `ref`.
 *   templateData: (image) => ({ repository: image.ref.split(":")[0] }),
 *   build(ctx) {
 *     const ref = `${ctx.accessInfo.repository}:${ctx.job.id}`;
 *     if (ctx.hasRegistry) ctx.ui.output(`pushing ${ref}`);
 *     return Image.create({ ref });
 *   },
 * });
 * assert(builder.definition.hasRegistry);
 * ```
 */
export function defineBuilder<
  S extends Shape = Record<never, never>,
  R extends object = object,
  A extends InputType | true | undefined = undefined,
  H extends boolean = false,
>(
  definition: BuilderDefinition<S, R, A, H>,
): Builder<S, R, A, H> {
  checkComponent("builder", definition, ["build"], ["buildODR", "templateData"]);
  checkMessageType("builder", "output", definition.output, true);
  if (definition.accessInfo !== true) {
    checkMessageType("builder", "input", definition.accessInfo, true, "accessInfo");
  }
  if (definition.hasRegistry !== undefined && typeof definition.hasRegistry !== "boolean") {
    throw new TypeError("The builder's hasRegistry must be true or false");
  }
  return Object.freeze({ kind: "builder", definition });
}
