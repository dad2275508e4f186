/**
 * One operation call: the FuncSpec we advertise (typed args by full message
 * name, derived from what the operation declares), and the call itself —
 * decode the host's FuncSpec.Args, build the author's typed context, run the
 * author's function, close the UI and other broker sessions.
 */
import type { AnyMessage } from "../components/context.ts";
import { Code, PluginError } from "../errors.ts";
import type { FuncSpec, FuncSpec_Args, FuncSpec_Value } from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import type { MessageType } from "../proto/runtime.ts";
import {
  type ArgScope,
  NAMED_ARGS,
  type NamedArgKey,
  STANDARD_ARGS,
  type StandardArg,
  type StandardArgKey,
} from "./args.ts";
import type { Broker } from "./broker.ts";
import { closeSessions } from "./close_sessions.ts";
import type { Inflight } from "./inflight.ts";
import { ResourceTracker } from "./resources.ts";
import type { Secrets } from "./secrets.ts";

/** A typed input: the previous stage's output (or another plugin's), by message type or full name. */
export interface Input {
  /** The context key, e.g. `artifact`. */
  key: string;
  /** Decodes the value; a name keeps the raw Any. */
  type: MessageType<object> | string;
}

/** What a FuncSpec is made from, and what the call decodes. */
export interface OperationSpec {
  /** Shown by the host in logs and errors ("Plugin function: …"). */
  name: string;
  /** Standard arguments, by context key. */
  args: readonly StandardArgKey[];
  /** Typed inputs. */
  inputs?: readonly Input[];
  /** Named values, by context key. */
  named?: readonly NamedArgKey[];
}

/** Go's reflect.Kind of a bool: FuncSpec.Value.PrimitiveType BOOL. */
const PRIMITIVE_BOOL = 1;

function inputType(input: Input): string {
  return typeof input.type === "string" ? input.type : input.type.typeName;
}

/** The table entry of `key`, seen through what every entry has in common. */
function standardArg(key: StandardArgKey): StandardArg<object, unknown, unknown> {
  return STANDARD_ARGS[key];
}

/** The FuncSpec for an operation: typed args only, empty result (the host clears it anyway). */
export function funcSpec(spec: OperationSpec): FuncSpec {
  const types = [
    ...spec.args.map((key) => STANDARD_ARGS[key].type.typeName),
    ...(spec.inputs ?? []).map(inputType),
  ];
  return {
    name: spec.name,
    args: [
      ...types.map((type): FuncSpec_Value => ({ name: "", type, primitiveType: 0 })),
      ...(spec.named ?? []).map((key): FuncSpec_Value => ({
        name: NAMED_ARGS[key].name,
        type: "",
        primitiveType: NAMED_ARGS[key].kind === "bool" ? PRIMITIVE_BOOL : 0,
      })),
    ],
    result: [],
  };
}

/** The message name a FuncSpec value carries: its declared type, else the Any's type URL suffix. */
function valueType(v: FuncSpec_Value): string {
  if (v.type) return v.type;
  const url = v.protoAny?.typeUrl ?? "";
  return url.slice(url.lastIndexOf("/") + 1);
}

/** The host's Any values by full type name, undecoded (named primitives: argsByName). */
export function argsByType(args: FuncSpec_Args): Map<string, AnyMessage> {
  const out = new Map<string, AnyMessage>();
  for (const v of args.args ?? []) if (v.protoAny) out.set(valueType(v), v.protoAny);
  return out;
}

/** The host's named values (the names it echoes back, lower-cased). */
function argsByName(args: FuncSpec_Args): Map<string, FuncSpec_Value> {
  const out = new Map<string, FuncSpec_Value>();
  for (const v of args.args ?? []) if (v.name) out.set(v.name.toLowerCase(), v);
  return out;
}

function namedValue(byName: Map<string, FuncSpec_Value>, key: NamedArgKey): unknown {
  const n = NAMED_ARGS[key];
  const v = byName.get(n.name);
  // Decoded oneof members not on the wire read as the prototype's defaults: look at own fields.
  const value = !v
    ? undefined
    : n.kind === "bool"
    ? (Object.hasOwn(v, "bool") ? v.bool : undefined)
    : (Object.hasOwn(v, "protoAny") ? v.protoAny : undefined);
  if (value === undefined || value === null) {
    throw new PluginError(
      `the host did not send the named ${
        n.kind === "bool" ? "bool" : "value"
      } "${n.name}" (${key}), which this operation declared in its FuncSpec`,
      Code.FAILED_PRECONDITION,
    );
  }
  if (typeof value === "boolean") return value;
  return { typeUrl: value.typeUrl, value: value.value };
}

