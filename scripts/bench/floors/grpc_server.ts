/**
 * Start-up floor: a bare grpc-js server doing the handshake our plugins do
 * (import, bind a unix socket in a fresh directory, print the line) and
 * serving what the host calls first: go-plugin's stdio and broker streams
 * (held open), Builder/IsAuthenticator (an empty answer) and
 * GRPCController/Shutdown (answers, removes the socket, exits as our
 * `serve()` does). Messages pass through as bytes: no protobufjs, no
 * toolkit, so the toolkit's own cost is our plugin's time minus this one's.
 *
 * @module
 */
import * as grpc from "@grpc/grpc-js";
import { Buffer } from "node:buffer";

function method(path: string, requestStream: boolean, responseStream: boolean) {
  const id = (b: Buffer) => b;
  return {
    path,
    requestStream,
    responseStream,
    requestSerialize: id,
    requestDeserialize: id,
    responseSerialize: id,
    responseDeserialize: id,
  };
}

const dir = Deno.makeTempDirSync({ prefix: "plugin" });
const address = `${dir}/plugin.sock`;
const server = new grpc.Server();
const empty = Buffer.alloc(0);
server.addService({ StreamStdio: method("/plugin.GRPCStdio/StreamStdio", false, true) }, {
  StreamStdio: () => {},
});
server.addService({ StartStream: method("/plugin.GRPCBroker/StartStream", true, true) }, {
  StartStream: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => call.on("end", () => call.end()),
});
server.addService(
  { IsAuthenticator: method("/hashicorp.waypoint.sdk.Builder/IsAuthenticator", false, false) },
  { IsAuthenticator: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, empty) },
);
server.addService({ Shutdown: method("/plugin.GRPCController/Shutdown", false, false) }, {
  Shutdown: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => {
    cb(null, empty);
    setTimeout(() => {
      server.forceShutdown();
      Deno.removeSync(dir, { recursive: true });
      Deno.exit(0);
    }, 0);
  },
});
server.bindAsync(`unix://${address}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  Deno.stdout.writeSync(new TextEncoder().encode(`1|1|unix|${address}|grpc|\n`));
});
