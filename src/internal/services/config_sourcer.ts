/** `hashicorp.waypoint.sdk.ConfigSourcer`, served from a {@linkcode ConfigSourcer} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { ConfigSourcer, ConfigValue } from "../../components/config_sourcer.ts";
import { Code } from "../../errors.ts";
import { configHandlers, operation, type ServiceEnv } from "./common.ts";

const encoder = new TextEncoder();

function valueToWire(v: ConfigValue): unknown {
  if ("error" in v) {
    return { name: v.name, error: { code: Code.UNKNOWN, message: v.error, details: [] } };
  }
  if ("json" in v) return { name: v.name, json: encoder.encode(JSON.stringify(v.json)) };
  return { name: v.name, value: v.value };
}

/** Handlers of the ConfigSourcer service. */
export function configSourcerHandlers(
  cs: ConfigSourcer,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = cs.definition;
  return {
    ...configHandlers(env.runtime),
    ...operation(
      env,
      "Read",
      { name: "read", args: ["logger"] },
      def.read,
      (values) => ({ values: (values as ConfigValue[]).map(valueToWire) }),
    ),
    ...operation(
      env,
      "Stop",
      { name: "stop", args: ["logger"] },
      def.stop ?? (() => {}),
      () => ({}),
    ),
  };
}