function decodeAny(message: AnyMessage, type: MessageType<object>): object {
  try {
    return type.decode(message.value ?? new Uint8Array());
  } catch (err) {
    throw new PluginError(
      `argument ${type.typeName} from the host is not valid: ${(err as Error).message}`,
      Code.INVALID_ARGUMENT,
    );
  }
}

function need(args: Map<string, AnyMessage>, type: string, what: string): AnyMessage {
  const v = args.get(type);
  if (v === undefined) {
    throw new PluginError(
      `the host did not send ${type} (${what}), which this operation declared in its FuncSpec`,
      Code.FAILED_PRECONDITION,
    );
  }
  return v;
}

/** What one server gives its operations. */
export interface OperationEnv {
  broker: Broker;
  logger: Logger;
  secrets: Secrets;
  inflight: Inflight;
  /** The component's current config. */
  config: unknown;
}

/**
 * The context handed to the author's function: the config, signal and
 * logger, the resource tracker the response reads back, and one value per
 * argument the spec names (typed for the author by the operation's own
 * context type).
 */
export interface RuntimeContext {
  config: unknown;
  signal: AbortSignal;
  logger: unknown;
  resources: ResourceTracker;
  [key: string]: unknown;
}

/**
 * An author's operation function, whatever context type it declares. The
 * one place that calls it, {@linkcode runOperation}, hands it the context
 * the operation's spec describes.
 */
export type AuthorFunction = (ctx: never) => unknown;

/** The call an operation runs for: its request, and whether (and when) the host cancels it. */
export interface OperationCall {
  request: unknown;
  cancelled: boolean;
  on?(event: "cancelled", listener: () => void): unknown;
  off?(event: "cancelled", listener: () => void): unknown;
}

/** What {@linkcode runOperation} takes. */
export interface RunOptions {
  call: OperationCall;
  spec: OperationSpec;
  env: OperationEnv;
  fn: AuthorFunction;
}

async function buildContext(
  request: FuncSpec_Args,
  spec: OperationSpec,
  ctx: RuntimeContext,
  scope: ArgScope,
): Promise<void> {
  const args = argsByType(request);
  for (const key of spec.args) {
    const a = standardArg(key);
    ctx[key] = await a.make(decodeAny(need(args, a.type.typeName, a.what), a.type), scope);
  }
  for (const input of spec.inputs ?? []) {
    const message = need(args, inputType(input), input.key);
    ctx[input.key] = typeof input.type === "string"
      ? { typeUrl: message.typeUrl, value: message.value }
      : decodeAny(message, input.type);
  }
  if (spec.named?.length) {
    const byName = argsByName(request);
    for (const key of spec.named) ctx[key] = namedValue(byName, key);
  }
}

/**
 * Runs the author's function for one RPC: builds the context from the
 * decoded args, wires cancellation, and closes the UI and other sessions
 * (rendering everything) before returning.
 */
export async function runOperation(
  options: RunOptions,
): Promise<{ value: unknown; ctx: RuntimeContext }> {
  const { call, spec, env } = options;
  const controller = new AbortController();
  const onCancel = () =>
    controller.abort(new DOMException(`the host cancelled ${spec.name}`, "AbortError"));
  call.on?.("cancelled", onCancel);
  if (call.cancelled) onCancel();

  const scope: ArgScope = {
    broker: env.broker,
    logger: env.logger,
    secrets: env.secrets,
    signal: controller.signal,
    closers: [],
  };
  const ctx: RuntimeContext = {
    config: env.config,
    signal: controller.signal,
    logger: env.logger,
    resources: new ResourceTracker(),
  };
  const closeAll = () => closeSessions(scope.closers.splice(0), spec.name);
  let finished!: () => void;
  env.inflight.track(controller, new Promise<void>((r) => finished = r));
  // The spec made this context for the function it belongs to: the one call of an author's function.
  const fn = options.fn as (ctx: RuntimeContext) => unknown;
  let value: unknown;
  try {
    await buildContext(call.request as FuncSpec_Args, spec, ctx, scope);
    value = await fn(ctx);
  } catch (err) {
    // The author's error is the answer; a session that also failed is only logged.
    const closeErr = await closeAll();
    if (closeErr) env.logger.warn("closing broker sessions failed", { error: closeErr.message });
    if (controller.signal.aborted) {
      throw new PluginError(
        `${spec.name} was cancelled: ${PluginError.from(err).message}`,
        Code.CANCELLED,
        { cause: err },
      );
    }
    throw err;
  } finally {
    call.off?.("cancelled", onCancel);
    finished();
  }
  const closeErr = await closeAll();
  if (closeErr) throw closeErr;
  if (controller.signal.aborted) {
    throw new PluginError(`${spec.name} was cancelled`, Code.CANCELLED);
  }
  return { value, ctx };
}
