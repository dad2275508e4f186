/** `hashicorp.waypoint.sdk.ReleaseManager`, served from a {@linkcode ReleaseManager} definition. */
import type { ReleaseManager } from "../../components/release_manager.ts";
import type { Release_Resp } from "../../gen/wire.ts";
import { LIFECYCLE_ARGS } from "../args.ts";
import { encodeResult } from "../result.ts";
import { AUTH_CAPABILITY, AUTH_OPERATIONS, type ComponentService } from "./service.ts";
import { TARGET_CAPABILITIES, targetOperations } from "./target_operations.ts";

type Definition = ReleaseManager["definition"];

/** The ReleaseManager service: release, and what a release manager may do to its releases. */
export const RELEASE_MANAGER_SERVICE: ComponentService<Definition> = {
  key: "releaseManager",
  capabilities: { ...AUTH_CAPABILITY, ...TARGET_CAPABILITIES },
  operations: [
    ...AUTH_OPERATIONS,
    {
      rpc: "Release",
      name: "release",
      args: LIFECYCLE_ARGS,
      inputs: (def) => [{ key: "deployment", type: def.input }],
      fn: (def) => def.release,
      respond: (value, ctx, def): Release_Resp => {
        const { result, templateData, message } = encodeResult(
          value,
          def.output,
          "release",
          def.templateData,
        );
        return {
          result,
          templateData,
          release: { url: def.url?.(message) ?? "" },
          declaredResources: { resources: ctx.resources.declared },
        };
      },
    },
    ...targetOperations("release"),
  ],
};
