/**
 * The Builder component: turns an app's source into an artifact.
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { OperationContext } from "./context.ts";
import { checkComponent, checkMessageType, type ComponentBase } from "./component.ts";

/** The context of `build`. */
export type BuildContext<C> = OperationContext<C>;

/** What {@linkcode defineBuilder} takes. */
export interface BuilderDefinition<S extends Shape, R extends object> extends ComponentBase<S> {
  /** The artifact's message type; lets `build` return a plain object and documents the output. */
  output?: MessageType<R>;
  /** Builds the app and returns the artifact. */
  build(ctx: BuildContext<InferShape<S>>): R | Promise<R>;
  /**
   * The build to run inside an on-demand runner (Waypoint calls it there
   * first, and falls back to `build` when a plugin has none).
   */
  buildODR?(ctx: BuildContext<InferShape<S>>): R | Promise<R>;
}

/** A Builder, ready for `serve({ builder })`. */
export interface Builder<S extends Shape = Shape, R extends object = object> {
  /** Always `"builder"`. */
  readonly kind: "builder";
  /** The definition it was made from. */
  readonly definition: BuilderDefinition<S, R>;
}

/**
 * Defines a Builder. Mistakes in the definition (a missing `build`, a config
 * key HCL cannot name) throw a `TypeError` here, before the plugin starts.
 *
 * @example A builder with one config field
 * ```ts
 * import { config, defineBuilder, protoFile } from "../../mod.ts";
 * const file = protoFile({ nested: { demo: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } } });
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
 */
export function defineBuilder<S extends Shape = Record<never, never>, R extends object = object>(
  definition: BuilderDefinition<S, R>,
): Builder<S, R> {
  checkComponent("builder", definition as never, ["build"], ["buildODR"]);
  checkMessageType("builder", "output", definition.output, true);
  return Object.freeze({ kind: "builder", definition });
}
