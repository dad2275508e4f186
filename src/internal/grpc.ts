/**
 * grpc-js service definitions built from the protobufjs descriptors, so no
 * proto-loader or protoc step runs at start-up.
 */
import * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/light.js";
import { file, services } from "../gen/wire.ts";
import { reflectType } from "../proto/runtime.ts";
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

const codecs = new Map<string, Codec>();

const NONE = Buffer.alloc(0);
/** Field 1, varint 1: `implements: true`. */
const TRUE_FIELD_1 = Buffer.from([0x08, 0x01]);

/**
 * The messages of a plugin's first RPCs, written without protobufjs's
 * generated codecs: go-plugin's stdio and broker streams, the dispense
 * probes (`Is*`), Shutdown and a ListMappers with no mappers then build no
 * descriptor, and a mapper probe process never does; ConfigStruct's answer
 * and Configure's request, which every configured process handles, are
 * written and read with protobufjs's Writer and Reader, without generating
 * codecs for their seven types. `encode` returns undefined for what it does
 * not cover, which goes through protobufjs (tests/first_codecs_test.ts: the
 * same bytes, the same decoded values, the same refusals).
 */
const FIRST: Record<
  string,
  { encode(v: unknown): Buffer | undefined; empty(): unknown; decode?(b: Uint8Array): unknown }
> = {
  "google.protobuf.Empty": { encode: () => NONE, empty: () => ({}) },
  "plugin.Empty": { encode: () => NONE, empty: () => ({}) },
  "hashicorp.waypoint.sdk.ImplementsResp": {
    encode: (v) => (v as { implements?: boolean }).implements ? TRUE_FIELD_1 : NONE,
    empty: () => ({ implements: false }),
  },
  "hashicorp.waypoint.sdk.Map.ListResponse": {
    encode: (v) => ((v as { funcs?: unknown[] }).funcs?.length ? undefined : NONE),
    empty: () => ({ funcs: [] }),
  },
  "hashicorp.waypoint.sdk.Config.ConfigureRequest": {
    encode: () => undefined,
    empty: () => ({ json: new Uint8Array(0) }),
    decode: decodeConfigureRequest,
  },
  "hashicorp.waypoint.sdk.Config.StructResp": {
    encode: encodeStructResp,
    empty: () => ({ struct: null }),
  },
};

type Obj = Record<string, unknown>;

/**
 * ConfigStruct's answer (a protostructure) with protobufjs's Writer. As
 * protobufjs's generated encoders: fields in id order, a scalar when it is
 * set and not its zero value, a message when it is set.
 */
function encodeStructResp(v: unknown): Buffer {
  const w = protobuf.Writer.create();
  const has = (o: Obj, k: string) => o[k] != null && Object.hasOwn(o, k);
  const str = (o: Obj, k: string, id: number) => {
    if (has(o, k) && o[k] !== "") w.uint32((id << 3) | 2).string(o[k] as string);
  };
  const int = (o: Obj, k: string, id: number, signed: boolean) => {
    if (!has(o, k) || o[k] === 0) return;
    w.uint32(id << 3);
    if (signed) w.int32(o[k] as number);
    else w.uint32(o[k] as number);
  };
  const msg = (o: Obj, k: string, id: number, body: (m: Obj) => void) => {
    if (!has(o, k)) return;
    w.uint32((id << 3) | 2).fork();
    body(o[k] as Obj);
    w.ldelim();
  };
  const type = (t: Obj): void => {
    msg(t, "primitive", 1, (p) => int(p, "kind", 1, false));
    msg(t, "container", 2, (c) => {
      int(c, "kind", 1, false);
      msg(c, "elem", 2, type);
      msg(c, "key", 3, type);
      int(c, "count", 4, true);
    });
    msg(t, "struct", 3, struct);
  };
  const struct = (st: Obj): void => {
    for (const f of (st.fields as Obj[] | undefined) ?? []) {
      w.uint32((1 << 3) | 2).fork();
      str(f, "Name", 1);
      str(f, "PkgPath", 2);
      str(f, "Tag", 3);
      msg(f, "type", 4, type);
      w.ldelim();
    }
  };
  msg(v as Obj, "struct", 1, struct);
  return Buffer.from(w.finish());
}

/**
 * Configure's request (`bytes json = 1`) with protobufjs's Reader, as its
 * generated decoder reads it: field 1 as bytes whatever its wire type, other
 * fields skipped, malformed bytes thrown.
 */
function decodeConfigureRequest(bytes: Uint8Array): unknown {
  const r = protobuf.Reader.create(bytes);
  let json: Uint8Array = new Uint8Array(0);
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) json = r.bytes();
    else r.skipType(tag & 7);
  }
  return { json };
}

/** Encode/decode functions for a wire message, working on protobufjs objects (camelCase fields). */
export function codec(typeName: string): Codec {
  let c = codecs.get(typeName);
  if (!c) {
    // The descriptor is looked at on the first message, not when services are registered.
    let type: protobuf.Type | undefined;
    const t = () => type ??= reflectType(file.message(typeName));
    const first = FIRST[typeName];
    c = {
      // Our wire objects already hold protobufjs' types (numbers, Uint8Arrays, plain
      // objects): encode them directly, without a fromObject copy per message.
      serialize: (value) =>
        first?.encode(value) ?? Buffer.from(t().encode(value as object).finish()),
      deserialize: (bytes) => {
        // An empty body is the message with every field unset, whatever its type.
        if (first && bytes.length === 0) return first.empty();
        try {
          if (first?.decode) return first.decode(bytes);
          return t().decode(bytes);
        } catch (err) {
          return new DecodeFailure(typeName, (err as Error).message);
        }
      },
    };
    codecs.set(typeName, c);
  }
  return c;
}

function methodsOf(name: string): Record<string, [string, string, boolean, boolean]> {
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
