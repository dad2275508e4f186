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

/**
 * One value read: a string, JSON, or an error for that key.
 *
 * @example Values, JSON and per-key errors
 * ```ts
 * import assert from "node:assert";
 * import type { ConfigValue } from "@x/waypoint-plugin";
 * function fromEnv(names: string[]): ConfigValue[] {
 *   return names.map((name) => {
 *     const value = Deno.env.get(name);
 *     return value === undefined ? { name, error: `${name} is not set` } : { name, value };
 *   });
 * }
 * const values = fromEnv(["PATH", "NO_SUCH_VARIABLE_HERE"]);
 * assert("value" in values[0]);
 * assert("error" in values[1]);
 * ```
 */
export type ConfigValue = { name: string; value: string } | { name: string; json: unknown } | {
  name: string;
  error: string;
};

/**
 * What {@linkcode defineConfigSourcer} takes.
 *
 * @example A sourcer's definition
 * ```ts
 * import { config, type ConfigSourcerDefinition, defineConfigSourcer } from "@x/waypoint-plugin";
 * const shape = { prefix: config.string({ default: "APP_" }) };
 * const definition: ConfigSourcerDefinition<typeof shape> = {
 *   config: config.object(shape),
 *   read: (ctx) => [{ name: `${ctx.config.prefix}MODE`, value: "production" }],
 *   stop: (ctx) => ctx.logger.debug("stopped watching"),
 * };
 * defineConfigSourcer(definition);
 * ```
 */
export interface ConfigSourcerDefinition<S extends Shape> extends Omit<ComponentBase<S>, "auth"> {
  /** Reads the values. */
  read(ctx: TaskContext<InferShape<S>>): ConfigValue[] | Promise<ConfigValue[]>;
  /** Stops watching for changes. */
  stop?(ctx: TaskContext<InferShape<S>>): void | Promise<void>;
}

/**
 * A ConfigSourcer, ready for `serve({ configSourcer })`.
 *
 * @example Serve a config sourcer
 * ```ts
 * import assert from "node:assert";
 * import { type ConfigSourcer, defineConfigSourcer } from "@x/waypoint-plugin";
 * const sourcer: ConfigSourcer = defineConfigSourcer({
 *   read: () => [{ name: "settings", json: { replicas: 2 } }],
 * });
 * // main.ts: await serve({ configSourcer: sourcer });
 * assert.equal(sourcer.kind, "configsourcer");
 * ```
 */
export interface ConfigSourcer<S extends Shape = Shape> {
  /** Always `"configsourcer"`. */
  readonly kind: "configsourcer";
  /** The definition it was made from. */
  readonly definition: ConfigSourcerDefinition<S>;
}

/**
 * Defines a ConfigSourcer.
 *
 * @example Read values from a file
 * ```ts
 * import assert from "node:assert";
 * import { config, defineConfigSourcer } from "@x/waypoint-plugin";
 * const configSourcer = defineConfigSourcer({
 *   config: config.object({ path: config.string({ default: "config.json" }) }),
 *   async read(ctx) {
 *     const text = await Deno.readTextFile(ctx.config.path);
 *     return Object.entries(JSON.parse(text)).map(([name, value]) =>
 *       typeof value === "string" ? { name, value } : { name, json: value }
 *     );
 *   },
 * });
 * assert.equal(configSourcer.kind, "configsourcer");
 * ```
 */
export function defineConfigSourcer<S extends Shape = Record<never, never>>(
  definition: ConfigSourcerDefinition<S>,
): ConfigSourcer<S> {
  checkComponent("configSourcer", definition, ["read"], ["stop"]);
  return Object.freeze({ kind: "configsourcer", definition });
}
