/**
 * Resources a deploy or release creates and a destroy removes. Waypoint
 * shows them to the user and keeps them with the deployment.
 *
 * @module
 */

/** How Waypoint groups a resource in its UI. */
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

/** A resource, as declared or destroyed. */
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

/** `ctx.resources` in deploy, release and destroy. */
export interface Resources {
  /** Records a resource the operation created or manages. */
  declare(resource: ResourceSpec): void;
  /** Records a resource the operation removed. */
  destroy(resource: ResourceSpec): void;
}
