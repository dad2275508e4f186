/**
 * The serving core (`start()`, what `serve()` wraps): a server of its own
 * per call, so servers in one process do not reach into each other.
 */
import { assert, assertEquals } from "./support/assert.ts";
import { defineConfigSourcer, start } from "../mod.ts";
import { PluginClient } from "../src/client/plugin_client.ts";
import { RpcError } from "../src/client/rpc_error.ts";
import { Args_Logger } from "../src/gen/wire.ts";

const SOURCER = "hashicorp.waypoint.sdk.ConfigSourcer";

/** A FuncSpec.Args with the one argument `read` takes: the logger. */
const READ_ARGS = {
  args: [{
    name: "",
    type: Args_Logger.typeName,
    primitiveType: 0,
    protoAny: { typeUrl: Args_Logger.typeUrl, value: Args_Logger.encode({ name: "test" }) },
  }],
};

Deno.test("two servers in one process: stopping one does not abort the other's running operation", async () => {
  const started: Record<string, PromiseWithResolvers<void>> = {
    a: Promise.withResolvers(),
    b: Promise.withResolvers(),
  };
  const aborted: Record<string, boolean> = {};
  const release = Promise.withResolvers<void>();
  const sourcer = (name: string) =>
    defineConfigSourcer({
      async read(ctx) {
        started[name].resolve();
        const gone = new Promise<void>((r) => ctx.signal.addEventListener("abort", () => r()));
        await Promise.race([release.promise, gone]);
        aborted[name] = ctx.signal.aborted;
        return [{ name, value: "read" }];
      },
    });
  const a = await start({ configSourcer: sourcer("a") }, { name: "a", logLevel: "error" });
  const b = await start({ configSourcer: sourcer("b") }, { name: "b", logLevel: "error" });
  const clientA = new PluginClient(a.network, a.address);
  const clientB = new PluginClient(b.network, b.address);
  const readA = clientA.call(SOURCER, "Read", READ_ARGS).then(() => undefined, (e) => e);
  const readB = clientB.call(SOURCER, "Read", READ_ARGS);
  await Promise.all([started.a.promise, started.b.promise]);

  await a.stop();
  await a.done;
  assertEquals(aborted.a, true, "the stopped server's own operation is aborted");
  const errA = await readA;
  assert(errA === undefined || errA instanceof RpcError, String(errA));
  assertEquals(aborted.b, undefined, "the other server's operation is still running");

  release.resolve();
  const answer = await readB;
  assertEquals(aborted.b, false);
  assertEquals(answer.values, [{ name: "b", value: "read" }]);
  await clientA.close();
  await clientB.close(); // Shutdown: the host stops the server it is connected to
  await b.done;
});

Deno.test("start() reads no environment variable: go-plugin's settings come from its options", async () => {
  // serve() would refuse both: a port range that is not one, and a client certificate that is none.
  const saved = ["PLUGIN_MIN_PORT", "PLUGIN_CLIENT_CERT"].map((k) => [k, Deno.env.get(k)] as const);
  Deno.env.set("PLUGIN_MIN_PORT", "not a port");
  Deno.env.set("PLUGIN_CLIENT_CERT", "not a certificate");
  try {
    const running = await start(
      { configSourcer: defineConfigSourcer({ read: () => [] }) },
      { transport: "tcp", listen: { minPort: "10000", maxPort: "25000" }, logLevel: "error" },
    );
    assertEquals(running.network, "tcp");
    assertEquals(running.serverCert, undefined);
    const port = Number(running.address.split(":")[1]);
    assert(port >= 10000 && port <= 25000, running.address);
    await running.stop();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
  }
});
