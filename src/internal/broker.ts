/**
 * go-plugin's GRPCBroker, plugin side. The host's StartStream carries
 * ConnInfos of services it serves for us (the terminal UI, log viewer, exec
 * session); we dial those by id. Ids we serve go back on the same stream.
 */
import * as grpc from "@grpc/grpc-js";
import type { ConnInfo } from "../gen/wire.ts";
import { CHANNEL_OPTIONS, DecodeFailure } from "./grpc.ts";
import type { Credentials } from "./credentials.ts";
import type { Listener } from "./listener.ts";

/** How long `dial` waits for the host's ConnInfo, as Go's broker does. */
export const DIAL_TIMEOUT_MS = 5000;

/** The grpc-js target for a ConnInfo address. */
export function target(network: string, address: string): string {
  return network === "unix" ? `unix://${address}` : address;
}

/** How a broker makes its own servers' listeners and dials the host's. */
export interface BrokerOptions {
  /** Binds a server on a new listener, as the main server's was. */
  listen(server: grpc.Server): Promise<Listener>;
  /** The credentials of the plugin's connections. */
  credentials: Credentials;
}

/** One broker per server; a host connection at a time attaches to it. */
export class Broker {
  #options: BrokerOptions;
  #infos = new Map<number, ConnInfo>();
  #waiters = new Map<number, Set<(info: ConnInfo) => void>>();
  #stream: grpc.ServerDuplexStream<ConnInfo, ConnInfo> | undefined;
  #queued: ConnInfo[] = [];
  #nextId = 0;
  #listeners: Listener[] = [];
  #closed = false;
  #onEnd: (() => void) | undefined;

  constructor(options: BrokerOptions) {
    this.#options = options;
  }

  /** Called when the host's StartStream ends (the host closed the broker or went away). */
  set onEnd(fn: () => void) {
    this.#onEnd = fn;
  }

  /** Serves `StartStream`: keeps it open, buffers the host's ConnInfos by id. */
  attach(call: grpc.ServerDuplexStream<ConnInfo, ConnInfo>): void {
    // A new host connection (debug mode serves one after another) numbers its ids from 1 again:
    // what the previous host announced is gone with it.
    if (this.#stream !== undefined || this.#infos.size > 0) this.#infos.clear();
    this.#stream = call;
    for (const info of this.#queued.splice(0)) call.write(info);
    call.on("data", (info: ConnInfo | DecodeFailure) => {
      if (info instanceof DecodeFailure) return; // Not a ConnInfo: nothing to dial.
      const id = info.serviceId;
      this.#infos.set(id, info);
      const waiting = this.#waiters.get(id);
      if (waiting) {
        this.#waiters.delete(id);
        for (const w of waiting) w(info);
      }
    });
    const end = () => {
      if (this.#stream !== call) return;
      this.#stream = undefined;
      this.#onEnd?.();
    };
    call.on("end", () => {
      end();
      call.end();
    });
    call.on("cancelled", end);
    call.on("error", end);
  }

  /** Waits (up to 5 s) for the host to announce `id`, then returns a grpc-js target for it. */
  async resolve(id: number, signal?: AbortSignal): Promise<string> {
    const known = this.#infos.get(id);
    const info = known ?? await new Promise<ConnInfo>((resolve, reject) => {
      const set = this.#waiters.get(id) ?? new Set();
      const done = (info: ConnInfo) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        resolve(info);
      };
      const onAbort = () => {
        set.delete(done);
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        set.delete(done);
        signal?.removeEventListener("abort", onAbort);
        reject(
          new Error(
            `timeout waiting for connection info for broker id ${id}: the host never announced it`,
          ),
        );
      }, DIAL_TIMEOUT_MS);
      set.add(done);
      this.#waiters.set(id, set);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    return target(info.network, info.address);
  }

  /** Dials host-served id `id` and returns a client for it; close it when done. */
  async dial(id: number, signal?: AbortSignal): Promise<grpc.Client> {
    const t = await this.resolve(id, signal);
    const { creds, options } = this.#options.credentials.client();
    // Every broker id is a new address, dialled once: a subchannel pool of the channel's own
    // goes with it. grpc-js's global pool would keep an entry per address for good.
    return new grpc.Client(t, creds, {
      ...CHANNEL_OPTIONS,
      ...options,
      "grpc.use_local_subchannel_pool": 1,
    });
  }

  /**
   * Serves services on a new listener under a fresh plugin-side id and
   * announces it to the host; returns the id to put in the RPC response.
   */
  async serve(register: (server: grpc.Server) => void): Promise<number> {
    if (this.#closed) throw new Error("broker is closed");
    const server = new grpc.Server(CHANNEL_OPTIONS);
    register(server);
    const listener = await this.#options.listen(server);
    this.#listeners.push(listener);
    const id = ++this.#nextId;
    const info: ConnInfo = {
      serviceId: id,
      network: listener.network,
      address: listener.address,
    };
    if (this.#stream) this.#stream.write(info);
    else this.#queued.push(info);
    return id;
  }

  /** Stops every server this broker started. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#listeners.map((l) => l.close()));
  }

  /** Stops every server this broker started at once and removes their sockets. */
  closeNow(): void {
    this.#closed = true;
    for (const l of this.#listeners) l.closeNow();
  }
}
