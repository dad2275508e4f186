/**
 * gRPC broker multiplexing against a real go-plugin >= 1.6 client
 * (tests/conformance/mux, its own Go module): a host that asks for it gets
 * `|false` in handshake field 7 and fails with go-plugin's own "not supported"
 * error; a host that does not ask starts the plugin as usual.
 */
import { assertEquals } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { makeLauncher, REPO, tempDir, WORK } from "./support/host.ts";

const MUX_DIR = join(REPO, "tests", "conformance", "mux");
const MUX_BIN = join(WORK, "bin", Deno.build.os === "windows" ? "wpmux.exe" : "wpmux");

let built: Promise<string> | undefined;

/** Builds the multiplexing host once per test process. */
function muxBinary(): Promise<string> {
  built ??= (async () => {
    const res = await new Deno.Command("go", {
      args: ["build", "-o", MUX_BIN, "."],
      cwd: MUX_DIR,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!res.success) {
      throw new Error(`go build of wpmux failed:\n${new TextDecoder().decode(res.stderr)}`);
    }
    return MUX_BIN;
  })();
  return built;
}

interface MuxReport {
  multiplex: boolean;
  clientError: string;
  isMuxNotSupported: boolean;
  killed: boolean;
}

async function runMux(multiplex: boolean): Promise<MuxReport> {
  const bin = await muxBinary();
  const dir = await tempDir("mux-");
  const plugin = await makeLauncher(
    dir,
    "gobuilder",
    join(REPO, "examples", "gobuilder", "main.ts"),
  );
  const report = join(dir, "report.json");
  // The host that asks for multiplexing kills the plugin, which cannot remove its socket's
  // directory then: a TMPDIR of the test's own (the plugin inherits it) keeps that in the test.
  const tmp = join(dir, "tmp");
  await Deno.mkdir(tmp);
  const out = await new Deno.Command(bin, {
    args: ["-plugin", plugin, `-multiplex=${multiplex}`, "-report", report],
    cwd: dir,
    env: { TMPDIR: tmp },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assertEquals(
    out.code,
    0,
    `wpmux failed:\n${dec.decode(out.stdout)}\n${dec.decode(out.stderr)}`,
  );
  return JSON.parse(await Deno.readTextFile(report));
}

Deno.test("a go-plugin >= 1.6 host that asks for broker multiplexing fails with its own not-supported error", async () => {
  const report = await runMux(true);
  assertEquals(report, {
    multiplex: true,
    // The bare sentinel: go-plugin parsed field 7 as `false`. A missing field
    // would have added a hint to recompile against a newer go-plugin.
    clientError:
      "client requested gRPC broker multiplexing but plugin does not support the feature",
    isMuxNotSupported: true,
    killed: true,
  });
});

Deno.test("a go-plugin >= 1.6 host that does not ask for multiplexing starts the plugin", async () => {
  const report = await runMux(false);
  assertEquals(report, {
    multiplex: false,
    clientError: "",
    isMuxNotSupported: false,
    killed: true,
  });
});
