/** `hashicorp.waypoint.sdk.Platform`, served from a {@linkcode Platform} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Platform } from "../../components/platform.ts";
import { componentKind } from "../../components/kinds.ts";
import type {
  DefaultReleaser_Resp,
  Deploy_Resp,
  ExecResult,
  Generation_Resp,
} from "../../gen/wire.ts";
import { ComponentRuntime } from "../component_runtime.ts";
import { LIFECYCLE_ARGS } from "../args.ts";
import { addService } from "../grpc.ts";
import { encodeResult } from "../result.ts";
import { RELEASE_MANAGER_SERVICE } from "./release_manager.ts";
import {
  AUTH_CAPABILITY,
  AUTH_OPERATIONS,
  type ComponentService,
  type ServiceEnv,
  serviceHandlers,
} from "./service.ts";
import { TARGET_CAPABILITIES, targetOperations } from "./target_operations.ts";

type Definition = Platform["definition"];

const encoder = new TextEncoder();

/**
 * Serves the platform's default release manager on a new plugin-side
 * broker id: the host dials it and drives a ReleaseManager on it directly
 * (no probes, no Configure).
 */
function defaultReleaser(def: Definition, env: ServiceEnv): (() => Promise<number>) | undefined {
  const rm = def.defaultReleaser;
  if (!rm) return undefined;
  const kind = componentKind("releasemanager");
  return () => {
    const runtime = new ComponentRuntime({
      kind: kind.kind,
      definition: rm.definition,
      logger: env.runtime.logger.named("releaser"),
      pluginName: env.runtime.pluginName,
      mappers: env.runtime.mappers,
      secrets: env.secrets,
    });
    const handlers = serviceHandlers(RELEASE_MANAGER_SERVICE, rm.definition, { ...env, runtime });
    return env.broker.serve((server: grpc.Server) =>
      addService(server, `hashicorp.waypoint.sdk.${kind.service}`, handlers, {
        secrets: env.secrets,
        unimplemented: kind.notImplemented,
      })
    );
  };
}

/** The Platform service: deploy and what a platform may do to its deployments. */
export const PLATFORM_SERVICE: ComponentService<Definition> = {
  key: "platform",
  capabilities: {
    ...AUTH_CAPABILITY,
    ...TARGET_CAPABILITIES,
    IsExecer: (def) => def.exec !== undefined,
    IsLogPlatform: (def) => def.logs !== undefined,
    IsGeneration: (def) => def.generation !== undefined,
  },
  operations: [
    ...AUTH_OPERATIONS,
    {
      rpc: "Deploy",
      name: "deploy",
      args: [...LIFECYCLE_ARGS, "deploymentConfig"],
      inputs: (def) => [{ key: "artifact", type: def.input }],
      fn: (def) => def.deploy,
      respond: (value, ctx, def): Deploy_Resp => {
        const { result, resultJson, templateData, message } = encodeResult(
          value,
          def.output,
          "deploy",
          def.templateData,
        );
        return {
          result,
          resultJson,
          templateData,
          deployment: { url: def.url?.(message) ?? "" },
          declaredResources: { resources: ctx.resources.declared },
        };
      },
    },
    ...targetOperations("deployment"),
    {
      rpc: "Exec",
      name: "exec",
      args: [...LIFECYCLE_ARGS, "exec"],
      inputs: (def) => [{ key: "deployment", type: def.output }],
      fn: (def) => def.exec,
      respond: (code): ExecResult => ({ exitCode: typeof code === "number" ? code : 0 }),
    },
    {
      rpc: "Logs",
      name: "logs",
      args: [...LIFECYCLE_ARGS, "logs"],
      inputs: (def) => [{ key: "deployment", type: def.output }],
      fn: (def) => def.logs,
      respond: () => ({}),
    },
    {
      rpc: "Generation",
      name: "generation",
      args: LIFECYCLE_ARGS,
      inputs: (def) => [{ key: "artifact", type: def.input }],
      fn: (def) => def.generation,
      respond: (id): Generation_Resp => ({
        id: typeof id === "string" ? encoder.encode(id) : id as Uint8Array,
      }),
    },
    {
      rpc: "DefaultReleaser",
      name: "defaultReleaser",
      args: [],
      fn: defaultReleaser,
      respond: (id): DefaultReleaser_Resp => ({ streamId: id as number }),
    },
  ],
};
