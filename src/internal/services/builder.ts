/** `hashicorp.waypoint.sdk.Builder`, served from a {@linkcode Builder} definition. */
import type { Builder } from "../../components/builder.ts";
import type { Build_Resp } from "../../gen/wire.ts";
import { LIFECYCLE_ARGS, type NamedArgKey } from "../args.ts";
import type { Input } from "../operation.ts";
import { encodeResult } from "../result.ts";
import {
  AUTH_CAPABILITY,
  AUTH_OPERATIONS,
  type ComponentService,
  type OperationDef,
} from "./service.ts";

type Definition = Builder["definition"];

/**
 * What Waypoint knows of the registry, when the builder declares it wants
 * that. A FuncSpec has no optional arguments (neither has argmapper), so a
 * value the host may not have is only asked for when the author asked for it.
 * `accessInfo: true`: core's named Any `access_info`, whatever the
 * registry's type (a Go builder can only ask by type); a type: a typed
 * argument, as a Go builder's `ai *docker.AccessInfo`.
 */
function named(def: Definition): NamedArgKey[] {
  return [
    ...(def.hasRegistry ? ["hasRegistry" as const] : []),
    ...(def.accessInfo === true ? ["accessInfo" as const] : []),
  ];
}

function inputs(def: Definition): Input[] {
  const a = def.accessInfo;
  return a === undefined || a === true ? [] : [{ key: "accessInfo", type: a }];
}

function build(
  rpc: string,
  name: "build" | "buildODR",
  spec?: string,
): OperationDef<Definition> {
  return {
    rpc,
    spec,
    name,
    args: LIFECYCLE_ARGS,
    inputs,
    named,
    fn: (def) => def[name],
    respond: (value, _ctx, def): Build_Resp => {
      const { result, resultJson, templateData } = encodeResult(
        value,
        def.output,
        name,
        def.templateData,
      );
      return { result, resultJson, templateData, labels: {} };
    },
  };
}

/** The Builder service: build, the on-demand runner's build, auth. */
export const BUILDER_SERVICE: ComponentService<Definition> = {
  key: "builder",
  capabilities: AUTH_CAPABILITY,
  operations: [
    ...AUTH_OPERATIONS,
    build("Build", "build"),
    build("BuildODR", "buildODR", "BuildSpecODR"),
  ],
};
