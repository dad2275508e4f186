/**
 * A small resource manager, in the spirit of the Go SDK's
 * `framework/resource`: declare the resources a deployment is made of once,
 * then create them in order (rolling back on failure), destroy them in
 * reverse, and report their status — with `ctx.resources` kept up to date.
 *
 * @module
 */
import type { ResourceCategory, Resources } from "./resources.ts";
import type { Health, StatusResource } from "./status.ts";

/**
 * One kind of resource: how to create, destroy and check it. `S` is its JSON state.
 *
 * @example One resource: a directory
 * ```ts
 * import { defineResources, type ResourceDefinition } from "@x/waypoint-plugin";
 * const directory: ResourceDefinition<{ id: string }, { path: string }> = {
 *   type: "directory",
 *   platform: "local",
 *   category: "storage",
 *   create: async (ctx) => {
 *     const path = await Deno.makeTempDir({ prefix: `deploy-${ctx.id}-` });
 *     return { path };
 *   },
 *   destroy: (_ctx, state) => Deno.remove(state.path, { recursive: true }),
 *   status: async (_ctx, state) =>
 *     (await Deno.stat(state.path).then(() => true, () => false))
 *       ? { health: "ready" }
 *       : { health: "missing", message: `${state.path} is gone` },
 * };
 * defineResources<{ id: string }>()({ directory });
 * ```
 */
export interface ResourceDefinition<C, S> {
  /** What kind of thing it is, e.g. `container`. */
  type?: string;
  /** The platform it lives on. */
  platform?: string;
  /** How Waypoint groups it. */
  category?: ResourceCategory;
  /** Creates it; returns its state (kept in the deployment, passed to destroy and status). */
  create(ctx: C): S | Promise<S>;
  /** Removes it. */
  destroy?(ctx: C, state: S): void | Promise<void>;
  /** Reports its health. Default: `unknown`. */
  status?(
    ctx: C,
    state: S,
  ): { health: Health; message?: string } | Promise<{ health: Health; message?: string }>;
}

/**
 * The states of every resource, by name (a resource not created has none).
 *
 * @example Keep the states in the deployment
 * ```ts
 * import assert from "node:assert";
 * import { defineResources, type ResourceStates } from "@x/waypoint-plugin";
 * type States = { directory: { path: string }; process: { pid: number } };
 * const resources = defineResources<unknown>()<States>({
 *   directory: { create: () => ({ path: "/srv/app" }) },
 *   process: { create: () => ({ pid: 42 }) },
 * });
 * // What a deployment message would carry as JSON: a partly created deployment has fewer keys.
 * const saved: ResourceStates<States> = { directory: { path: "/srv/app" } };
 * const report = await resources.statusAll({}, saved);
 * assert.deepEqual(report.map((r) => [r.name, r.health]), [["directory", "unknown"], [
 *   "process",
 *   "missing",
 * ]]);
 * ```
 */
export type ResourceStates<S> = Partial<S>;

/**
 * What {@linkcode defineResources} returns.
 *
 * @example Create, check and destroy in order
 * ```ts
 * import assert from "node:assert";
 * import { defineResources, type ResourceManager, type ResourceSpec } from "@x/waypoint-plugin";
 * const log: string[] = [];
 * const manager: ResourceManager<unknown, { network: string; container: string }> =
 *   defineResources<unknown>()({
 *     network: { create: () => "net-1", destroy: () => void log.push("network removed") },
 *     container: { create: () => "ctr-1", destroy: () => void log.push("container removed") },
 *   });
 * const recorded: ResourceSpec[] = [];
 * const resources = {
 *   declare: (r: ResourceSpec) => recorded.push(r),
 *   destroy: (r: ResourceSpec) => recorded.push(r),
 * };
 * const states = await manager.createAll({ resources });
 * assert.deepEqual(states, { network: "net-1", container: "ctr-1" });
 * await manager.destroyAll({ resources }, states);
 * assert.deepEqual(log, ["container removed", "network removed"]); // reverse order
 * ```
 */
export interface ResourceManager<C, S> {
  /**
   * Creates every resource in declaration order and declares each; if one
   * fails, destroys those already made (in reverse) and rethrows.
   */
  createAll(ctx: C & { resources: Resources }): Promise<ResourceStates<S>>;
  /** Destroys every resource that has a state, in reverse order, recording each. */
  destroyAll(ctx: C & { resources: Resources }, states: ResourceStates<S>): Promise<void>;
  /** The status of every resource, for a status report. */
  statusAll(ctx: C, states: ResourceStates<S>): Promise<StatusResource[]>;
}

/**
 * Declares the resources of a deployment.
 *
 * @example A deployment made of a directory and a process
 * ```ts
 * import { defineResources } from "@x/waypoint-plugin";
 * const resources = defineResources<{ id: string }>()({
 *   directory: { type: "directory", create: (ctx) => ({ path: `/srv/${ctx.id}` }) },
 *   process: { type: "process", create: () => ({ pid: 42 }) },
 * });
 * ```
 */
export function defineResources<C>(): <S extends Record<string, unknown>>(
  definitions: { [K in keyof S]: ResourceDefinition<C, S[K]> },
) => ResourceManager<C, S> {
  return <S extends Record<string, unknown>>(
    definitions: { [K in keyof S]: ResourceDefinition<C, S[K]> },
  ): ResourceManager<C, S> => {
    const entries = Object.entries(definitions) as [string, ResourceDefinition<C, unknown>][];
    const spec = (name: string, d: ResourceDefinition<C, unknown>, state?: unknown) => ({
      name,
      type: d.type,
      platform: d.platform,
      category: d.category,
      state: state as object | undefined,
    });
    const destroyAll = async (
      ctx: C & { resources: Resources },
      states: Record<string, unknown>,
    ): Promise<void> => {
      for (const [name, d] of [...entries].reverse()) {
        if (!(name in states)) continue;
        await d.destroy?.(ctx, states[name]);
        ctx.resources.destroy(spec(name, d, states[name]));
      }
    };
    return {
      async createAll(ctx) {
        const states: Record<string, unknown> = {};
        for (const [name, d] of entries) {
          try {
            states[name] = await d.create(ctx);
          } catch (err) {
            await destroyAll(ctx, states).catch(() => {});
            throw new Error(
              `creating resource "${name}" failed: ${
                (err as Error).message
              }; the resources created before it were destroyed`,
              { cause: err },
            );
          }
          ctx.resources.declare(spec(name, d, states[name]));
        }
        return states as ResourceStates<S>;
      },
      destroyAll: (ctx, states) => destroyAll(ctx, states as Record<string, unknown>),
      async statusAll(ctx, states) {
        const out: StatusResource[] = [];
        for (const [name, d] of entries) {
          const state = (states as Record<string, unknown>)[name];
          if (state === undefined) {
            out.push({ name, health: "missing", type: d.type, platform: d.platform });
            continue;
          }
          const s = d.status ? await d.status(ctx, state) : { health: "unknown" as Health };
          out.push({
            name,
            health: s.health,
            healthMessage: s.message,
            type: d.type,
            platform: d.platform,
            category: d.category,
            state,
            declaredResource: name,
          });
        }
        return out;
      },
    };
  };
}
