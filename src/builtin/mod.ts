/**
 * Typed messages of the builtin plugins of Waypoint 0.11.4, for components
 * that take their output: declare `input: docker.Image` and `ctx.artifact`
 * arrives decoded and typed, instead of as a raw `{ typeUrl, value }`. Each
 * namespace is a proto package; each member a message type and its interface
 * (`docker.Image` is both).
 *
 * | namespace | messages | produced by |
 * |---|---|---|
 * | `docker` | `Image`, `AccessInfo`, `Deployment`, `Release`, `TaskInfo`, `Resource_*` | docker, docker-pull, docker-ref builders; docker registry; docker platform |
 * | `files` | `Files` | files builder |
 * | `pack` | `DockerImage` | pack builder (mapped to `docker.Image` too) |
 * | `ecr` | `Image` | aws-ecr registry and builder (mapped to `docker.Image` too) |
 *
 * Our `.proto` files (`proto/builtin/`) are written from the wire facts; a
 * test holds them equal, message by message and field by field, to the
 * definitions in the Waypoint v0.11.4 module.
 *
 * @example Encode and decode a docker.Image
 * ```ts
 * import assert from "node:assert";
 * import { docker } from "@x/waypoint-plugin/builtin";
 * const image = docker.Image.create({ image: "nginx", tag: "1.27", registry: {} });
 * const back = docker.Image.decode(docker.Image.encode(image));
 * assert(back.tag === "1.27" && back.registry?.waypointGenerated === false);
 * ```
 *
 * @example A platform that deploys what Waypoint's docker builder built
 * ```ts
 * import { definePlatform, protoFile } from "@x/waypoint-plugin";
 * import { docker } from "@x/waypoint-plugin/builtin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: { demo: { nested: { Deployment: { fields: { ref: { type: "string", id: 1 } } } } } },
 * });
 * const Deployment = file.message<{ ref: string }>("demo.Deployment");
 *
 * const platform = definePlatform({
 *   input: docker.Image,
 *   output: Deployment,
 *   deploy(ctx) {
 *     const { image, tag } = ctx.artifact; // typed: docker.Image
 *     return Deployment.create({ ref: `${image}:${tag}` });
 *   },
 * });
 * ```
 *
 * @module
 */
export * as docker from "./docker.ts";
export * as files from "./files.ts";
export * as pack from "./pack.ts";
export * as ecr from "./ecr.ts";
