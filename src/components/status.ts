/**
 * Status reports: how a deployment or release is doing, for
 * `waypoint status`.
 *
 * @module
 */
import type { ResourceCategory } from "./resources.ts";

/** Health values Waypoint knows. */
export type Health = "unknown" | "alive" | "ready" | "down" | "partial" | "missing";

/** One resource in a status report. */
export interface StatusResource {
  /** Its name. */
  name: string;
  /** Its health. */
  health: Health;
  /** Why, in words. */
  healthMessage?: string;
  /** Its id on the platform. */
  id?: string;
  /** The id of the resource it belongs to. */
  parentResourceId?: string;
  /** The platform, e.g. `local`. */
  platform?: string;
  /** Its kind, e.g. `process`. */
  type?: string;
  /** A link to it in the platform's console. */
  platformUrl?: string;
  /** How Waypoint groups it. */
  category?: ResourceCategory;
  /** When it was created. */
  createdTime?: Date;
  /** Its state, as JSON. */
  state?: unknown;
  /** The name of the declared resource it corresponds to. */
  declaredResource?: string;
}

/** What a status operation returns. */
export interface StatusReport {
  /** Overall health. */
  health: Health;
  /** Why, in words. */
  healthMessage?: string;
  /** The resources checked. */
  resources?: StatusResource[];
  /** Whether the report was made outside Waypoint. Default: `false`. */
  external?: boolean;
  /** When it was made. Default: now. */
  generatedTime?: Date;
}
