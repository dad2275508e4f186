/**
 * The artifact of Waypoint's builtin `aws-ecr` registry and builder:
 * `ecr.Image`. The plugin also maps it to `docker.Image`.
 *
 * @module
 */
export { Image } from "../gen/builtin/ecr.ts";
