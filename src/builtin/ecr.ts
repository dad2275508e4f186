/**
 * The artifact of Waypoint's builtin `aws-ecr` registry and builder:
 * `ecr.Image`. The plugin also maps it to `docker.Image`.
 *
 * @example Deploy an image from ECR
 * ```ts
 * import { definePlatform, protoFile } from "@x/waypoint-plugin";
 * import { ecr } from "@x/waypoint-plugin/builtin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ ref: string }>("demo.Deployment");
 * definePlatform({
 *   input: ecr.Image, // registry { use "aws-ecr" { … } }
 *   output: Deployment,
 *   deploy: (ctx) => Deployment.create({ ref: `${ctx.artifact.image}:${ctx.artifact.tag}` }),
 * });
 * ```
 *
 * @module
 */
export { Image } from "../gen/builtin/ecr.ts";
