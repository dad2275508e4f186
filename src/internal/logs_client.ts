/**
 * `waypoint logs` over the broker: the host serves LogViewer on the id in
 * `Args.LogViewer`; each batch is one message on a client stream, which is
 * half-closed (and its reply awaited) before the operation returns.
 */
import type * as grpc from "@grpc/grpc-js";
import type { LogEvent, LogViewer } from "../components/sessions.ts";
import type { Args_LogViewer } from "../gen/wire.ts";
import { GoogleProtobuf_Empty, Logs_NextBatchResp } from "../gen/wire.ts";
import type { Broker } from "./broker.ts";
import { codec } from "./grpc.ts";

const PATH = "/hashicorp.waypoint.sdk.LogViewer/NextLogBatch";

function toTimestamp(d: Date): { seconds: number; nanos: number } {
  const ms = d.getTime();
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 };
}

/** The log viewer bridge. */
export class BrokerLogViewer implements LogViewer {
  readonly startingAt: Date | undefined;
  readonly limit: number;
  #broker: Broker;
  #id: number;
  #signal: AbortSignal;
  #stream:
    | Promise<
      { call: grpc.ClientWritableStream<unknown>; done: Promise<void>; client: grpc.Client }
    >
    | undefined;

  constructor(broker: Broker, info: Args_LogViewer, signal: AbortSignal) {
    this.#broker = broker;
    this.#id = info.streamId;
    this.#signal = signal;
    this.limit = info.limit;
    const t = info.startingAt;
    this.startingAt = t && (t.seconds || t.nanos)
      ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6))
      : undefined;
  }

  #open() {
    this.#stream ??= (async () => {
      const client = await this.#broker.dial(this.#id, this.#signal).catch((err) => {
        throw new Error(
          `Cannot reach the host's log viewer (broker id ${this.#id}): ${(err as Error).message}`,
        );
      });
      const batch = codec(Logs_NextBatchResp);
      const empty = codec(GoogleProtobuf_Empty);
      let call!: grpc.ClientWritableStream<unknown>;
      const done = new Promise<void>((resolve, reject) => {
        call = client.makeClientStreamRequest(
          PATH,
          batch.serialize,
          empty.deserialize,
          (err) => err ? reject(err) : resolve(),
        );
      });
      return { call, done, client };
    })();
    return this.#stream;
  }

  async send(events: LogEvent[]): Promise<void> {
    const { call } = await this.#open();
    const msg = {
      events: events.map((e) => ({
        partition: e.partition,
        contents: e.contents,
        timestamp: toTimestamp(e.timestamp),
      })),
    };
    await new Promise<void>((resolve) => {
      if (call.write(msg)) resolve();
      else call.once("drain", () => resolve());
    });
  }

  async close(): Promise<void> {
    if (!this.#stream) return;
    const { call, done, client } = await this.#stream;
    call.end();
    try {
      await done;
    } catch (err) {
      // The SDK's LogViewer server returns the io.EOF its Recv gets when we half-close, which
      // reaches us as UNKNOWN "EOF": that is its way of ending a stream that went well.
      const e = err as { code?: number; details?: string };
      if (!(e.code === 2 && e.details === "EOF")) throw err;
    } finally {
      client.close();
    }
  }
}
