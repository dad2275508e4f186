/**
 * The host side of a plugin connection, as Waypoint's go-plugin client has
 * it: unary calls by service and method with plain request objects, the
 * GRPCBroker stream, host-served broker ids (a terminal UI …) on sockets of
 * their own, and Shutdown. Used by the test host and the docs tool.
 */
import * as grpc from "@grpc/grpc-js";
import { join } from "node:path";
import { Code } from "../errors.ts";
import { ConnInfo, services } from "../gen/wire.ts";
import { CHANNEL_OPTIONS, codec, DecodeFailure } from "../internal/grpc.ts";
import { RpcError } from "./rpc_error.ts";

/** A connection to a plugin's gRPC server. */
export class PluginClient {
  #client: grpc.Client;
  #broker: grpc.ClientDuplexStream<unknown, unknown>;
  #brokerIds = 0;
  #servers: { server: grpc.Server; dir: string }[] = [];
  #timers: ReturnType<typeof setTimeout>[] = [];

  /** Connects to a plugin listening at `address` (`network`: `unix` or `tcp`) and opens the broker. */
  constructor(network: string, address: string) {
    const target = network === "unix" ? `unix://${address}` : address;
    this.#client = new grpc.Client(target, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const info = codec(ConnInfo);
    this.#broker = this.#client.makeBidiStreamRequest(
      "/plugin.GRPCBroker/StartStream",
      info.serialize,
      info.deserialize,
    );
    this.#broker.on("error", () => {});
  }

  /**
   * Calls a unary RPC by full service name and method, with a plain request
   * object; the response is decoded with defaults (camelCase fields), an
   * unset message field absent. An
   * error status rejects with an {@linkcode RpcError}; aborting
   * `options.signal` cancels the call.
   */
  call(
    service: string,
    method: string,
    request: unknown = {},
    options: { signal?: AbortSignal } = {},
  ): Promise<Record<string, unknown>> {
    const m = services[service]?.[method];
    if (!m) throw new TypeError(`${service} has no method ${method}`);
    const req = codec(m[0]);
    const res = codec(m[1]);
    const rpc = `${service}/${method}`;
    const { signal } = options;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new RpcError(rpc, Code.CANCELLED, "cancelled before the call was made"));
        return;
      }
      const onAbort = () => call.cancel();
      const call = this.#client.makeUnaryRequest(
        `/${rpc}`,
        req.serialize,
        (b: Buffer) => {
          const v = res.deserialize(b);
          if (v instanceof DecodeFailure) throw v.toError();
          return v;
        },
        request,
        (err, value) => {
          signal?.removeEventListener("abort", onAbort);
          if (err) reject(new RpcError(rpc, err.code as Code, err.details || err.message));
          else resolve((value ?? {}) as Record<string, unknown>);
        },
      );
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Serves host-side services on a new unix socket and announces it over the
   * broker, at once or after `delayMs` (`Infinity`: never); returns the id.
   */
  async serve(register: (server: grpc.Server) => void, delayMs = 0): Promise<number> {
    const server = new grpc.Server();
    register(server);
    const dir = await Deno.makeTempDir({ prefix: "wphost" });
    const address = join(dir, "s.sock");
    await new Promise<void>((resolve, reject) =>
      server.bindAsync(
        `unix://${address}`,
        grpc.ServerCredentials.createInsecure(),
        (err) => err ? reject(err) : resolve(),
      )
    );
    this.#servers.push({ server, dir });
    const id = ++this.#brokerIds;
    const announce = () => this.#broker.write({ serviceId: id, network: "unix", address });
    if (delayMs <= 0) announce();
    else if (Number.isFinite(delayMs)) this.#timers.push(setTimeout(announce, delayMs));
    return id;
  }

  /** Stops every host-side server and removes its socket. */
  async stopServers(): Promise<void> {
    for (const t of this.#timers.splice(0)) clearTimeout(t);
    for (const { server, dir } of this.#servers.splice(0)) {
      await new Promise<void>((r) => server.tryShutdown(() => r()));
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }

  /** Closes as Waypoint does: the broker stream ends, Shutdown is called, the connection closes. */
  async close(): Promise<void> {
    this.#broker.end();
    await this.call("plugin.GRPCController", "Shutdown").catch(() => {});
    this.#client.close();
    await this.stopServers();
  }
}
