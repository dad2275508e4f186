/**
 * Resources a deploy or release creates and a destroy removes. Waypoint
 * shows them to the user and keeps them with the deployment.
 *
 * @module
 */

/**
 * How Waypoint groups a resource in its UI.
 *
 * @example Group resources in Waypoint's UI
 * ```ts
 * import assert from "node:assert";
 * import type { ResourceCategory, ResourceSpec } from "@x/waypoint-plugin";
 * const category: ResourceCategory = "instance";
 * const web: ResourceSpec = { name: "web", type: "process", platform: "local", category };
 * assert.equal(web.category, "instance");
 * ```
 */
export type ResourceCategory =
  | "unknown"
  | "other"
  | "instance"
  | "instance-manager"
  | "router"
  | "policy"
  | "config"
  | "function"
  | "storage";

/**
 * A resource, as declared or destroyed.
 *
 * @example Declare a resource with its state
 * ```ts
 * import { definePlatform, protoFile, type ResourceSpec } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { pid: { type: "int64", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ pid: number }>("demo.Deployment");
 * const process = (pid: number): ResourceSpec => ({
 *   name: "web",
 *   type: "process",
 *   state: { pid },
 * });
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy(ctx) {
 *     ctx.resources.declare(process(4242));
 *     return Deployment.create({ pid: 4242 });
 *   },
 *   destroy(ctx) {
 *     ctx.resources.destroy(process(ctx.deployment.pid));
 *   },
 * });
 * ```
 */
export interface ResourceSpec {
  /** A name unique within the deployment, e.g. `web`. */
  name: string;
  /** What kind of thing it is, e.g. `process`, `container`. */
  type?: string;
  /** The platform it lives on, e.g. `local`. */
  platform?: string;
  /** How Waypoint groups it. Default: `unknown`. */
  category?: ResourceCategory;
  /** Its state: a protobuf message (kept as an Any and as JSON) or a plain JSON value. */
  state?: object;
}

/**
 * `ctx.resources` in deploy, release and destroy.
 *
 * @example Record resources in a test
 * ```ts
 * import assert from "node:assert";
 * import type { Resources, ResourceSpec } from "@x/waypoint-plugin";
 * const declared: ResourceSpec[] = [];
 * const resources: Resources = { declare: (r) => void declared.push(r), destroy: () => {} };
 * resources.declare({ name: "web", type: "process" });
 * assert.equal(declared[0].name, "web");
 * ```
 */
export interface Resources {
  /** Records a resource the operation created or manages. */
  declare(resource: ResourceSpec): void;
  /** Records a resource the operation removed. */
  destroy(resource: ResourceSpec): void;
}
