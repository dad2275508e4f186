/**
 * The shared mechanisms under "no hang, only well-formed strings": the
 * protobuf string writer, statuses, the unary answer and session closing.
 * The end-to-end proof through the Go host is ill_formed_test.ts.
 */
import type * as grpc from "@grpc/grpc-js";
import protobuf from "protobufjs/minimal.js";
import { TerminalUI_Event } from "../src/gen/wire.ts";
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { Binary } from "../examples/gobuilder/gen/output.ts";
import { codec, serveUnary, toStatus } from "../src/internal/grpc.ts";
import { closeSessions } from "../src/internal/close_sessions.ts";
import { encodeResult } from "../src/internal/result.ts";
import { Secrets } from "../src/internal/secrets.ts";

const secrets = new Secrets();
import { formatLogLine } from "../src/logger.ts";
import { Code, PluginError } from "../mod.ts";

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const valid = (b: Uint8Array) => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

/** The bytes of field 1 of `bytes`, `depth` messages deep (the string inside Event.line.msg …). */
function field1(bytes: Uint8Array, depth: number): Uint8Array {
  const r = protobuf.Reader.create(bytes);
  r.uint32(); // tag of field 1, length-delimited
  const inner = r.bytes();
  return depth > 1 ? field1(inner, depth - 1) : inner;
}

Deno.test("every protobuf string is written as UTF-8 with lone surrogates as U+FFFD, short or long", () => {
  // protobufjs takes one path for strings under 40 units and another above; both must agree.
  for (
    const s of ["x\ud800", "\udc00", "a\udc00\ud800b", "y".repeat(200) + "\ud83d", "😀\ud83d😀"]
  ) {
    const what = JSON.stringify(s);
    const location = field1(Binary.encode({ location: s }), 1);
    assert(valid(location), `${what}: ${hex(location)}`);
    assertEquals(new TextDecoder().decode(location), s.toWellFormed(), what);
    const event = codec(TerminalUI_Event).serialize({
      line: { msg: s, style: "" },
    });
    const msg = field1(new Uint8Array(event), 2);
    assert(valid(msg), `${what}: ${hex(msg)}`);
    assertEquals(new TextDecoder().decode(msg), s.toWellFormed(), what);
  }
  assertEquals(hex(Binary.encode({ location: "\ud800" })), "0a03efbfbd");
});

Deno.test("toStatus() sends a well-formed message, a real error code, and never throws", () => {
  assertEquals(toStatus(new Error("cut \ud83d"), secrets), { code: 2, details: "cut \ufffd" });
  assertEquals(toStatus(new PluginError("ok?", Code.OK), secrets).code, 2);
  assertEquals(toStatus(new PluginError("odd", 99 as Code), secrets).code, 2);
  assertEquals(toStatus(new PluginError("gone", Code.NOT_FOUND), secrets).code, 5);
  const hostile = new Proxy({}, {
    get() {
      throw new Error("no");
    },
    getPrototypeOf() {
      throw new Error("no");
    },
  });
  for (const thrown of [Object.create(null), hostile, Symbol("s\ud800"), null, undefined]) {
    const s = toStatus(thrown, secrets);
    assertEquals(typeof s.details, "string");
    assert(s.details!.isWellFormed(), String(s.details));
    encodeURI(s.details!); // what grpc-js does with it
  }
});

Deno.test("a unary call is answered even when sending its answer throws", async () => {
  const answers: unknown[] = [];
  // A callback that throws once, as grpc-js does when it cannot encode what it is given.
  let throws = 1;
  const callback = ((err: unknown, value: unknown) => {
    answers.push(err ?? value);
    if (throws-- > 0) throw new URIError("URI malformed");
  }) as grpc.sendUnaryData<unknown>;
  const call = { request: {} } as grpc.ServerUnaryCall<unknown, unknown>;
  serveUnary(() => ({ fine: true }), secrets)(call, callback);
  await new Promise((r) => setTimeout(r, 10));
  assertEquals(answers.length, 2);
  assertEquals((answers[1] as { code: number }).code, Code.UNKNOWN);
  assertStringIncludes((answers[1] as { details: string }).details, "URI malformed");
});

Deno.test("closing sessions always ends: a session that throws, hangs or is not async is reported", async () => {
  const order: string[] = [];
  const err = await closeSessions(
    [
      () => {
        order.push("a");
        throw new Error("not even a promise");
      },
      () => {
        order.push("b");
        return new Promise(() => {}); // never settles
      },
      () => {
        order.push("c");
        return Promise.resolve();
      },
    ],
    "build",
    50,
  );
  assertEquals(order, ["a", "b"]);
  assertEquals(err?.code, Code.INTERNAL);
  assertEquals(
    err?.message,
    "build finished, but closing its sessions with the host (terminal UI, exec, logs) failed: not even a promise",
  );
  assertEquals(await closeSessions([() => Promise.resolve()], "build", 50), undefined);
  const slow = await closeSessions([() => new Promise(() => {})], "deploy", 20);
  assertStringIncludes(slow!.message, "they did not close within 0.02 s");
});

Deno.test("result_json, template data and log lines hold no lone surrogates, keys included", () => {
  const r = encodeResult(Binary.create({ location: "a\ud800" }), Binary, "build");
  assertEquals(r.resultJson, '{"location":"a\ufffd"}');
  assertEquals(new TextDecoder().decode(r.templateData), '{"location":"a\ufffd"}');
  const line = formatLogLine("info", "plugin", "m\udfff", { ["k\ud800"]: ["v\ud83d"] });
  assertEquals(line.includes("\\ud"), false, line);
  const entry = JSON.parse(line);
  assertEquals([entry["@message"], entry["k\ufffd"]], ["m\ufffd", ["v\ufffd"]]);
});
