/** `hashicorp.waypoint.sdk.Builder`, served from a {@linkcode Builder} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Builder } from "../../components/builder.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { encodeResult, LIFECYCLE_ARGS } from "../operation.ts";
import { authHandlers, configHandlers, operation, type ServiceEnv } from "./common.ts";

/** Handlers of the Builder service; the rest answer UNIMPLEMENTED. */
export function builderHandlers(
  builder: Builder,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = builder.definition;
  const output = def.output as MessageType<object> | undefined;
  const respond = (name: string) => (value: unknown) => ({
    ...encodeResult(value, output, name),
    labels: {},
  });
  return {
    ...configHandlers(env.runtime),
    ...authHandlers(env, def.auth as never),
    ...operation(
      env,
      "Build",
      { name: "build", args: LIFECYCLE_ARGS },
      def.build,
      respond("build"),
    ),
    ...(def.buildODR
      ? operation(
        env,
        "BuildODR",
        { name: "buildODR", args: LIFECYCLE_ARGS },
        def.buildODR,
        respond("buildODR"),
        "BuildSpecODR",
      )
      : {}),
  };
}
