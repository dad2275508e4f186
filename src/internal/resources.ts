/** Collects the resources an operation declares or destroys, for the response. */
import type { Resources, ResourceSpec } from "../components/resources.ts";
import type { DeclaredResource, DestroyedResource } from "../gen/wire.ts";
import { messageTypeOf } from "../proto/runtime.ts";

/** Waypoint's ResourceCategoryDisplayHint values, by the names authors use. */
export const CATEGORIES = {
  unknown: 0,
  other: 1,
  instance: 2,
  "instance-manager": 3,
  router: 4,
  policy: 5,
  config: 6,
  function: 7,
  storage: 8,
} as const;

function state(
  r: ResourceSpec,
): { state?: { typeUrl: string; value: Uint8Array }; stateJson: string } {
  if (r.state === undefined) return { stateJson: "" };
  const type = messageTypeOf(r.state);
  if (type) {
    return {
      state: { typeUrl: type.typeUrl, value: type.encode(r.state) },
      stateJson: JSON.stringify(type.toJson(r.state)),
    };
  }
  return { stateJson: JSON.stringify(r.state) };
}

/** The tracker behind `ctx.resources`. */
export class ResourceTracker implements Resources {
  readonly declared: DeclaredResource[] = [];
  readonly destroyed: DestroyedResource[] = [];

  declare(r: ResourceSpec): void {
    check(r);
    this.declared.push({
      name: r.name,
      type: r.type ?? "",
      platform: r.platform ?? "",
      categoryDisplayHint: CATEGORIES[r.category ?? "unknown"],
      ...state(r),
    });
  }

  destroy(r: ResourceSpec): void {
    check(r);
    this.destroyed.push({
      name: r.name,
      type: r.type ?? "",
      platform: r.platform ?? "",
      ...state(r),
    });
  }
}

function check(r: ResourceSpec): void {
  if (!r || typeof r.name !== "string" || r.name === "") {
    throw new TypeError('a resource needs a non-empty name, e.g. { name: "web", type: "process" }');
  }
  if (r.category !== undefined && !(r.category in CATEGORIES)) {
    throw new TypeError(
      `resource "${r.name}" has the category "${r.category}": use one of ${
        Object.keys(CATEGORIES).join(", ")
      }`,
    );
  }
}
