/** `hashicorp.waypoint.sdk.ReleaseManager`, served from a {@linkcode ReleaseManager} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { ReleaseManager } from "../../components/release_manager.ts";
import type { StatusReport } from "../../components/status.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { encodeResult, LIFECYCLE_ARGS, type RuntimeContext } from "../operation.ts";
import type { TemplateShaper } from "../template_data.ts";
import {
  authHandlers,
  configHandlers,
  implementsHandler,
  operation,
  type ServiceEnv,
  statusToWire,
} from "./common.ts";

/** Declared and destroyed resources: both always set, since the host dereferences them. */
export function destroyResponse(ctx: RuntimeContext): unknown {
  return {
    declaredResources: { resources: ctx.resources.declared },
    destroyedResources: { destroyedResources: ctx.resources.destroyed },
  };
}

/** Handlers of the ReleaseManager service. */
export function releaseManagerHandlers(
  rm: ReleaseManager,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = rm.definition;
  const output = def.output as MessageType<object>;
  const onRelease = [{ key: "release", type: output }];
  const handlers: Record<string, grpc.UntypedHandleCall> = {
    ...configHandlers(env.runtime),
    ...authHandlers(env, def.auth as never),
    ...operation(
      env,
      "Release",
      { name: "release", args: LIFECYCLE_ARGS, inputs: [{ key: "deployment", type: def.input }] },
      def.release,
      (value, ctx) => {
        const { result, templateData } = encodeResult(
          value,
          output,
          "release",
          def.templateData as TemplateShaper | undefined,
        );
        return {
          result,
          templateData,
          release: { url: def.url?.(value as never) ?? "" },
          declaredResources: { resources: ctx.resources.declared },
        };
      },
    ),
    IsDestroyer: implementsHandler(!!def.destroy),
    IsWorkspaceDestroyer: implementsHandler(!!def.destroyWorkspace),
    IsStatus: implementsHandler(!!def.status),
  };
  if (def.destroy) {
    Object.assign(
      handlers,
      operation(
        env,
        "Destroy",
        { name: "destroy", args: LIFECYCLE_ARGS, inputs: onRelease },
        def.destroy,
        (_v, ctx) => destroyResponse(ctx),
      ),
    );
  }
  if (def.destroyWorkspace) {
    Object.assign(
      handlers,
      operation(
        env,
        "DestroyWorkspace",
        { name: "destroyWorkspace", args: LIFECYCLE_ARGS },
        def.destroyWorkspace,
        () => ({}),
      ),
    );
  }
  if (def.status) {
    Object.assign(
      handlers,
      operation(
        env,
        "Status",
        { name: "status", args: LIFECYCLE_ARGS, inputs: onRelease },
        def.status,
        (v) => statusToWire(v as StatusReport, "status"),
      ),
    );
  }
  return handlers;
}
