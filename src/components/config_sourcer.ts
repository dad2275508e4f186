/**
 * The ConfigSourcer component: reads app configuration from an external
 * system. Waypoint 0.11 only loads its built-in config sourcers, so an
 * external one is served correctly but not called by Waypoint itself.
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { TaskContext } from "./context.ts";
import { checkComponent, type ComponentBase } from "./component.ts";

/** One value read: a string, JSON, or an error for that key. */
export type ConfigValue = { name: string; value: string } | { name: string; json: unknown } | {
  name: string;
  error: string;
};

/** What {@linkcode defineConfigSourcer} takes. */
export interface ConfigSourcerDefinition<S extends Shape> extends Omit<ComponentBase<S>, "auth"> {
  /** Reads the values. */
  read(ctx: TaskContext<InferShape<S>>): ConfigValue[] | Promise<ConfigValue[]>;
  /** Stops watching for changes. */
  stop?(ctx: TaskContext<InferShape<S>>): void | Promise<void>;
}

/** A ConfigSourcer, ready for `serve({ configSourcer })`. */
export interface ConfigSourcer<S extends Shape = Shape> {
  /** Always `"configsourcer"`. */
  readonly kind: "configsourcer";
  /** The definition it was made from. */
  readonly definition: ConfigSourcerDefinition<S>;
}

/** Defines a ConfigSourcer. */
export function defineConfigSourcer<S extends Shape = Record<never, never>>(
  definition: ConfigSourcerDefinition<S>,
): ConfigSourcer<S> {
  checkComponent("configSourcer", definition, ["read"], ["stop"]);
  return Object.freeze({ kind: "configsourcer", definition });
}
