/**
 * One operation call: the FuncSpec we advertise (typed args by full message
 * name, derived from what the operation declares), and the call itself —
 * decode the host's FuncSpec.Args, build the author's typed context, run the
 * author's function, close the UI and other broker sessions, encode the
 * result.
 */
import type * as grpc from "@grpc/grpc-js";
import type { AnyMessage } from "../components/context.ts";
import { Code, PluginError } from "../errors.ts";
import {
  Args_DataDir_App,
  Args_DeploymentConfig,
  Args_ExecSessionInfo,
  Args_JobInfo,
  Args_LabelSet,
  Args_Logger,
  Args_LogViewer,
  Args_Source,
  Args_TaskLaunchInfo,
  Args_TerminalUI,
  type FuncSpec,
  type FuncSpec_Args,
  type FuncSpec_Value,
} from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import { wellFormedJson } from "../well_formed.ts";
import { type JsonValue, type MessageType, messageTypeOf } from "../proto/runtime.ts";
import type { Broker } from "./broker.ts";
import { BrokerExecSession } from "./exec_client.ts";
import { BrokerLogViewer } from "./logs_client.ts";
import { track } from "./inflight.ts";
import { ResourceTracker } from "./resources.ts";
import { resultTemplateData, type TemplateShaper } from "./template_data.ts";
import { BrokerUI } from "./ui_client.ts";

/** What an argument adapter may use. */
interface Scope {
  broker: Broker;
  logger: Logger;
  signal: AbortSignal;
  /** Broker sessions to finish before the response goes out. */
  closers: (() => Promise<void>)[];
}

interface Adapter {
  type: MessageType<object>;
  what: string;
  make(msg: never, scope: Scope): unknown;
}

/** Standard arguments an operation can receive, by context key. */
export const STANDARD_ARGS = {
  ui: {
    type: Args_TerminalUI,
    what: "terminal UI",
    make: (m: { streamId: number }, s: Scope) => {
      const ui = new BrokerUI(s.broker, m.streamId, s.signal);
      ui.open();
      s.closers.push(() => ui.close());
      return ui;
    },
  },
  source: {
    type: Args_Source,
    what: "source",
    make: (m: { app: string; path: string }) => ({ app: m.app, path: m.path }),
  },
  job: {
    type: Args_JobInfo,
    what: "job info",
    make: (m: Record<string, unknown>) => ({
      local: m.local,
      workspace: m.workspace,
      id: m.id,
      project: m.project,
      app: m.app,
    }),
  },
  logger: {
    type: Args_Logger,
    what: "logger",
    // The host's logger name is absolute (hclog's ResetNamed): replace, don't nest.
    make: (m: { name: string }, s: Scope) => m.name ? s.logger.resetNamed(m.name) : s.logger,
  },
  labels: {
    type: Args_LabelSet,
    what: "labels",
    make: (m: { labels: Record<string, string> }) => ({ ...m.labels }),
  },
  dataDir: {
    type: Args_DataDir_App,
    what: "data directory",
    make: (m: { cacheDir: string; dataDir: string }) => ({
      cacheDir: m.cacheDir,
      dataDir: m.dataDir,
    }),
  },
  deploymentConfig: {
    type: Args_DeploymentConfig,
    what: "deployment config",
    make: (m: Record<string, unknown>) => ({
      id: m.id,
      serverAddr: m.serverAddr,
      serverTls: m.serverTls,
      serverTlsSkipVerify: m.serverTlsSkipVerify,
      entrypointInviteToken: m.entrypointInviteToken,
      sequence: m.sequence,
    }),
  },
  task: {
    type: Args_TaskLaunchInfo,
    what: "task launch info",
    make: (m: Record<string, unknown>) => ({
      ociUrl: m.ociUrl,
      environmentVariables: { ...(m.environmentVariables as Record<string, string>) },
      arguments: [...(m.arguments as string[])],
      entrypoint: [...(m.entrypoint as string[])],
    }),
  },
  exec: {
    type: Args_ExecSessionInfo,
    what: "exec session",
    make: (m: never, s: Scope) => {
      const session = new BrokerExecSession(s.broker, m, s.signal);
      s.closers.push(() => session.close());
      return session;
    },
  },
  logViewer: {
    type: Args_LogViewer,
    what: "log viewer",
    make: (m: never, s: Scope) => {
      const viewer = new BrokerLogViewer(s.broker, m, s.signal);
      s.closers.push(() => viewer.close());
      return viewer;
    },
  },
} satisfies Record<string, Adapter>;

/** A context key of a standard argument. */
export type StandardArg = keyof typeof STANDARD_ARGS;

/** The standard arguments Waypoint's core supplies to every app lifecycle operation. */
export const LIFECYCLE_ARGS: StandardArg[] = ["ui", "source", "job", "logger", "labels", "dataDir"];

