/** `hashicorp.waypoint.sdk.Registry`, served from a {@linkcode Registry} definition. */
import type { Registry } from "../../components/registry.ts";
import { type Access_Resp, GoogleProtobuf_Empty as Empty, type Push_Resp } from "../../gen/wire.ts";
import { LIFECYCLE_ARGS } from "../args.ts";
import { encodeResult } from "../result.ts";
import { AUTH_CAPABILITY, AUTH_OPERATIONS, type ComponentService } from "./service.ts";

type Definition = Registry["definition"];

/** The Registry service: push, access info, auth. */
export const REGISTRY_SERVICE: ComponentService<Definition> = {
  key: "registry",
  capabilities: AUTH_CAPABILITY,
  operations: [
    ...AUTH_OPERATIONS,
    {
      rpc: "Push",
      name: "push",
      args: LIFECYCLE_ARGS,
      inputs: (def) => [{ key: "artifact", type: def.input }],
      fn: (def) => def.push,
      respond: (value, _ctx, def): Push_Resp => {
        const { result, resultJson, templateData } = encodeResult(
          value,
          def.output,
          "push",
          def.templateData,
        );
        return { result, resultJson, templateData };
      },
    },
    {
      rpc: "Access",
      name: "access",
      args: LIFECYCLE_ARGS,
      // Waypoint fails a build whose registry has no access info: default to an empty message.
      fn: (def) => def.access ?? (() => Empty.create()),
      respond: (value): Access_Resp => ({
        result: encodeResult(value, undefined, "access").result,
      }),
    },
  ],
};
