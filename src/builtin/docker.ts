/**
 * Messages of Waypoint's builtin `docker` plugin: `docker.Image` (what the
 * docker, docker-pull and docker-ref builders, the docker registry and, through
 * mappers, pack and aws-ecr hand on), `docker.AccessInfo` (what a registry
 * gives a docker or pack builder to push straight to it), and what the docker
 * platform deploys and releases.
 *
 * @example Build a docker.Image and read it back
 * ```ts
 * import assert from "node:assert";
 * import { docker } from "@x/waypoint-plugin/builtin";
 * const image = docker.Image.create({ image: "registry.local/app", tag: "v1", docker: {} });
 * assert.equal(docker.Image.decode(docker.Image.encode(image)).tag, "v1");
 * ```
 *
 * @module
 */
export {
  AccessInfo,
  AccessInfo_UserPass,
  Deployment,
  Image,
  Image_RegistryLocation,
  Release,
  Resource,
  Resource_Container,
  Resource_Network,
  TaskInfo,
} from "../gen/builtin/docker.ts";
