/**
 * Start-up failures read as configuration errors: one hclog error naming the
 * variable, its value and the fix, nothing left behind, and the exit a Go
 * plugin makes (go-plugin's Serve logs "plugin init error" and returns, and
 * the SDK's Main with it: status 0). Through the Go host, side by side with
 * the Go SDK reference plugin, and run directly.
 */
import { assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { goPluginBinary, makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";
import { MAGIC_COOKIE_VALUE } from "../mod.ts";

const GOBUILDER = join(REPO, "examples", "gobuilder", "main.ts");

/** A directory whose path is `length` bytes long. */
async function longDir(length: number): Promise<string> {
  const base = await tempDir("long-");
  const dir = join(base, "d".repeat(length - base.length - 1));
  await Deno.mkdir(dir);
  return dir;
}

async function entries(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) out.push(e.name);
  return out;
}

interface Direct {
  code: number;
  stdout: string;
  lines: Record<string, unknown>[];
}

/** Runs a plugin executable by hand, as go-plugin would (cookie set), with `env`. */
async function runDirect(exe: string, env: Record<string, string>): Promise<Direct> {
  const out = await new Deno.Command(exe, {
    env: { WAYPOINT_PLUGIN: MAGIC_COOKIE_VALUE, ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const text = new TextDecoder().decode(out.stderr);
  return {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    lines: text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l)),
  };
}

function initError(lines: Record<string, unknown>[]): Record<string, unknown> {
  assertEquals(
    lines.length,
    1,
    `one line, not:\n${lines.map((l) => JSON.stringify(l)).join("\n")}`,
  );
  const [line] = lines;
  assertEquals([line["@level"], line["@message"], line["@module"]], [
    "error",
    "plugin init error",
    "plugin",
  ]);
  return line;
}

Deno.test("a socket path over the OS limit: the same exit and host error as a Go SDK plugin, one line that says which variable to fix", async () => {
  const dir = await longDir(100);
  const ours = await makeLauncher(await tempDir("start-"), "gobuilder", GOBUILDER);
  const go = await goPluginBinary();
  const env = { TMPDIR: dir };

  const goDirect = await runDirect(go, env);
  const tsDirect = await runDirect(ours, env);
  assertEquals(tsDirect.code, goDirect.code, "exit status");
  assertEquals([tsDirect.stdout, goDirect.stdout], ["", ""]);
  assertStringIncludes(String(initError(goDirect.lines).error), "bind: invalid argument");
  const line = initError(tsDirect.lines);
  assertEquals([line.variable, line.value], ["TMPDIR", dir]);
  assertEquals(
    String(line.error).replace(/plugin[0-9a-f]+/, "pluginX").replace(
      / is \d+ bytes/,
      " is N bytes",
    ),
    `TMPDIR is "${dir}", too long for a unix socket: "${dir}/pluginX/plugin.sock" is N bytes, over this OS's limit of 107: set PLUGIN_UNIX_SOCKET_DIR or TMPDIR to a directory of at most 72 bytes`,
  );

  const cwd = await tempDir("start-host-");
  const goHost = await runHost(["kill", "-plugin", go], { cwd, env });
  const tsHost = await runHost(["kill", "-plugin", ours], { cwd, env });
  assertEquals(
    [tsHost.report.stage, tsHost.report.error],
    [goHost.report.stage, goHost.report.error],
    "what the host reports",
  );
  const relogged = tsHost.log.filter((l) => l["@message"] === "plugin init error");
  assertEquals(relogged.length, 1);
  assertEquals([relogged[0]["@level"], relogged[0].variable], ["error", "TMPDIR"]);
  assertEquals(tsHost.log.some((l) => /unhandled/.test(String(l["@message"]))), false);
  assertEquals(await entries(dir), [], "the private directory stayed behind");
});

Deno.test("bad socket variables through the Go host: one line naming the variable, nothing left behind", async () => {
  const ours = await makeLauncher(await tempDir("start-"), "gobuilder", GOBUILDER);
  const long = await longDir(90);
  const empty = await tempDir("sockdir-");
  const cases: [Record<string, string>, string, string][] = [
    [
      { PLUGIN_UNIX_SOCKET_DIR: "/nonexistent/sockets" },
      "PLUGIN_UNIX_SOCKET_DIR",
      'PLUGIN_UNIX_SOCKET_DIR is "/nonexistent/sockets", which does not exist: set PLUGIN_UNIX_SOCKET_DIR to a directory this user can write, or unset it',
    ],
    [
      { PLUGIN_UNIX_SOCKET_DIR: long },
      "PLUGIN_UNIX_SOCKET_DIR",
      "set PLUGIN_UNIX_SOCKET_DIR to a directory of at most 72 bytes",
    ],
    [
      { PLUGIN_UNIX_SOCKET_DIR: empty, PLUGIN_UNIX_SOCKET_GROUP: "no-such-group" },
      "PLUGIN_UNIX_SOCKET_GROUP",
      'PLUGIN_UNIX_SOCKET_GROUP is "no-such-group", which is not a group on this system: use a group name from /etc/group or a numeric id, or unset it',
    ],
  ];
  const cwd = await tempDir("start-host-");
  for (const [env, variable, message] of cases) {
    const run = await runHost(["kill", "-plugin", ours], { cwd, env });
    assertEquals(run.report.ok, false);
    const lines = run.log.filter((l) => l["@module"] === "plugin");
    assertEquals(lines.length, 1, JSON.stringify(lines));
    assertEquals([lines[0]["@level"], lines[0]["@message"], lines[0].variable], [
      "error",
      "plugin init error",
      variable,
    ]);
    assertStringIncludes(String(lines[0].error), message);
  }
  assertEquals(await entries(long), []);
  assertEquals(await entries(empty), []);
});

Deno.test("bad PLUGIN_MIN_PORT, PLUGIN_MAX_PORT and transport run by hand: exit 0, one line, nothing on stdout", async () => {
  // The Go host sets PLUGIN_MIN_PORT and PLUGIN_MAX_PORT itself, so only a direct run can pass bad ones.
  const ours = await makeLauncher(await tempDir("start-"), "gobuilder", GOBUILDER);
  const cases: [Record<string, string>, string, string, string][] = [
    [
      { WAYPOINT_PLUGIN_TRANSPORT: "tcp", PLUGIN_MIN_PORT: "abc" },
      "PLUGIN_MIN_PORT",
      "abc",
      'PLUGIN_MIN_PORT is "abc", which is not a port number: set it to a whole number from 0 to 65535, or unset it',
    ],
    [
      { WAYPOINT_PLUGIN_TRANSPORT: "tcp", PLUGIN_MAX_PORT: "70000" },
      "PLUGIN_MAX_PORT",
      "70000",
      'PLUGIN_MAX_PORT is "70000", which is not a port number: set it to a whole number from 0 to 65535, or unset it',
    ],
    [
      { WAYPOINT_PLUGIN_TRANSPORT: "tcp", PLUGIN_MIN_PORT: "20000", PLUGIN_MAX_PORT: "10000" },
      "PLUGIN_MIN_PORT",
      "20000",
      'PLUGIN_MIN_PORT is "20000" and PLUGIN_MAX_PORT is "10000", so no port is allowed: set PLUGIN_MIN_PORT to at most PLUGIN_MAX_PORT',
    ],
    [
      { WAYPOINT_PLUGIN_TRANSPORT: "quic" },
      "WAYPOINT_PLUGIN_TRANSPORT",
      "quic",
      'WAYPOINT_PLUGIN_TRANSPORT is "quic": set it to one of unix, tcp, or unset it',
    ],
  ];
  for (const [env, variable, value, message] of cases) {
    const r = await runDirect(ours, env);
    assertEquals([r.code, r.stdout], [0, ""], JSON.stringify(env));
    const line = initError(r.lines);
    assertEquals([line.variable, line.value, line.error], [variable, value, message]);
  }
});
