/**
 * The artifact of Waypoint's builtin `pack` builder (Cloud Native
 * Buildpacks): `pack.DockerImage`. The pack plugin also maps it to
 * `docker.Image`, so a stage that takes a `docker.Image` runs after pack too.
 *
 * @module
 */
export { DockerImage } from "../gen/builtin/pack.ts";
