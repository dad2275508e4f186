/**
 * Mappers: converters Waypoint may use to turn one plugin's output into the
 * input another plugin asks for.
 *
 * @module
 */
import type { MessageType } from "../proto/runtime.ts";
import { checkMessageType } from "./component.ts";

/**
 * What {@linkcode defineMapper} takes.
 *
 * @example A mapper's definition, with docs
 * ```ts
 * import { defineMapper, type MapperDefinition, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const definition: MapperDefinition<{ location: string }, { ref: string }> = {
 *   input: Binary,
 *   output: Image,
 *   description: "Lets an image platform deploy a binary",
 *   map: (b) => Image.create({ ref: `file://${b.location}` }),
 * };
 * defineMapper(definition);
 * ```
 */
export interface MapperDefinition<A extends object, B extends object> {
  /** The message type converted from. */
  input: MessageType<A>;
  /** The message type produced. */
  output: MessageType<B>;
  /** Converts one value. */
  map(input: A): B | Promise<B>;
  /** What it does, for `waypoint docs`. */
  description?: string;
}

/**
 * A mapper, ready for `serve({ mappers: [...] })`.
 *
 * @example Serve mappers
 * ```ts
 * import assert from "node:assert";
 * import { defineMapper, type Mapper, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const mappers: Mapper[] = [
 *   defineMapper({ input: Binary, output: Image, map: (b) => Image.create({ ref: b.location }) }),
 * ];
 * // main.ts: await serve({ builder, mappers });
 * assert.equal(mappers[0].kind, "mapper");
 * ```
 */
export interface Mapper<A extends object = object, B extends object = object> {
  /** Always `"mapper"`. */
  readonly kind: "mapper";
  /** The definition it was made from. */
  readonly definition: MapperDefinition<A, B>;
}

/**
 * Defines a mapper.
 *
 * @example Turn a binary into an image reference
 * ```ts
 * import { defineMapper, protoFile } from "@x/waypoint-plugin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Binary: { fields: { location: { type: "string", id: 1 } } },
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Binary = file.message<{ location: string }>("demo.Binary");
 * const Image = file.message<{ ref: string }>("demo.Image");
 *
 * const binaryToImage = defineMapper({
 *   input: Binary,
 *   output: Image,
 *   map: (b) => Image.create({ ref: `file://${b.location}` }),
 * });
 * ```
 */
export function defineMapper<A extends object, B extends object>(
  definition: MapperDefinition<A, B>,
): Mapper<A, B> {
  if (!definition || typeof definition.map !== "function") {
    throw new TypeError("defineMapper() needs a map(input) function");
  }
  checkMessageType("mapper", "input", definition.input);
  checkMessageType("mapper", "output", definition.output);
  return Object.freeze({ kind: "mapper", definition });
}
