/**
 * The artifact of Waypoint's builtin `pack` builder (Cloud Native
 * Buildpacks): `pack.DockerImage`. The pack plugin also maps it to
 * `docker.Image`, so a stage that takes a `docker.Image` runs after pack too.
 *
 * @example Read the image a pack build produced
 * ```ts
 * import assert from "node:assert";
 * import { pack } from "@x/waypoint-plugin/builtin";
 * const built = pack.DockerImage.create({
 *   image: "app",
 *   tag: "abc123",
 *   remote: true,
 *   buildLabels: { lang: "go" },
 * });
 * const back = pack.DockerImage.decode(pack.DockerImage.encode(built));
 * assert.equal(`${back.image}:${back.tag}`, "app:abc123");
 * assert.deepEqual(back.buildLabels, { lang: "go" });
 * ```
 *
 * @module
 */
export { DockerImage } from "../gen/builtin/pack.ts";
