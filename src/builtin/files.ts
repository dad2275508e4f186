/**
 * The message of Waypoint's builtin `files` builder: `files.Files`, the app's
 * source directory handed on as the artifact.
 *
 * @example Deploy the source directory the files builder hands on
 * ```ts
 * import assert from "node:assert";
 * import { definePlatform, protoFile } from "@x/waypoint-plugin";
 * import { files } from "@x/waypoint-plugin/builtin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { dir: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ dir: string }>("demo.Deployment");
 * const platform = definePlatform({
 *   input: files.Files, // build { use "files" {} }
 *   output: Deployment,
 *   deploy: (ctx) => Deployment.create({ dir: ctx.artifact.path }),
 * });
 * assert.equal(files.Files.typeName, "files.Files");
 * assert.equal(platform.definition.input, files.Files);
 * ```
 *
 * @module
 */
export { Files } from "../gen/builtin/files.ts";
