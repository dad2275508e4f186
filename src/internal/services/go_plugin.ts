/** go-plugin's own services: health, controller, stdio, broker. */
import type * as grpc from "@grpc/grpc-js";
import type { ConnInfo, HealthCheckRequest } from "../../gen/wire.ts";
import type { Broker } from "../broker.ts";
import { addService, unary } from "../grpc.ts";
import type { Secrets } from "../secrets.ts";
import { Code, PluginError } from "../../errors.ts";

const SERVING = 1;

/** Registers Health, GRPCController, GRPCStdio and GRPCBroker on `server`. */
export function addGoPluginServices(
  server: grpc.Server,
  broker: Broker,
  shutdown: () => void,
  secrets: Secrets,
): void {
  const options = { secrets };
  addService(server, "grpc.health.v1.Health", {
    Check: unary((req) => {
      const service = (req as HealthCheckRequest).service;
      if (service === "" || service === "plugin") return { status: SERVING };
      throw new PluginError(`unknown service ${service}`, Code.NOT_FOUND);
    }),
    Watch: (call: grpc.ServerWritableStream<HealthCheckRequest, unknown>) => {
      call.write({ status: SERVING });
    },
  }, options);
  addService(server, "plugin.GRPCController", {
    Shutdown: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      callback(null, {});
      // Let the reply go out before the server goes away (the host ignores it either way).
      setTimeout(shutdown, 0);
    },
  }, options);
  addService(server, "plugin.GRPCStdio", {
    // Held open and silent: Waypoint discards whatever arrives here, and
    // our stdout never carries anything after the handshake anyway.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      call.on("cancelled", () => call.end());
    },
  }, options);
  addService(server, "plugin.GRPCBroker", {
    StartStream: (call: grpc.ServerDuplexStream<ConnInfo, ConnInfo>) => broker.attach(call),
  }, options);
}
