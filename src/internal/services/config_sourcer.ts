/** `hashicorp.waypoint.sdk.ConfigSourcer`, served from a {@linkcode ConfigSourcer} definition. */
import type { ConfigSourcer, ConfigValue } from "../../components/config_sourcer.ts";
import { Code } from "../../errors.ts";
import type { ConfigSource_ReadResponse, ConfigSource_Value } from "../../gen/wire.ts";
import type { ComponentService } from "./service.ts";

type Definition = ConfigSourcer["definition"];

const encoder = new TextEncoder();

function valueToWire(v: ConfigValue): ConfigSource_Value {
  if ("error" in v) {
    return { name: v.name, error: { code: Code.UNKNOWN, message: v.error, details: [] } };
  }
  if ("json" in v) return { name: v.name, json: encoder.encode(JSON.stringify(v.json)) };
  return { name: v.name, value: v.value };
}

/** The ConfigSourcer service: read and stop, with only a logger from the host. */
export const CONFIG_SOURCER_SERVICE: ComponentService<Definition> = {
  key: "configSourcer",
  capabilities: {},
  operations: [
    {
      rpc: "Read",
      name: "read",
      args: ["logger"],
      fn: (def) => def.read,
      respond: (values): ConfigSource_ReadResponse => ({
        values: (values as ConfigValue[]).map(valueToWire),
      }),
    },
    {
      rpc: "Stop",
      name: "stop",
      args: ["logger"],
      fn: (def) => def.stop ?? (() => {}),
      respond: () => ({}),
    },
  ],
};