/** A typed input: the previous stage's output (or another plugin's), by message type or full name. */
export interface Input {
  /** The context key, e.g. `artifact`. */
  key: string;
  /** Decodes the value; a name keeps the raw Any. */
  type: MessageType<object> | string;
}

/**
 * A named value Waypoint passes (argmapper matches it by name, lower-cased):
 * a bool such as build's `hasregistry`, or an Any of whatever type it has.
 */
export interface NamedArg {
  /** The context key, e.g. `hasRegistry`. */
  key: string;
  /** The name the host gives the value, lower case (it lower-cases names anyway). */
  name: string;
  /** A primitive bool, or an Any kept raw. */
  kind: "bool" | "any";
}

/** What a FuncSpec is made from. */
export interface OperationSpec {
  /** Shown by the host in logs and errors ("Plugin function: …"). */
  name: string;
  /** Standard arguments, by context key. */
  args: StandardArg[];
  /** Typed inputs. */
  inputs?: Input[];
  /** Named values. */
  named?: NamedArg[];
}

/** Go's reflect.Kind of a bool: FuncSpec.Value.PrimitiveType BOOL. */
const PRIMITIVE_BOOL = 1;

function inputType(input: Input): string {
  return typeof input.type === "string" ? input.type : input.type.typeName;
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
      ...(spec.named ?? []).map((n): FuncSpec_Value => ({
        name: n.name,
        type: "",
        primitiveType: n.kind === "bool" ? PRIMITIVE_BOOL : 0,
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
export function argsByType(args: FuncSpec_Args): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const v of args.args ?? []) if (v.protoAny) out.set(valueType(v), v.protoAny);
  return out;
}

/** The host's named values (the names it echoes back, lower-cased). */
function argsByName(args: FuncSpec_Args): Map<string, FuncSpec_Value> {
  const out = new Map<string, FuncSpec_Value>();
  for (const v of args.args ?? []) if (v.name) out.set(v.name.toLowerCase(), v);
  return out;
}

function namedValue(byName: Map<string, FuncSpec_Value>, n: NamedArg): unknown {
  const v = byName.get(n.name);
  // Decoded oneof members not on the wire read as the prototype's defaults: look at own fields.
  const field = n.kind === "bool" ? "bool" : "protoAny";
  const value = v && Object.hasOwn(v, field) ? v[field] : undefined;
  if (value === undefined || value === null) {
    throw new PluginError(
      `the host did not send the named ${
        n.kind === "bool" ? "bool" : "value"
      } "${n.name}" (${n.key}), which this operation declared in its FuncSpec`,
      Code.FAILED_PRECONDITION,
    );
  }
  if (n.kind === "bool") return value;
  const any = value as AnyMessage;
  return { typeUrl: any.typeUrl, value: any.value };
}

function decodeAny(any: AnyMessage, type: MessageType<object>): object {
  try {
    return type.decode(any.value ?? new Uint8Array());
  } catch (err) {
    throw new PluginError(
      `argument ${type.typeName} from the host is not valid: ${(err as Error).message}`,
      Code.INVALID_ARGUMENT,
    );
  }
}

function need(args: Map<string, unknown>, type: string, what: string): AnyMessage {
  const v = args.get(type);
  if (v === undefined) {
    throw new PluginError(
      `the host did not send ${type} (${what}), which this operation declared in its FuncSpec`,
      Code.FAILED_PRECONDITION,
    );
  }
  return v as AnyMessage;
}

/** The runtime pieces an operation needs besides the call. */
export interface OperationEnv {
  broker: Broker;
  logger: Logger;
  config: unknown;
}

/** The context handed to the author's function, with the resource tracker the glue reads back. */
export type RuntimeContext = Record<string, unknown> & { resources: ResourceTracker };

/**
 * Runs `fn` for one RPC: builds the context from the decoded args, wires
 * cancellation, and closes the UI and other sessions (rendering everything)
 * before returning.
 */
export async function runOperation<R>(
  call: grpc.ServerUnaryCall<unknown, unknown> | { request: unknown; cancelled: boolean },
  spec: OperationSpec,
  env: OperationEnv,
  fn: (ctx: RuntimeContext) => R | Promise<R>,
): Promise<{ value: R; ctx: RuntimeContext }> {
  const args = argsByType(call.request as FuncSpec_Args);
  const controller = new AbortController();
  const onCancel = () =>
    controller.abort(new DOMException(`the host cancelled ${spec.name}`, "AbortError"));
  const events = "on" in call ? call : undefined;
  events?.on("cancelled", onCancel);
  if (call.cancelled) onCancel();

  const scope: Scope = {
    broker: env.broker,
    logger: env.logger,
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
  track(controller, new Promise<void>((r) => finished = r));
  let result: R;
  try {
    for (const key of spec.args) {
      const a: Adapter = STANDARD_ARGS[key];
      const any = need(args, a.type.typeName, a.what);
      ctx[key] = a.make(decodeAny(any, a.type) as never, scope);
    }
    for (const input of spec.inputs ?? []) {
      const any = need(args, inputType(input), input.key);
      ctx[input.key] = typeof input.type === "string"
        ? { typeUrl: any.typeUrl, value: any.value }
        : decodeAny(any, input.type);
    }
    if (spec.named?.length) {
      const byName = argsByName(call.request as FuncSpec_Args);
      for (const n of spec.named) ctx[n.key] = namedValue(byName, n);
    }
    result = await fn(ctx);
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
    events?.off("cancelled", onCancel);
    finished();
  }
  const closeErr = await closeAll();
  if (closeErr) throw closeErr;
  if (controller.signal.aborted) {
    throw new PluginError(`${spec.name} was cancelled`, Code.CANCELLED);
  }
  return { value: result, ctx };
}

/**
 * The longest the broker sessions of one operation may take to close. The UI
 * waits up to 30 s for the host to end its stream; past this the response
 * goes out anyway, with the reason.
 */
export const SESSION_CLOSE_TIMEOUT_MS = 35_000;

/**
 * Closes an operation's broker sessions (UI, exec, log viewer), each in
 * turn, whatever they throw and however long they take: the RPC's answer
 * waits for them, so they may not keep it from going out. Returns the first
 * failure as a PluginError naming the operation, or undefined.
 */
export async function closeSessions(
  closers: (() => Promise<void>)[],
  operation: string,
  timeoutMs: number = SESSION_CLOSE_TIMEOUT_MS,
): Promise<PluginError | undefined> {
  let first: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    for (const close of closers) {
      const outcome = await Promise.race([
        Promise.resolve().then(close).then(() => undefined, (err: unknown) => {
          first ??= err;
        }),
        timeout,
      ]);
      if (outcome === "timeout") {
        first ??= new Error(`they did not close within ${timeoutMs / 1000} s`);
        break;
      }
    }
  } finally {
    clearTimeout(timer);
  }
  if (first === undefined) return undefined;
  const e = PluginError.from(first);
  return new PluginError(
    `${operation} finished, but closing its sessions with the host (terminal UI, exec, logs) failed: ${e.message}`,
    Code.INTERNAL,
    { cause: first },
  );
}

/** An encoded result: the Any plus its JSON and template data. */
export interface EncodedResult {
  result: { typeUrl: string; value: Uint8Array };
  resultJson: string;
  templateData: Uint8Array;
}

/** The type a returned message has: its own tag, else the declared output type. */
export function resultType(
  value: unknown,
  declared: MessageType<object> | undefined,
  operation: string,
): MessageType<object> {
  const type = messageTypeOf(value) ?? declared;
  if (!type || value === null || typeof value !== "object") {
    throw new PluginError(
      `${operation} returned ${
        value === undefined
          ? "nothing"
          : typeof value === "object"
          ? "a plain object"
          : `a ${typeof value}`
      }, not a protobuf message: return YourMessage.create({ … }) from the module \`deno task proto\` generated, or declare \`output: YourMessage\``,
      Code.INTERNAL,
    );
  }
  return type;
}

/**
 * Encodes an operation's return value, which must be a protobuf message;
 * `shape` is the author's `templateData`, if any.
 */
export function encodeResult(
  value: unknown,
  declared: MessageType<object> | undefined,
  operation: string,
  shape?: TemplateShaper,
): EncodedResult {
  const type = resultType(value, declared, operation);
  let bytes: Uint8Array;
  let json: JsonValue;
  try {
    bytes = type.encode(value as object);
    json = type.toJson(value as object);
  } catch (err) {
    throw new PluginError(
      `${operation} returned a value that does not fit ${type.typeName}: ${(err as Error).message}`,
      Code.INTERNAL,
    );
  }
  let template: Record<string, JsonValue>;
  try {
    template = resultTemplateData(type, value as object, shape, operation);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw new PluginError(
      `${operation} returned a value that does not fit ${type.typeName}: ${(err as Error).message}`,
      Code.INTERNAL,
    );
  }
  return {
    result: { typeUrl: type.typeUrl, value: bytes },
    // Well-formed JSON text: no lone-surrogate escapes (the message bytes are already UTF-8).
    resultJson: JSON.stringify(json, wellFormedJson),
    templateData: Object.keys(template).length === 0
      ? new Uint8Array()
      : new TextEncoder().encode(JSON.stringify(template, wellFormedJson)),
  };
}
