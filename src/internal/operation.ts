/**
 * One operation call: the FuncSpec we advertise (typed args by full message
 * name, derived from the operation kind), and the call itself — decode the
 * host's FuncSpec.Args, build the author's typed context, run the author's
 * function, close the UI, encode the result.
 */
import type * as grpc from "@grpc/grpc-js";
import type { DataDir, JobInfo, OperationContext, Source } from "../components/context.ts";
import { Code, PluginError } from "../errors.ts";
import {
  Args_DataDir_App,
  Args_JobInfo,
  Args_LabelSet,
  Args_Logger,
  Args_Source,
  Args_TerminalUI,
  file,
  type FuncSpec,
  type FuncSpec_Args,
  type FuncSpec_Value,
} from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import { type JsonValue, type MessageType, messageTypeOf, templateData } from "../proto/runtime.ts";
import type { Broker } from "./broker.ts";
import { BrokerUI } from "./ui_client.ts";

/** Standard arguments an operation can receive, by context key. */
export const STANDARD_ARGS = {
  ui: Args_TerminalUI,
  source: Args_Source,
  job: Args_JobInfo,
  logger: Args_Logger,
  labels: Args_LabelSet,
  dataDir: Args_DataDir_App,
} as const;

/** A context key of a standard argument. */
export type StandardArg = keyof typeof STANDARD_ARGS;

/** The standard arguments Waypoint's core supplies to every app lifecycle operation. */
export const LIFECYCLE_ARGS: StandardArg[] = ["ui", "source", "job", "logger", "labels", "dataDir"];

/** What a FuncSpec is made from. */
export interface OperationSpec {
  /** Shown by the host in logs and errors ("Plugin function: …"). */
  name: string;
  /** Standard arguments, by context key. */
  args: StandardArg[];
}

/** The FuncSpec for an operation: typed args only, empty result (the host clears it anyway). */
export function funcSpec(spec: OperationSpec): FuncSpec {
  return {
    name: spec.name,
    args: spec.args.map((key): FuncSpec_Value => ({
      name: "",
      type: STANDARD_ARGS[key].typeName,
      primitiveType: 0,
    })),
    result: [],
  };
}

/** The message name a FuncSpec value carries: its declared type, else the Any's type URL suffix. */
function valueType(v: FuncSpec_Value): string {
  if (v.type) return v.type;
  const url = v.protoAny?.typeUrl ?? "";
  return url.slice(url.lastIndexOf("/") + 1);
}

/** Decodes the host's FuncSpec.Args into messages by full type name. */
export function decodeArgs(args: FuncSpec_Args): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const v of args.args ?? []) {
    const type = valueType(v);
    if (v.protoAny) {
      if (!file.has(type)) {
        out.set(type, v.protoAny);
        continue;
      }
      try {
        out.set(type, file.message(type).decode(v.protoAny.value ?? new Uint8Array()));
      } catch (err) {
        throw new PluginError(
          `argument ${type} from the host is not valid: ${(err as Error).message}`,
          Code.INVALID_ARGUMENT,
        );
      }
    } else if (v.name) {
      out.set(v.name, v.bool ?? v.int ?? v.uint ?? v.string);
    }
  }
  return out;
}

/** The runtime pieces an operation needs besides the call. */
export interface OperationEnv {
  broker: Broker;
  logger: Logger;
  config: unknown;
}

function need<T>(args: Map<string, unknown>, type: MessageType<object>, what: string): T {
  const v = args.get(type.typeName);
  if (v === undefined) {
    throw new PluginError(
      `the host did not send ${type.typeName} (${what}), which this operation declared in its FuncSpec`,
      Code.FAILED_PRECONDITION,
    );
  }
  return v as T;
}

/**
 * Runs `fn` for one RPC: builds the context from the decoded args, wires
 * cancellation, and closes the UI (rendering everything) before returning.
 */
export async function runOperation<R>(
  call: grpc.ServerUnaryCall<unknown, unknown>,
  spec: OperationSpec,
  env: OperationEnv,
  fn: (ctx: OperationContext<unknown>) => R | Promise<R>,
): Promise<R> {
  const args = decodeArgs(call.request as FuncSpec_Args);
  const controller = new AbortController();
  const onCancel = () =>
    controller.abort(new DOMException(`the host cancelled ${spec.name}`, "AbortError"));
  call.on("cancelled", onCancel);
  if (call.cancelled) onCancel();

  const ctx: Partial<OperationContext<unknown>> = {
    config: env.config,
    signal: controller.signal,
    logger: env.logger,
  };
  let ui: BrokerUI | undefined;
  for (const key of spec.args) {
    const type = STANDARD_ARGS[key] as MessageType<object>;
    switch (key) {
      case "ui": {
        const { streamId } = need<{ streamId: number }>(args, type, "terminal UI");
        ui = new BrokerUI(env.broker, streamId, controller.signal);
        ctx.ui = ui;
        break;
      }
      case "logger": {
        const { name } = need<{ name: string }>(args, type, "logger");
        // The host's logger name is absolute (hclog's ResetNamed): replace, don't nest.
        ctx.logger = name ? env.logger.resetNamed(name) : env.logger;
        break;
      }
      case "source": {
        const s = need<Source>(args, type, "source");
        ctx.source = { app: s.app, path: s.path };
        break;
      }
      case "job": {
        const j = need<JobInfo>(args, type, "job info");
        ctx.job = {
          local: j.local,
          workspace: j.workspace,
          id: j.id,
          project: j.project,
          app: j.app,
        };
        break;
      }
      case "labels":
        ctx.labels = { ...need<{ labels: Record<string, string> }>(args, type, "labels").labels };
        break;
      case "dataDir": {
        const d = need<DataDir>(args, type, "data directory");
        ctx.dataDir = { cacheDir: d.cacheDir, dataDir: d.dataDir };
        break;
      }
    }
  }

  let result: R;
  try {
    result = await fn(ctx as OperationContext<unknown>);
  } catch (err) {
    await ui?.close().catch((uiErr) => env.logger.warn("terminal UI failed", { error: uiErr }));
    if (controller.signal.aborted) {
      throw new PluginError(
        `${spec.name} was cancelled: ${PluginError.from(err).message}`,
        Code.CANCELLED,
        {
          cause: err,
        },
      );
    }
    throw err;
  } finally {
    call.off("cancelled", onCancel);
  }
  await ui?.close();
  if (controller.signal.aborted) {
    throw new PluginError(`${spec.name} was cancelled`, Code.CANCELLED);
  }
  return result;
}

/** An encoded result: the Any plus its JSON and template data. */
export interface EncodedResult {
  result: { typeUrl: string; value: Uint8Array };
  resultJson: string;
  templateData: Uint8Array;
}

/** Encodes an operation's return value, which must be a protobuf message. */
export function encodeResult(
  value: unknown,
  declared: MessageType<object> | undefined,
  operation: string,
): EncodedResult {
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
  let bytes: Uint8Array;
  let json: JsonValue;
  let template: Record<string, JsonValue>;
  try {
    bytes = type.encode(value);
    json = type.toJson(value);
    template = templateData(type, value);
  } catch (err) {
    throw new PluginError(
      `${operation} returned a value that does not fit ${type.typeName}: ${(err as Error).message}`,
      Code.INTERNAL,
    );
  }
  return {
    result: { typeUrl: type.typeUrl, value: bytes },
    resultJson: JSON.stringify(json),
    templateData: Object.keys(template).length === 0
      ? new Uint8Array()
      : new TextEncoder().encode(JSON.stringify(template)),
  };
}
