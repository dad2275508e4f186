/** `hashicorp.waypoint.sdk.Platform`, served from a {@linkcode Platform} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Platform } from "../../components/platform.ts";
import type { StatusReport } from "../../components/status.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { ComponentRuntime } from "../component_runtime.ts";
import { addService } from "../grpc.ts";
import { encodeResult, LIFECYCLE_ARGS } from "../operation.ts";
import type { TemplateShaper } from "../template_data.ts";
import {
  authHandlers,
  configHandlers,
  implementsHandler,
  operation,
  type ServiceEnv,
  statusToWire,
} from "./common.ts";
import { destroyResponse, releaseManagerHandlers } from "./release_manager.ts";
import { NOT_IMPLEMENTED } from "./defaults.ts";

const encoder = new TextEncoder();

/** Handlers of the Platform service. */
export function platformHandlers(
  platform: Platform,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = platform.definition;
  const output = def.output as MessageType<object>;
  const artifact = [{ key: "artifact", type: def.input }];
  const deployment = [{ key: "deployment", type: output }];
  const handlers: Record<string, grpc.UntypedHandleCall> = {
    ...configHandlers(env.runtime),
    ...authHandlers(env, def.auth as never),
    ...operation(
      env,
      "Deploy",
      { name: "deploy", args: [...LIFECYCLE_ARGS, "deploymentConfig"], inputs: artifact },
      def.deploy,
      (value, ctx) => ({
        ...encodeResult(value, output, "deploy", def.templateData as TemplateShaper | undefined),
        deployment: { url: def.url?.(value as never) ?? "" },
        declaredResources: { resources: ctx.resources.declared },
      }),
    ),
    IsDestroyer: implementsHandler(!!def.destroy),
    IsWorkspaceDestroyer: implementsHandler(!!def.destroyWorkspace),
    IsExecer: implementsHandler(!!def.exec),
    IsLogPlatform: implementsHandler(!!def.logs),
    IsGeneration: implementsHandler(!!def.generation),
    IsStatus: implementsHandler(!!def.status),
  };
  const optional = (cond: unknown, h: () => Record<string, grpc.UntypedHandleCall>) => {
    if (cond) Object.assign(handlers, h());
  };
  optional(def.destroy, () =>
    operation(
      env,
      "Destroy",
      { name: "destroy", args: LIFECYCLE_ARGS, inputs: deployment },
      def.destroy!,
      (_v, ctx) => destroyResponse(ctx),
    ));
  optional(def.destroyWorkspace, () =>
    operation(
      env,
      "DestroyWorkspace",
      { name: "destroyWorkspace", args: LIFECYCLE_ARGS },
      def.destroyWorkspace!,
      () => ({}),
    ));
  optional(def.status, () =>
    operation(
      env,
      "Status",
      { name: "status", args: LIFECYCLE_ARGS, inputs: deployment },
      def.status!,
      (v) => statusToWire(v as StatusReport, "status"),
    ));
  optional(def.exec, () =>
    operation(
      env,
      "Exec",
      { name: "exec", args: [...LIFECYCLE_ARGS, "exec"], inputs: deployment },
      def.exec!,
      (code) => ({ exitCode: typeof code === "number" ? code : 0 }),
    ));
  optional(def.logs, () =>
    operation(
      env,
      "Logs",
      { name: "logs", args: [...LIFECYCLE_ARGS, "logViewer"], inputs: deployment },
      (ctx) => def.logs!({ ...ctx, logs: ctx.logViewer }),
      () => ({}),
    ));
  optional(def.generation, () =>
    operation(
      env,
      "Generation",
      { name: "generation", args: LIFECYCLE_ARGS, inputs: artifact },
      def.generation!,
      (id) => ({ id: typeof id === "string" ? encoder.encode(id) : id }),
    ));
  optional(def.defaultReleaser, () => {
    const rm = def.defaultReleaser!;
    return operation(
      env,
      "DefaultReleaser",
      { name: "defaultReleaser", args: [] },
      async () => {
        // The host dials this id and drives a ReleaseManager on it directly (no probes, no Configure).
        const runtime = new ComponentRuntime(
          "releasemanager",
          rm.definition as never,
          env.runtime.logger.named("releaser"),
          env.runtime.pluginName,
          env.runtime.mappers,
        );
        return await env.broker.serve((server: grpc.Server) => {
          addService(
            server,
            "hashicorp.waypoint.sdk.ReleaseManager",
            releaseManagerHandlers(rm, { broker: env.broker, runtime }),
            NOT_IMPLEMENTED.ReleaseManager,
          );
        });
      },
      (id) => ({ streamId: id }),
    );
  });
  return handlers;
}
