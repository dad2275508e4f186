/**
 * AutoMTLS and debug (reattach) mode through the real go-plugin host, and the
 * unix socket's directory and group.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import {
  exists,
  gobuilderApp,
  makeLauncher,
  readStdout,
  REPO,
  runHost,
  tempDir,
} from "./support/host.ts";
import { MAGIC_COOKIE_VALUE } from "../mod.ts";

async function gobuilderProject(): Promise<{ dir: string; plugin: string }> {
  const dir = await gobuilderApp("sec-");
  const plugin = await makeLauncher(
    dir,
    "gobuilder",
    join(REPO, "examples", "gobuilder", "main.ts"),
  );
  return { dir, plugin };
}

Deno.test("with AutoMTLS the plugin serves mutual TLS with a certificate like go-plugin's, and refuses other clients", async () => {
  const { dir, plugin } = await gobuilderProject();
  const { report } = await runHost(["kill", "-plugin", plugin, "-bad-client-cert"], { cwd: dir });
  assertEquals(report.error, "");
  const proc = report.processes[0];
  assertEquals([proc.tls, proc.exited, proc.forced], [true, true, false]);
  const m = proc.mtls;
  assertEquals(m.serverCertInHandshake, true);
  assertEquals(m.connection.verified, true);
  const cert = m.connection.serverCert;
  // The same properties as the host's own go-plugin certificate, bar serial and times.
  const props = (c: Record<string, unknown>) => {
    const { serialBits: _s, notBefore: _b, notAfter: _a, notBeforeAgeS: _g, ...rest } = c;
    return rest;
  };
  assertEquals(props(cert), props(m.clientCert));
  assertEquals(cert.curve, "P-521");
  assertEquals(cert.dnsNames, ["localhost"]);
  assertEquals(cert.extKeyUsage, ["ClientAuth", "ServerAuth"]);
  assert(cert.notBeforeAgeS >= 29 && cert.notBeforeAgeS < 60, `back-dated ${cert.notBeforeAgeS} s`);
  assertEquals(Math.round(cert.validityHours), 262980);
  assertEquals(report.foreignClientRefused, true);
});

Deno.test("with AutoMTLS a build works end to end, UI broker included (go-plugin 1.4.3's own plugins fail here)", async () => {
  const { dir, plugin } = await gobuilderProject();
  const run = await runHost(
    ["build", "-plugin", plugin, "-config", join(dir, "waypoint.hcl"), "-ui", "plain", "-automtls"],
    { cwd: dir },
  );
  assertEquals(run.report.error, "");
  assertEquals(run.report.result.fields, { "1": "./app/app" });
  assertStringIncludes(run.stdout, " +: Application built successfully");
  for (const p of run.report.processes) assertEquals([p.role, p.tls], [p.role, true]);
});

Deno.test("in debug mode the host reattaches, twice in a row, and never stops the plugin", async () => {
  const { dir, plugin } = await gobuilderProject();
  const child = new Deno.Command(plugin, {
    args: ["--debug"],
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const text = await readStdout(
    child,
    (t) =>
      t.includes("WP_REATTACH_PLUGINS='") &&
      /'\n/.test(t.slice(t.indexOf("WP_REATTACH_PLUGINS='") + 21)),
  );
  const value = /WP_REATTACH_PLUGINS='([^']+)'/.exec(text)![1];
  const parsed = JSON.parse(value).gobuilder;
  assertEquals([parsed.Protocol, parsed.ProtocolVersion, parsed.Test, parsed.Pid], [
    "grpc",
    1,
    true,
    child.pid,
  ]);
  // A reattached go-plugin 1.4.3 host leaves its broker socket (plugin<digits>) in its TMPDIR:
  // a folder of its own, under the TMPDIR the plugin may write in, keeps it out of the machine's.
  const hostTmp = await Deno.makeTempDir({ prefix: "wphost-tmp-" });
  try {
    for (const round of [1, 2]) {
      const run = await runHost(
        ["build", "-reattach", "gobuilder", "-config", join(dir, "waypoint.hcl"), "-ui", "plain"],
        { cwd: dir, env: { WP_REATTACH_PLUGINS: value, TMPDIR: hostTmp } },
      );
      assertEquals(run.report.error, "", `round ${round}`);
      assertStringIncludes(run.stdout, " +: Application built successfully");
      for (const p of run.report.processes) {
        assertEquals([p.reattached, p.aliveAfterKill], [true, true], `round ${round}`);
      }
    }
  } finally {
    child.kill("SIGINT"); // by hand, Ctrl-C stops a plugin in debug mode
    const status = await child.status;
    await Deno.remove(hostTmp, { recursive: true });
    assertEquals(status.code, 0);
  }
  assertEquals(await exists(parsed.Addr.String), false);
});

Deno.test("waypoint auth: validation fails, auth fixes it, validation passes", async () => {
  const dir = await tempDir("auth-");
  const plugin = await makeLauncher(
    dir,
    "localdeploy",
    join(REPO, "examples", "localdeploy", "main.ts"),
  );
  const run = await runHost(
    ["auth", "-plugin", plugin, "-component", "registry", "-auth-mode", "needed", "-ui", "plain"],
    { cwd: dir },
  );
  const r = run.report;
  assertEquals(r.error, "", run.stdout);
  assertEquals(r.isAuthenticator, true);
  assertEquals(r.validate.ok, false);
  assertStringIncludes(
    r.validate.error,
    'cannot write to the registry directory ".waypoint/registry"',
  );
  assertEquals([r.auth.ok, r.auth.authenticated], [true, true]);
  assertEquals(r.revalidate.ok, true);
  assert(await exists(join(dir, ".waypoint", "registry")));
  assertStringIncludes(run.stdout, "Created .waypoint/registry");
});

Deno.test("the socket lives in a private directory under PLUGIN_UNIX_SOCKET_DIR, shared with PLUGIN_UNIX_SOCKET_GROUP", async () => {
  const dir = await tempDir("sock-");
  const plugin = await makeLauncher(
    dir,
    "gobuilder",
    join(REPO, "examples", "gobuilder", "main.ts"),
  );
  const group = (await Deno.readTextFile("/etc/group")).split("\n").find((l) =>
    l.startsWith("daemon:")
  );
  const gid = group ? Number(group.split(":")[2]) : undefined;
  const child = new Deno.Command(plugin, {
    env: {
      WAYPOINT_PLUGIN: MAGIC_COOKIE_VALUE,
      PLUGIN_UNIX_SOCKET_DIR: dir,
      ...(gid !== undefined ? { PLUGIN_UNIX_SOCKET_GROUP: "daemon" } : {}),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const line = await readStdout(child);
  const socket = line.split("|")[3];
  assert(socket.startsWith(dir + "/plugin"), socket);
  const parent = await Deno.stat(join(socket, ".."));
  if (gid !== undefined) {
    assertEquals([parent.gid, parent.mode! & 0o777], [gid, 0o750]);
    const s = await Deno.lstat(socket);
    assertEquals([s.gid, s.mode! & 0o777], [gid, 0o660]);
  } else {
    assertEquals(parent.mode! & 0o777, 0o700);
  }
  child.kill("SIGTERM");
  await child.status;
  assertEquals(await exists(join(socket, "..")), false);
});
