/** A `StatusReport` response read back as the toolkit's {@linkcode StatusReport}. */
import { ResourceCategoryDisplayHint, StatusReport_Health } from "../gen/wire.ts";
import type { Health, StatusReport, StatusResource } from "../components/status.ts";
import type { ResourceCategory } from "../components/resources.ts";

/** The name of an enum value, as the toolkit spells it: `INSTANCE_MANAGER` → `instance-manager`. */
function enumName(values: Record<string, number>, n: unknown): string {
  const name = Object.entries(values).find(([, v]) => v === n)?.[0] ?? "UNKNOWN";
  return name.toLowerCase().replaceAll("_", "-");
}

function timestamp(t: unknown): Date | undefined {
  const ts = t as { seconds?: number; nanos?: number } | null | undefined;
  return ts ? new Date((ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)) : undefined;
}

/** A `StatusReport` response as the toolkit's {@linkcode StatusReport}. */
export function statusReport(r: Record<string, unknown>): StatusReport {
  const resources = (r.resources as Record<string, unknown>[] | undefined ?? []).map(
    (res): StatusResource => ({
      name: res.name as string,
      health: enumName(StatusReport_Health, res.health) as Health,
      healthMessage: res.healthMessage as string,
      id: res.id as string,
      parentResourceId: res.parentResourceId as string,
      platform: res.platform as string,
      type: res.type as string,
      platformUrl: res.platformUrl as string,
      category: enumName(ResourceCategoryDisplayHint, res.categoryDisplayHint) as ResourceCategory,
      createdTime: timestamp(res.createdTime),
      state: res.stateJson ? JSON.parse(res.stateJson as string) : undefined,
      declaredResource: (res.declaredResource as { name?: string } | null)?.name || undefined,
    }),
  );
  return {
    health: enumName(StatusReport_Health, r.health) as Health,
    healthMessage: r.healthMessage as string,
    resources,
    external: r.external as boolean,
    generatedTime: timestamp(r.generatedTime),
  };
}
