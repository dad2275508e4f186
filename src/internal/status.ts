/** A status report as the author writes it, as the wire message the host reads. */
import type { StatusReport as PublicStatus } from "../components/status.ts";
import type { StatusReport } from "../gen/wire.ts";
import { CATEGORIES } from "./resources.ts";

const HEALTH = { unknown: 0, alive: 1, ready: 2, down: 3, partial: 4, missing: 5 } as const;

function timestamp(d: Date | undefined): { seconds: number; nanos: number } | undefined {
  if (!d) return undefined;
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function health(h: string, where: string): number {
  const v = HEALTH[h as keyof typeof HEALTH];
  if (v === undefined) {
    throw new TypeError(
      `${where} has the health "${h}": use one of ${Object.keys(HEALTH).join(", ")}`,
    );
  }
  return v;
}

/** A status report as the author writes it → the wire message. */
export function statusToWire(r: PublicStatus, operation: string): StatusReport {
  if (!r || typeof r !== "object") {
    throw new TypeError(`${operation} must return a status report, e.g. { health: "ready" }`);
  }
  return {
    health: health(r.health, `The report of ${operation}`),
    healthMessage: r.healthMessage ?? "",
    external: !!r.external,
    generatedTime: timestamp(r.generatedTime ?? new Date()),
    resources: (r.resources ?? []).map((res) => ({
      name: res.name,
      health: health(res.health, `Resource "${res.name}" in ${operation}`),
      healthMessage: res.healthMessage ?? "",
      id: res.id ?? "",
      parentResourceId: res.parentResourceId ?? "",
      platform: res.platform ?? "",
      type: res.type ?? "",
      platformUrl: res.platformUrl ?? "",
      categoryDisplayHint: CATEGORIES[res.category ?? "unknown"] ?? 0,
      createdTime: timestamp(res.createdTime),
      stateJson: res.state === undefined ? "" : JSON.stringify(res.state),
      declaredResource: res.declaredResource ? { name: res.declaredResource } : undefined,
    })),
  };
}
