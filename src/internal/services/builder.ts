/** `hashicorp.waypoint.sdk.Builder`, served from a {@linkcode Builder} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { Builder } from "../../components/builder.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { encodeResult, LIFECYCLE_ARGS, type NamedArg, type OperationSpec } from "../operation.ts";
import type { TemplateShaper } from "../template_data.ts";
import { authHandlers, configHandlers, operation, type ServiceEnv } from "./common.ts";

/**
 * What a build asks for: the lifecycle arguments, plus what Waypoint knows of
 * the registry when the builder declares it wants that. A FuncSpec has no
 * optional arguments (neither has argmapper), so a value the host may not
 * have is only asked for when the author asked for it.
 */
function buildSpec(builder: Builder, name: string): OperationSpec {
  const { accessInfo, hasRegistry } = builder.definition;
  const named: NamedArg[] = [];
  if (hasRegistry) named.push({ key: "hasRegistry", name: "hasregistry", kind: "bool" });
  // `true`: core's named Any "access_info", whatever the registry's type (a Go builder can
  // only ask by type); a type: a typed argument, as a Go builder's `ai *docker.AccessInfo`.
  if (accessInfo === true) named.push({ key: "accessInfo", name: "access_info", kind: "any" });
  return {
    name,
    args: LIFECYCLE_ARGS,
    inputs: accessInfo === undefined || accessInfo === true
      ? []
      : [{ key: "accessInfo", type: accessInfo }],
    named,
  };
}

/** Handlers of the Builder service; the rest answer UNIMPLEMENTED. */
export function builderHandlers(
  builder: Builder,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = builder.definition;
  const output = def.output as MessageType<object> | undefined;
  const shape = def.templateData as TemplateShaper | undefined;
  const respond = (name: string) => (value: unknown) => ({
    ...encodeResult(value, output, name, shape),
    labels: {},
  });
  return {
    ...configHandlers(env.runtime),
    ...authHandlers(env, def.auth as never),
    ...operation(env, "Build", buildSpec(builder, "build"), def.build, respond("build")),
    ...(def.buildODR
      ? operation(
        env,
        "BuildODR",
        buildSpec(builder, "buildODR"),
        def.buildODR,
        respond("buildODR"),
        "BuildSpecODR",
      )
      : {}),
  };
}
