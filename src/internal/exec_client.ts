/**
 * `waypoint exec` over the broker: the host serves ExecSessionService on the
 * id in `Args.ExecSessionInfo`; we read the user's input and resizes from
 * `Input` and send output with unary `Output` calls, in order.
 */
import type * as grpc from "@grpc/grpc-js";
import type { ExecSession, WindowSize } from "../components/sessions.ts";
import type { Args_ExecSessionInfo } from "../gen/wire.ts";
import {
  ExecSession_InputRequest,
  ExecSession_OutputRequest,
  GoogleProtobuf_Empty,
} from "../gen/wire.ts";
import type { Broker } from "./broker.ts";
import { codec } from "./grpc.ts";

const SERVICE = "/hashicorp.waypoint.sdk.ExecSessionService";
const CHUNK = 1024 * 1024;
const encoder = new TextEncoder();

/** The exec session bridge; `close()` ends the input stream and the connection. */
export class BrokerExecSession implements ExecSession {
  readonly args: string[];
  readonly env: string[];
  readonly tty: boolean;
  readonly term: string;
  readonly initialWindow: WindowSize | undefined;
  #broker: Broker;
  #id: number;
  #signal: AbortSignal;
  #client: Promise<grpc.Client> | undefined;
  #inputCall: grpc.ClientReadableStream<ExecSession_InputRequest> | undefined;
  #resize: ((size: WindowSize) => void)[] = [];
  #writes: Promise<void> = Promise.resolve();

  constructor(broker: Broker, info: Args_ExecSessionInfo, signal: AbortSignal) {
    this.#broker = broker;
    this.#id = info.streamId;
    this.#signal = signal;
    this.args = [...info.args];
    this.env = [...info.env];
    this.tty = info.isTty;
    this.term = info.termType;
    this.initialWindow = info.initialWindow
      ? { height: info.initialWindow.height, width: info.initialWindow.width }
      : undefined;
  }

  #connect(): Promise<grpc.Client> {
    this.#client ??= this.#broker.dial(this.#id, this.#signal).catch((err) => {
      throw new Error(
        `Cannot reach the host's exec session (broker id ${this.#id}): ${(err as Error).message}`,
      );
    });
    return this.#client;
  }

  get input(): AsyncIterable<Uint8Array> {
    // deno-lint-ignore no-this-alias
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        const client = await self.#connect();
        const empty = codec(GoogleProtobuf_Empty);
        const req = codec(ExecSession_InputRequest);
        const call = client.makeServerStreamRequest(
          `${SERVICE}/Input`,
          empty.serialize,
          req.deserialize as (b: Buffer) => ExecSession_InputRequest,
          {},
        );
        self.#inputCall = call;
        call.on("error", () => {}); // cancelled on close; the loop below ends
        for await (const msg of call as AsyncIterable<ExecSession_InputRequest>) {
          // The oneof's member tells what arrived: Go sends input_closed as `false` (present, zero).
          if (Object.hasOwn(msg, "inputClosed")) return;
          if (msg.windowSize) {
            const size = { height: msg.windowSize.height, width: msg.windowSize.width };
            for (const fn of self.#resize) fn(size);
          } else if (msg.data) {
            yield new Uint8Array(msg.data);
          }
        }
      },
    };
  }

  onResize(fn: (size: WindowSize) => void): void {
    this.#resize.push(fn);
  }

  write(data: string | Uint8Array, options?: { stderr?: boolean }): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const stderr = !!options?.stderr;
    // Chained so output arrives in the order it was written.
    this.#writes = this.#writes.then(async () => {
      const client = await this.#connect();
      const out = codec(ExecSession_OutputRequest);
      const empty = codec(GoogleProtobuf_Empty);
      for (let off = 0; off < bytes.length; off += CHUNK) {
        const chunk = bytes.subarray(off, off + CHUNK);
        await new Promise<void>((resolve, reject) =>
          client.makeUnaryRequest(
            `${SERVICE}/Output`,
            out.serialize,
            empty.deserialize,
            { data: chunk, stderr },
            (err) => err ? reject(err) : resolve(),
          )
        );
      }
    });
    return this.#writes;
  }

  async close(): Promise<void> {
    try {
      await this.#writes;
    } finally {
      this.#inputCall?.cancel();
      if (this.#client) (await this.#client.catch(() => undefined))?.close();
    }
  }
}
