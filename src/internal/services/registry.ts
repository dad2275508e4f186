/** `hashicorp.waypoint.sdk.Registry`, served from a {@linkcode Registry} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Registry } from "../../components/registry.ts";
import { GoogleProtobuf_Empty as Empty } from "../../gen/wire.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { encodeResult, LIFECYCLE_ARGS } from "../operation.ts";
import type { TemplateShaper } from "../template_data.ts";
import { authHandlers, configHandlers, operation, type ServiceEnv } from "./common.ts";

/** Handlers of the Registry service. */
export function registryHandlers(
  registry: Registry,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = registry.definition;
  const output = def.output as MessageType<object>;
  return {
    ...configHandlers(env.runtime),
    ...authHandlers(env, def.auth as never),
    ...operation(
      env,
      "Push",
      { name: "push", args: LIFECYCLE_ARGS, inputs: [{ key: "artifact", type: def.input }] },
      def.push,
      (value) =>
        encodeResult(value, output, "push", def.templateData as TemplateShaper | undefined),
    ),
    // Waypoint fails a build whose registry has no access info: default to an empty message.
    ...operation(
      env,
      "Access",
      { name: "access", args: LIFECYCLE_ARGS },
      def.access ?? (() => Empty.create()),
      (value) => ({ result: encodeResult(value, undefined, "access").result }),
    ),
  };
}
