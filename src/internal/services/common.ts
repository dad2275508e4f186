/** Handlers every component service shares, and the Spec/call pair of one operation. */
import type * as grpc from "@grpc/grpc-js";
import type { AuthDefinition } from "../../components/component.ts";
import type { StatusReport as PublicStatus } from "../../components/status.ts";
import type { Config_ConfigureRequest, StatusReport } from "../../gen/wire.ts";
import type { Broker } from "../broker.ts";
import type { ComponentRuntime } from "../component_runtime.ts";
import { unary } from "../grpc.ts";
import { warmOperationPath } from "../warm.ts";
import { CATEGORIES } from "../resources.ts";
import {
  funcSpec,
  LIFECYCLE_ARGS,
  type OperationSpec,
  runOperation,
  type RuntimeContext,
} from "../operation.ts";

/** What a component's handlers run against. */
export interface ServiceEnv {
  broker: Broker;
  runtime: ComponentRuntime;
}

/** ConfigStruct, Configure, Documentation. */
export function configHandlers(runtime: ComponentRuntime): Record<string, grpc.UntypedHandleCall> {
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

/**
 * `<name>Spec` and `<name>` for one operation: the Spec answers the FuncSpec,
 * the call runs `fn` with the decoded context and turns its value into the
 * response with `respond`.
 */
export function operation(
  env: ServiceEnv,
  rpc: string,
  spec: OperationSpec,
  // deno-lint-ignore no-explicit-any
  fn: (ctx: any) => unknown,
  respond: (value: unknown, ctx: RuntimeContext) => unknown,
  specRpc = `${rpc}Spec`,
): Record<string, grpc.UntypedHandleCall> {
  return {
    [specRpc]: unary(() => funcSpec(spec)),
    [rpc]: unary(async (_req, call) => {
      const { value, ctx } = await runOperation(
        call,
        spec,
        { broker: env.broker, logger: env.runtime.logger, config: env.runtime.config },
        fn,
      );
      return respond(value, ctx);
    }),
  };
}

/** IsAuthenticator and, when the component has auth, the Auth and ValidateAuth pairs. */
export function authHandlers(
  env: ServiceEnv,
  auth: AuthDefinition<never> | undefined,
): Record<string, grpc.UntypedHandleCall> {
  if (!auth) return { IsAuthenticator: unary(() => ({ implements: false })) };
  return {
    IsAuthenticator: unary(() => ({ implements: true })),
    ...operation(
      env,
      "Auth",
      { name: "auth", args: LIFECYCLE_ARGS },
      (ctx) => auth.auth(ctx as never),
      (value) => ({ authenticated: value === true }),
    ),
    ...operation(
      env,
      "ValidateAuth",
      { name: "validateAuth", args: LIFECYCLE_ARGS },
      (ctx) => auth.validateAuth(ctx as never),
      () => ({}),
    ),
  };
}

/** `Is<Name>` answering whether an optional capability is there. */
export function implementsHandler(has: boolean): grpc.UntypedHandleCall {
  return unary(() => ({ implements: has }));
}

const HEALTH = { unknown: 0, alive: 1, ready: 2, down: 3, partial: 4, missing: 5 } as const;

function timestamp(d: Date | undefined): { seconds: number; nanos: number } | undefined {
  if (!d) return undefined;
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

function health(h: string, where: string): number {
  const v = HEALTH[h as keyof typeof HEALTH];
  if (v === undefined) {
    throw new TypeError(
      `${where} has the health "${h}": use one of ${Object.keys(HEALTH).join(", ")}`,
    );
  }
  return v;
}

/** A status report as the author writes it → the wire message. */
export function statusToWire(r: PublicStatus, operation: string): StatusReport {
  if (!r || typeof r !== "object") {
    throw new TypeError(`${operation} must return a status report, e.g. { health: "ready" }`);
  }
  return {
    health: health(r.health, `The report of ${operation}`),
    healthMessage: r.healthMessage ?? "",
    external: !!r.external,
    generatedTime: timestamp(r.generatedTime ?? new Date()),
    resources: (r.resources ?? []).map((res) => ({
      name: res.name,
      health: health(res.health, `Resource "${res.name}" in ${operation}`),
      healthMessage: res.healthMessage ?? "",
      id: res.id ?? "",
      parentResourceId: res.parentResourceId ?? "",
      platform: res.platform ?? "",
      type: res.type ?? "",
      platformUrl: res.platformUrl ?? "",
      categoryDisplayHint: CATEGORIES[res.category ?? "unknown"] ?? 0,
      createdTime: timestamp(res.createdTime),
      stateJson: res.state === undefined ? "" : JSON.stringify(res.state),
      declaredResource: res.declaredResource ? { name: res.declaredResource } : undefined,
    })),
  };
}
