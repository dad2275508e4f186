/**
 * A component service described as data: its operations (RPC names, the
 * arguments each takes, the author's function, how its value becomes the
 * response) and its capability probes. {@linkcode serviceHandlers} turns a
 * description and a definition into the service's handlers; a component
 * the plugin lacks gets {@linkcode absentHandlers}.
 */
import type { AuthDefinition } from "../../components/component.ts";
import type { ComponentKey } from "../../components/kinds.ts";
import type { Config_ConfigureRequest } from "../../gen/wire.ts";
import { LIFECYCLE_ARGS, type NamedArgKey, type StandardArgKey } from "../args.ts";
import type { Broker } from "../broker.ts";
import type { ComponentRuntime } from "../component_runtime.ts";
import type { Credentials } from "../credentials.ts";
import { type Handlers, methodNames, unary } from "../grpc.ts";
import type { Inflight } from "../inflight.ts";
import {
  type AuthorFunction,
  funcSpec,
  type Input,
  type OperationSpec,
  runOperation,
  type RuntimeContext,
} from "../operation.ts";
import type { Secrets } from "../secrets.ts";
import { warmOperationPath } from "../warm.ts";

/** What a component's handlers run against: the server's broker, secrets, operations in flight. */
export interface ServiceEnv {
  broker: Broker;
  runtime: ComponentRuntime;
  secrets: Secrets;
  inflight: Inflight;
  credentials: Credentials;
}

/** One operation of a service over definition `D`: a `<spec>` and `<rpc>` pair. */
export interface OperationDef<D> {
  /** The call, e.g. `Build`. */
  rpc: string;
  /** The FuncSpec call. Default: `<rpc>Spec`. */
  spec?: string;
  /** The FuncSpec's name, shown by the host ("Plugin function: …"). */
  name: string;
  /** The standard arguments, by context key. */
  args: readonly StandardArgKey[];
  /** The typed inputs the definition declares. */
  inputs?(def: D): readonly Input[];
  /** The named values the definition asks for. */
  named?(def: D): readonly NamedArgKey[];
  /** The author's function, or `undefined` when the definition has none (the RPCs are then unimplemented). */
  fn(def: D, env: ServiceEnv): AuthorFunction | undefined;
  /** The response, from the function's value and its context. */
  respond(value: unknown, ctx: RuntimeContext, def: D): object;
}

/** A component service: its kind, capability probes and operations. */
export interface ComponentService<D> {
  /** The component's key in `serve({ … })`. */
  key: ComponentKey;
  /** `Is<Name>` probes: whether the definition has the optional function. */
  capabilities: Readonly<Record<string, (def: D) => boolean>>;
  /** The operations, the optional ones included. */
  operations: readonly OperationDef<D>[];
}

/** ConfigStruct, Configure, Documentation. */
function configHandlers(runtime: ComponentRuntime): Handlers {
  return {
    ConfigStruct: unary(() => runtime.configStruct()),
    Configure: unary((req) =>
      runtime.configure(req as Config_ConfigureRequest).then(() => {
        warmOperationPath();
        return {};
      })
    ),
    Documentation: unary(() => runtime.documentation()),
  };
}

/** The handlers of `service` for the component defined by `def`. */
export function serviceHandlers<D>(
  service: ComponentService<D>,
  def: D,
  env: ServiceEnv,
): Handlers {
  const handlers = configHandlers(env.runtime);
  for (const [rpc, has] of Object.entries(service.capabilities)) {
    const implemented = has(def);
    handlers[rpc] = unary(() => ({ implements: implemented }));
  }
  for (const op of service.operations) {
    const fn = op.fn(def, env);
    if (!fn) continue;
    const spec: OperationSpec = {
      name: op.name,
      args: op.args,
      inputs: op.inputs?.(def),
      named: op.named?.(def),
    };
    handlers[op.spec ?? `${op.rpc}Spec`] = unary(() => funcSpec(spec));
    handlers[op.rpc] = unary(async (_req, call) => {
      const { value, ctx } = await runOperation({
        call,
        spec,
        fn,
        env: {
          broker: env.broker,
          logger: env.runtime.logger,
          secrets: env.secrets,
          inflight: env.inflight,
          config: env.runtime.config,
        },
      });
      return op.respond(value, ctx, def);
    });
  }
  return handlers;
}

/** What a definition with authentication has. */
interface Authenticated {
  auth?: AuthDefinition<never>;
}

/** `IsAuthenticator`: the probe of the lifecycle components that may have `auth`. */
export const AUTH_CAPABILITY: Readonly<Record<string, (def: Authenticated) => boolean>> = {
  IsAuthenticator: (def) => def.auth !== undefined,
};

/** `Auth` and `ValidateAuth`, served when the definition has `auth`. */
export const AUTH_OPERATIONS: readonly OperationDef<Authenticated>[] = [
  {
    rpc: "Auth",
    name: "auth",
    args: LIFECYCLE_ARGS,
    fn: ({ auth }) => auth && ((ctx: never) => auth.auth(ctx)),
    respond: (value) => ({ authenticated: value === true }),
  },
  {
    rpc: "ValidateAuth",
    name: "validateAuth",
    args: LIFECYCLE_ARGS,
    fn: ({ auth }) => auth && ((ctx: never) => auth.validateAuth(ctx)),
    respond: () => ({}),
  },
];

const EMPTY_DOCS = {
  description: "",
  example: "",
  input: "",
  output: "",
  fields: {},
  mappers: [],
  templateFields: {},
  requestFields: {},
};

/**
 * What a Go plugin answers for a component it does not have: the probes the
 * SDK client makes at dispense time succeed (`Is*` → false, no config
 * struct, empty docs), and the operation calls fail UNIMPLEMENTED with the
 * SDK's own wording (the service's unimplemented message). Without this,
 * Waypoint cannot even dispense the component to find out it is absent.
 */
export function absentHandlers(service: string): Handlers {
  const handlers: Handlers = {};
  for (const method of methodNames(`hashicorp.waypoint.sdk.${service}`)) {
    if (/^Is[A-Z]/.test(method)) handlers[method] = unary(() => ({ implements: false }));
  }
  handlers.ConfigStruct = unary(() => ({}));
  handlers.Configure = unary(() => ({}));
  handlers.Documentation = unary(() => EMPTY_DOCS);
  return handlers;
}
