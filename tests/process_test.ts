/**
 * The plugin process as the OS sees it: stdout carries exactly the handshake
 * line, SIGINT is ignored (Ctrl-C hits the whole process group; the host
 * decides when plugins stop), SIGTERM stops it cleanly.
 */
import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { exists, makeLauncher, readStdout, REPO, tempDir } from "./support/host.ts";
import { MAGIC_COOKIE_VALUE } from "../mod.ts";

Deno.test("the plugin prints one handshake line, ignores SIGINT, exits cleanly on SIGTERM", async () => {
  const dir = await tempDir("proc-");
  const plugin = await makeLauncher(
    dir,
    "gobuilder",
    join(REPO, "examples", "gobuilder", "main.ts"),
  );
  const child = new Deno.Command(plugin, {
    env: { WAYPOINT_PLUGIN: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
  }
  const line = text.split("\n")[0];
  assertMatch(line, /^1\|1\|unix\|\/.+\/plugin\.sock\|grpc\|$/);
  const socket = line.split("|")[3];
  assert(await exists(socket), "socket missing while serving");
  const dirMode = (await Deno.stat(join(socket, ".."))).mode! & 0o777;
  assertEquals(dirMode, 0o700, "the socket's directory must be private");

  // The launcher execs deno, so child.pid is the plugin itself.
  Deno.kill(child.pid, "SIGINT");
  await new Promise((r) => setTimeout(r, 300));
  assert(await exists(socket), "SIGINT stopped the plugin");

  Deno.kill(child.pid, "SIGTERM");
  const status = await child.status;
  assertEquals(status.code, 0);
  let rest = text.slice(line.length + 1);
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    rest += new TextDecoder().decode(value);
  }
  assertEquals(rest, "", "nothing may follow the handshake on stdout");
  assertEquals(await exists(join(socket, "..")), false, "socket directory left behind");
});

Deno.test("a host asking for gRPC multiplexing is told no in handshake field 7; others never see it", async () => {
  const dir = await tempDir("mux-");
  const plugin = await makeLauncher(
    dir,
    "gobuilder",
    join(REPO, "examples", "gobuilder", "main.ts"),
  );
  for (const [mux, expected] of [["true", /\|grpc\|\|false$/], ["", /\|grpc\|$/]] as const) {
    const child = new Deno.Command(plugin, {
      env: { WAYPOINT_PLUGIN: MAGIC_COOKIE_VALUE, PLUGIN_MULTIPLEX_GRPC: mux },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const text = await readStdout(child);
    assertMatch(text.split("\n")[0], expected);
    child.kill("SIGTERM");
    await child.status;
  }
});
