/**
 * The operations a platform and a release manager share on what they made
 * (a deployment, a release): destroy it, destroy the workspace's shared
 * part, report its status; and the capability probes that say which exist.
 */
import type { StatusReport } from "../../components/status.ts";
import type { Destroy_Resp } from "../../gen/wire.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { LIFECYCLE_ARGS } from "../args.ts";
import type { AuthorFunction, RuntimeContext } from "../operation.ts";
import { statusToWire } from "../status.ts";
import type { OperationDef } from "./service.ts";

/** What both definitions have for these operations. */
interface TargetDefinition {
  output: MessageType<object>;
  destroy?: AuthorFunction;
  destroyWorkspace?: AuthorFunction;
  status?: AuthorFunction;
}

/** Declared and destroyed resources: both always set, since the host dereferences them. */
export function destroyResponse(ctx: RuntimeContext): Destroy_Resp {
  return {
    declaredResources: { resources: ctx.resources.declared },
    destroyedResources: { destroyedResources: ctx.resources.destroyed },
  };
}

/** `IsDestroyer`, `IsWorkspaceDestroyer`, `IsStatus`. */
export const TARGET_CAPABILITIES: Readonly<Record<string, (def: TargetDefinition) => boolean>> = {
  IsDestroyer: (def) => def.destroy !== undefined,
  IsWorkspaceDestroyer: (def) => def.destroyWorkspace !== undefined,
  IsStatus: (def) => def.status !== undefined,
};

/** Destroy, DestroyWorkspace and Status on `key` (`deployment`, `release`), the definition's output. */
export function targetOperations(key: string): OperationDef<TargetDefinition>[] {
  const target = (def: TargetDefinition) => [{ key, type: def.output }];
  return [
    {
      rpc: "Destroy",
      name: "destroy",
      args: LIFECYCLE_ARGS,
      inputs: target,
      fn: (def) => def.destroy,
      respond: (_value, ctx) => destroyResponse(ctx),
    },
    {
      rpc: "DestroyWorkspace",
      name: "destroyWorkspace",
      args: LIFECYCLE_ARGS,
      fn: (def) => def.destroyWorkspace,
      respond: () => ({}),
    },
    {
      rpc: "Status",
      name: "status",
      args: LIFECYCLE_ARGS,
      inputs: target,
      fn: (def) => def.status,
      respond: (value) => statusToWire(value as StatusReport, "status"),
    },
  ];
}
