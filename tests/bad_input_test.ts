/**
 * Bad input from the host: each case gets a gRPC status whose message names
 * the problem, and the plugin keeps serving. The real Go host never sends
 * malformed bytes, so these use a raw gRPC client over the plugin's socket.
 */
import * as grpc from "@grpc/grpc-js";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { declaredPermissions, REPO, tempDir } from "./support/host.ts";
import { launchPlugin, type TestPlugin } from "../src/testing/mod.ts";
import { services } from "../src/gen/wire.ts";
import { wireType } from "./support/wire.ts";

const enc = new TextEncoder();
const SDK = "hashicorp.waypoint.sdk";

function rawClient(p: TestPlugin): grpc.Client {
  return new grpc.Client(
    p.network === "unix" ? `unix://${p.address}` : p.address,
    grpc.credentials.createInsecure(),
    { "grpc.max_send_message_length": -1, "grpc.max_receive_message_length": -1 },
  );
}

/** Sends `bytes` as the request of `/service/method`; resolves with the status code and message. */
function send(
  client: grpc.Client,
  path: string,
  bytes: Uint8Array,
): Promise<{ code: number; details: string }> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (b: Uint8Array) => Buffer.from(b),
      (b: Buffer) => b,
      bytes,
      (err) => resolve({ code: err?.code ?? 0, details: err?.details ?? "" }),
    );
  });
}

function encode(type: string, value: object): Uint8Array {
  return wireType(type).encode(value);
}

function configure(json: Uint8Array): Uint8Array {
  return encode(`${SDK}.Config.ConfigureRequest`, { json });
}

function buildArgs(values: object[]): Uint8Array {
  return encode(`${SDK}.FuncSpec.Args`, { args: values });
}

function any(type: string, value: object): object {
  return {
    type,
    protoAny: { typeUrl: `type.googleapis.com/${type}`, value: encode(type, value) },
  };
}

async function withPlugin(fn: (p: TestPlugin, c: grpc.Client) => Promise<void>) {
  const dir = await tempDir("bad-");
  await Deno.mkdir(join(dir, "app"));
  const entry = join(REPO, "examples", "gobuilder", "main.ts");
  const plugin = await launchPlugin({ cwd: dir, entry, permissions: declaredPermissions(entry) });
  const client = rawClient(plugin);
  try {
    await fn(plugin, client);
    // Still serving afterwards.
    const ok = await send(client, `/${SDK}.Builder/BuildSpec`, new Uint8Array());
    assertEquals(ok.code, 0, "the plugin stopped serving");
  } finally {
    client.close();
    const closed = await plugin.close();
    assertEquals(closed.graceful, true);
  }
}

const INVALID_ARGUMENT = 3;
const FAILED_PRECONDITION = 9;

Deno.test("malformed or hostile requests get INVALID_ARGUMENT or FAILED_PRECONDITION with the reason", async () => {
  await withPlugin(async (_p, c) => {
    const standard = [
      any(`${SDK}.Args.Source`, { app: "a", path: "." }),
      any(`${SDK}.Args.JobInfo`, {}),
      any(`${SDK}.Args.Logger`, { name: "x" }),
      any(`${SDK}.Args.LabelSet`, {}),
      any(`${SDK}.Args.DataDir.App`, {}),
    ];
    const cases: [string, string, Uint8Array, number, string][] = [
      [
        "truncated protobuf",
        "Builder/Configure",
        new Uint8Array([0x0a, 0x50, 0x01]),
        INVALID_ARGUMENT,
        `the request is not a valid ${SDK}.Config.ConfigureRequest message`,
      ],
      [
        "config that is not JSON",
        "Builder/Configure",
        configure(enc.encode("{not json")),
        INVALID_ARGUMENT,
        "the host sent config that is not JSON",
      ],
      [
        "config that is not UTF-8",
        "Builder/Configure",
        configure(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
        INVALID_ARGUMENT,
        "the host sent config that is not JSON",
      ],
      [
        "config of the wrong JSON type",
        "Builder/Configure",
        configure(enc.encode('{"output_name": 42, "source": null}')),
        INVALID_ARGUMENT,
        'field "output_name" must be a string: 42 (a number)',
      ],
      [
        "config that is an array",
        "Builder/Configure",
        configure(enc.encode("[]")),
        INVALID_ARGUMENT,
        'field "config" must be an object: [] (a list)',
      ],
      [
        "config with an unknown field",
        "Builder/Configure",
        configure(enc.encode('{"sauce": "x"}')),
        INVALID_ARGUMENT,
        `field "sauce" is not part of this plugin's config: the fields are "output_name", "source"`,
      ],
      [
        "a build without its arguments",
        "Builder/Build",
        buildArgs([]),
        FAILED_PRECONDITION,
        `the host did not send ${SDK}.Args.TerminalUI (terminal UI)`,
      ],
      [
        "an argument whose bytes are not that message",
        "Builder/Build",
        buildArgs([
          {
            type: `${SDK}.Args.TerminalUI`,
            protoAny: {
              typeUrl: `type.googleapis.com/${SDK}.Args.TerminalUI`,
              value: new Uint8Array([0x08, 0xff]),
            },
          },
          ...standard,
        ]),
        INVALID_ARGUMENT,
        `argument ${SDK}.Args.TerminalUI from the host is not valid`,
      ],
    ];
    for (const [what, method, bytes, code, message] of cases) {
      const r = await send(c, `/${SDK}.${method}`, bytes);
      assertEquals(r.code, code, `${what}: ${r.details}`);
      assertStringIncludes(r.details, message, what);
    }
  });
});

Deno.test("a 32 MiB config string is accepted and decoded", async () => {
  await withPlugin(async (_p, c) => {
    const huge = "x".repeat(32 * 1024 * 1024);
    const r = await send(
      c,
      `/${SDK}.Builder/Configure`,
      configure(enc.encode(JSON.stringify({ output_name: huge, source: "." }))),
    );
    assertEquals(r.code, 0, r.details);
  });
});

Deno.test("fuzz: random bytes to every unary method are answered, and the plugin keeps serving", async () => {
  await withPlugin(async (_p, c) => {
    // A fixed seed: the same cases every run (xorshift32).
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const methods: string[] = [];
    for (const service of ["Builder", "Mapper", "Registry", "Platform", "ReleaseManager"]) {
      for (const [name, [, , cs, ss]] of Object.entries(services[`${SDK}.${service}`])) {
        if (!cs && !ss && !name.startsWith("Build")) methods.push(`/${SDK}.${service}/${name}`);
      }
    }
    let answered = 0;
    const cases = 600;
    for (let i = 0; i < cases; i++) {
      const bytes = new Uint8Array(Math.floor(rand() * 64));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
      const r = await send(c, methods[i % methods.length], bytes);
      // Every answer is a status from the plugin, never a dropped connection.
      assert(r.code !== 14, `UNAVAILABLE after case ${i}: ${r.details}`);
      answered++;
    }
    assertEquals(answered, cases);
  });
});
