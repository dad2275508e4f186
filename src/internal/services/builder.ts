/** `hashicorp.waypoint.sdk.Builder`, served from a {@linkcode Builder} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Builder } from "../../components/builder.ts";
import type { Config_ConfigureRequest } from "../../gen/wire.ts";
import type { MessageType } from "../../proto/runtime.ts";
import type { Broker } from "../broker.ts";
import type { ComponentRuntime } from "../component_runtime.ts";
import { unary } from "../grpc.ts";
import {
  encodeResult,
  funcSpec,
  LIFECYCLE_ARGS,
  type OperationSpec,
  runOperation,
} from "../operation.ts";

const BUILD: OperationSpec = { name: "build", args: LIFECYCLE_ARGS };

/** Handlers of the Builder service; the rest answer UNIMPLEMENTED. */
export function builderHandlers(
  builder: Builder,
  runtime: ComponentRuntime,
  broker: Broker,
): Record<string, grpc.UntypedHandleCall> {
  const def = builder.definition;
  return {
    IsAuthenticator: unary(() => ({ implements: false })),
    ConfigStruct: unary(() => runtime.configStruct()),
    Configure: unary((req) => runtime.configure(req as Config_ConfigureRequest).then(() => ({}))),
    Documentation: unary(() => runtime.documentation()),
    BuildSpec: unary(() => funcSpec(BUILD)),
    Build: unary(async (_req, call) => {
      const env = { broker, logger: runtime.logger, config: runtime.config };
      const value = await runOperation(call, BUILD, env, (ctx) => def.build(ctx as never));
      const encoded = encodeResult(value, def.output as MessageType<object> | undefined, "build");
      return { ...encoded, labels: {} };
    }),
  };
}
