/**
 * Status reports: how a deployment or release is doing, for
 * `waypoint status`.
 *
 * @module
 */
import type { ResourceCategory } from "./resources.ts";

/**
 * Health values Waypoint knows.
 *
 * @example Map a process check to a health
 * ```ts
 * import assert from "node:assert";
 * import type { Health } from "@x/waypoint-plugin";
 * const health = (running: number, wanted: number): Health =>
 *   running === 0 ? "down" : running < wanted ? "partial" : "ready";
 * assert.equal(health(1, 2), "partial");
 * ```
 */
export type Health = "unknown" | "alive" | "ready" | "down" | "partial" | "missing";

/**
 * One resource in a status report.
 *
 * @example One resource of a status report
 * ```ts
 * import assert from "node:assert";
 * import type { StatusResource } from "@x/waypoint-plugin";
 * const web: StatusResource = {
 *   name: "web",
 *   health: "ready",
 *   healthMessage: "answering on :8080",
 *   type: "process",
 *   platform: "local",
 *   category: "instance",
 *   state: { pid: 4242 },
 *   declaredResource: "web",
 * };
 * assert.equal(web.health, "ready");
 * ```
 */
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

/**
 * What a status operation returns.
 *
 * @example Report a deployment's health
 * ```ts
 * import { definePlatform, protoFile, type StatusReport } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { url: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ url: string }>("demo.Deployment");
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ url: "http://localhost:8080" }),
 *   async status(ctx): Promise<StatusReport> {
 *     const up = await fetch(ctx.deployment.url, { signal: ctx.signal }).then(
 *       (r) => r.ok,
 *       () => false,
 *     );
 *     return {
 *       health: up ? "ready" : "down",
 *       healthMessage: up ? "answering" : `${ctx.deployment.url} does not answer`,
 *       resources: [{ name: "web", health: up ? "ready" : "down" }],
 *     };
 *   },
 * });
 * ```
 */
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
