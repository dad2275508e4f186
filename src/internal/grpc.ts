/**
 * grpc-js service definitions built from the generated service table and
 * codecs, so no proto-loader, protoc or reflection step runs at start-up.
 */
import * as grpc from "@grpc/grpc-js";
import { services } from "../gen/wire.ts";
import { decodeMessage, encodeMessage, type MessageType } from "../proto/runtime.ts";
import { Code, PluginError } from "../errors.ts";
import { wellFormed } from "../well_formed.ts";
import type { Secrets } from "./secrets.ts";

/** Largest message grpc-js may send or receive: the Go host allows 2^31-1 both ways. */
export const MAX_MESSAGE = 2 ** 31 - 1;

/** Options for every grpc-js server and client the plugin makes. */
export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE,
  "grpc.max_send_message_length": MAX_MESSAGE,
};

/**
 * A request that could not be decoded. grpc-js would answer a throwing
 * deserializer with a bare INTERNAL "Error deserializing request"; handing
 * the handler this instead lets it answer INVALID_ARGUMENT and say why.
 */
export class DecodeFailure {
  constructor(readonly typeName: string, readonly reason: string) {}
  /** The error for the host. */
  toError(): PluginError {
    return new PluginError(
      `the request is not a valid ${this.typeName} message: ${this.reason}`,
      Code.INVALID_ARGUMENT,
    );
  }
}

type Codec = {
  serialize: (value: unknown) => Buffer;
  deserialize: (bytes: Buffer) => unknown;
};

const codecs = new Map<MessageType<object>, Codec>();

/**
 * Encode/decode functions for a wire message, on plain objects (camelCase
 * fields): the generated encoder and decoder of `src/gen/wire.ts`, so the
 * first message of a type costs no more than the next one.
 */
export function codec(type: MessageType<object>): Codec {
  let c = codecs.get(type);
  if (!c) {
    c = {
      // Our wire objects already hold the right types: encoded as they are, no create() copy.
      serialize: (value) => {
        const bytes = encodeMessage(type, value as object);
        return Buffer.isBuffer(bytes)
          ? bytes
          : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      deserialize: (bytes) => {
        try {
          return decodeMessage(type, bytes);
        } catch (err) {
          return new DecodeFailure(type.typeName, (err as Error).message);
        }
      },
    };
    codecs.set(type, c);
  }
  return c;
}

type MethodRow = [MessageType<object>, MessageType<object>, boolean, boolean];

function methodsOf(name: string): Record<string, MethodRow> {
  const methods = services[name];
  if (!methods) throw new TypeError(`No service ${name} in the wire protocol`);
  return methods;
}

/** The grpc-js definition of service `name` (full proto name). */
export function serviceDefinition(name: string): grpc.ServiceDefinition {
  const def: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (
    const [method, [reqType, resType, clientStream, serverStream]] of Object.entries(
      methodsOf(name),
    )
  ) {
    const req = codec(reqType);
    const res = codec(resType);
    def[method] = {
      path: `/${name}/${method}`,
      requestStream: clientStream,
      responseStream: serverStream,
      requestSerialize: req.serialize,
      requestDeserialize: req.deserialize,
      responseSerialize: res.serialize,
      responseDeserialize: res.deserialize,
      originalName: method,
    };
  }
  return def as grpc.ServiceDefinition;
}

/** The method names of service `name`. */
export function methodNames(name: string): string[] {
  return Object.keys(methodsOf(name));
}

/** A unary handler: takes the decoded request and the call, returns the response object. */
export type Unary = (
  request: unknown,
  call: grpc.ServerUnaryCall<unknown, unknown>,
) => Promise<unknown> | unknown;

/** A unary handler declared with {@linkcode unary}: answered by {@linkcode addService}. */
export interface UnaryHandler {
  /** The handler. */
  readonly unary: Unary;
}

/** A method's handler: a unary one, or a grpc-js handler for a stream. */
export type Handler = UnaryHandler | grpc.UntypedHandleCall;

/** The handlers of one service, by method name. */
export type Handlers = Record<string, Handler>;

/** Declares a unary handler; thrown errors and rejections become gRPC statuses. */
export function unary(handler: Unary): UnaryHandler {
  return { unary: handler };
}

const CODES = new Set<number>(Object.values(Code));

/** The status sent when even an error's message cannot be sent: plain ASCII, always encodable. */
const LAST_RESORT = {
  code: grpc.status.INTERNAL,
  details: "the plugin failed to report an error: see the plugin's log",
};

/**
 * Turns anything thrown by a handler into a gRPC status whose message is the
 * error's message: well-formed (grpc-js percent-encodes it with
 * `encodeURI`, which throws on a lone surrogate, and the call would never be
 * answered), with sensitive values masked. It never throws.
 */
export function toStatus(err: unknown, secrets: Secrets): Partial<grpc.StatusObject> {
  try {
    const e = PluginError.from(err);
    // OK is not an error, and grpc-js sends any other number as is.
    const code = CODES.has(e.code) && e.code !== Code.OK ? e.code : Code.UNKNOWN;
    return { code: code as number as grpc.status, details: wellFormed(secrets.message(e)) };
  } catch {
    return LAST_RESORT;
  }
}

/**
 * Answers a unary call. If grpc-js throws while sending (a response it
 * cannot encode, a status it cannot send), the call is answered with the
 * reason instead, and failing that with {@linkcode LAST_RESORT}: the host
 * never waits for an answer that will not come.
 */
function answer(
  callback: grpc.sendUnaryData<unknown>,
  err: Partial<grpc.StatusObject> | null,
  value: unknown,
  secrets: Secrets,
): void {
  try {
    callback(err as grpc.ServiceError | null, value);
    return;
  } catch (sendErr) {
    if (err === null) {
      try {
        callback(toStatus(sendErr, secrets) as grpc.ServiceError, undefined);
        return;
      } catch {
        // fall through to the last resort
      }
    }
  }
  try {
    callback(LAST_RESORT as grpc.ServiceError, undefined);
  } catch {
    // grpc-js cannot send anything on this call any more (it was cancelled or closed).
  }
}

/**
 * The grpc-js handler of a unary handler: thrown errors and rejected
 * promises become gRPC statuses, with `secrets` hidden.
 */
export function serveUnary(
  handler: Unary,
  secrets: Secrets,
): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    let settled = false;
    const done = (err: Partial<grpc.StatusObject> | null, value?: unknown) => {
      if (settled) return;
      settled = true;
      answer(callback, err, value, secrets);
    };
    if (call.request instanceof DecodeFailure) {
      done(toStatus(call.request.toError(), secrets));
      return;
    }
    try {
      Promise.resolve(handler(call.request, call)).then(
        (value) => done(null, value ?? {}),
        (err) => done(toStatus(err, secrets)),
      );
    } catch (err) {
      done(toStatus(err, secrets));
    }
  };
}

