/**
 * The components a plugin offers, and the check that turns a programmer's
 * mistake in them into a `TypeError` before anything is served.
 *
 * @module
 */
import { COMPONENT_KINDS, type ComponentTypes } from "../components/kinds.ts";
import type { Mapper } from "../components/mapper.ts";

/**
 * The components a plugin offers; each is optional, at least one is needed.
 *
 * @example The components of a plugin, assembled before serving
 * ```ts
 * import assert from "node:assert";
 * import {
 *   defineBuilder,
 *   defineMapper,
 *   type PluginComponents,
 *   protoFile,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { path: { type: "string", id: 1 } } },
 *         Pushed: { fields: { path: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ path: string }>("demo.Binary");
 * const Pushed = file.message<{ path: string }>("demo.Pushed");
 * const builder = defineBuilder({ output: Binary, build: () => Binary.create({ path: "app" }) });
 * const components: PluginComponents = {
 *   builder,
 *   mappers: [defineMapper({ input: Binary, output: Pushed, map: (b) => Pushed.create(b) })],
 * };
 * // main.ts: if (import.meta.main) await serve(components);
 * assert.equal(components.builder?.kind, "builder");
 * ```
 */
export interface PluginComponents extends Partial<ComponentTypes> {
  /** Converters Waypoint may use between message types. */
  mappers?: Mapper[];
}

/** Throws a `TypeError` saying how to fix `components` when they are not a plugin's components. */
export function checkComponents(components: PluginComponents): void {
  if (!components || typeof components !== "object") {
    throw new TypeError("serve() needs the plugin's components, e.g. serve({ builder })");
  }
  const known: string[] = [...COMPONENT_KINDS.map((k) => k.key), "mappers"];
  for (const key of Object.keys(components)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `serve() got an unknown component "${key}": the components are ${known.join(", ")}`,
      );
    }
  }
  const present = Object.entries(components).filter(([, v]) => v !== undefined);
  if (present.length === 0 || (present.length === 1 && components.mappers?.length === 0)) {
    throw new TypeError("serve() needs at least one component, e.g. serve({ builder })");
  }
  for (const kind of COMPONENT_KINDS) {
    const c: { kind?: unknown } | undefined = components[kind.key];
    if (c !== undefined && c?.kind !== kind.kind) {
      throw new TypeError(`serve({ ${kind.key} }) needs a value made by ${kind.define}()`);
    }
  }
  if (components.mappers !== undefined) {
    if (
      !Array.isArray(components.mappers) || components.mappers.some((m) => m?.kind !== "mapper")
    ) {
      throw new TypeError("serve({ mappers }) needs an array of values made by defineMapper()");
    }
  }
}