/** How {@linkcode addService} answers. */
export interface ServiceOptions {
  /** The values no status may show. */
  secrets: Secrets;
  /** The message of every method without a handler. Default: `plugin does not implement: <service>`. */
  unimplemented?: string;
}

/**
 * Registers `name` on `server` with `handlers`; every method without a
 * handler answers UNIMPLEMENTED with `options.unimplemented` as its message.
 */
export function addService(
  server: grpc.Server,
  name: string,
  handlers: Handlers,
  options: ServiceOptions,
): void {
  const def = serviceDefinition(name);
  const unimplemented = options.unimplemented ?? `plugin does not implement: ${name}`;
  const all: grpc.UntypedServiceImplementation = {};
  for (const method of Object.keys(def)) {
    const h = handlers[method];
    all[method] = h === undefined
      ? unimplementedHandler(def[method], unimplemented)
      : "unary" in h
      ? serveUnary(h.unary, options.secrets)
      : h;
  }
  for (const method of Object.keys(handlers)) {
    if (!(method in def)) {
      throw new TypeError(`Service ${name} has no method "${method}"`);
    }
  }
  server.addService(def, all);
}

function unimplementedHandler(
  def: grpc.MethodDefinition<unknown, unknown>,
  message: string,
): grpc.UntypedHandleCall {
  const status = { code: grpc.status.UNIMPLEMENTED, details: message };
  if (!def.requestStream && !def.responseStream) {
    return ((_call, cb) => cb(status as grpc.ServiceError)) as grpc.handleUnaryCall<
      unknown,
      unknown
    >;
  }
  if (!def.requestStream) {
    return ((call: grpc.ServerWritableStream<unknown, unknown>) =>
      call.emit("error", status)) as grpc.handleServerStreamingCall<unknown, unknown>;
  }
  if (!def.responseStream) {
    return ((_call, cb) => cb(status as grpc.ServiceError)) as grpc.handleClientStreamingCall<
      unknown,
      unknown
    >;
  }
  return ((call: grpc.ServerDuplexStream<unknown, unknown>) =>
    call.emit("error", status)) as grpc.handleBidiStreamingCall<unknown, unknown>;
}
