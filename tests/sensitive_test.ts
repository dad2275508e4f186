/**
 * `sensitive` means never shown: through the real Go host, with the host
 * logging at trace and the plugin too, no sensitive value reaches Waypoint's
 * output, the error it reports or its log, whatever the author does with it.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { makeLauncher, REPO, runHost, tempDir } from "./support/host.ts";

const SECRETS = [
  "hunter2",
  "s3cr3t-pass",
  "vault-key-value",
  "key-one-value",
  "key-two-value",
  "header-secret",
  // Long enough that no timestamp, port or pid in the trace log contains it by chance.
  "739164825",
];
const HIDDEN = "(sensitive value hidden)";

async function build(mode: string) {
  const dir = await tempDir("secret-");
  await Deno.writeTextFile(
    join(dir, "waypoint.hcl"),
    `project = "p"

app "a" {
  build {
    use "secret" {
      mode  = "${mode}"
      token = "hunter2"
      auth {
        user     = "alice"
        password = "s3cr3t-pass"
      }
      vault {
        key = "vault-key-value"
      }
      keys    = ["key-one-value", "key-two-value"]
      headers = { "X-Auth" = "header-secret" }
      pin     = 739164825
    }
  }
}
`,
  );
  const plugin = await makeLauncher(
    dir,
    "secret",
    join(REPO, "tests", "fixtures", "secret_plugin.ts"),
  );
  const run = await runHost(
    [
      "build",
      "-plugin",
      plugin,
      "-config",
      join(dir, "waypoint.hcl"),
      "-ui",
      "plain",
      "-push=false",
    ],
    { cwd: dir, env: { WAYPOINT_PLUGIN_LOG_LEVEL: "trace" } },
  );
  const everything = [
    run.stdout,
    run.stderr,
    JSON.stringify(run.report),
    ...run.log.map((l) => JSON.stringify(l)),
  ]
    .join("\n");
  for (const s of SECRETS) {
    assertEquals(
      everything.includes(s),
      false,
      `${mode}: "${s}" was shown:\n${
        everything.split("\n").filter((l) => l.includes(s)).join("\n")
      }`,
    );
  }
  return run;
}

Deno.test("a ConfigError on a sensitive field shows the field and the rule, never the value", async () => {
  const cases: [string, string][] = [
    ["reject-token", `field "token" must not be the example password: ${HIDDEN}`],
    ["reject-password", `field "auth.password" is too short: ${HIDDEN} (7 characters)`],
    ["reject-pin", `field "pin" must not be the default PIN: ${HIDDEN}`],
    ["reject-vault", `field "vault" must name a reachable vault: ${HIDDEN}`],
    ["reject-key", `field "keys[1]" is revoked: ${HIDDEN}`],
  ];
  for (const [mode, message] of cases) {
    const run = await build(mode);
    assertEquals(run.report.stage, "configure", mode);
    assertStringIncludes(run.report.error, `Cannot configure builder "secret": ${message}`, mode);
  }
});

Deno.test("any error that mentions a sensitive value has it masked", async () => {
  const run = await build("mention");
  assertStringIncludes(
    run.report.error,
    `login as alice with ${HIDDEN} / ${HIDDEN} failed: {"mode":"mention","token":"${HIDDEN}"`,
  );
  const failed = await build("fail-build");
  assertEquals(failed.report.stage, "build");
  assertEquals(
    failed.report.error,
    `rpc error: code = Unknown desc = push to ${HIDDEN} refused token ${HIDDEN}`,
  );
});

Deno.test("log lines at trace, stdout and UI text have sensitive values redacted, nested ones too", async () => {
  const run = await build("build");
  assertEquals(run.report.error, "");
  const byMessage = (m: string) => run.log.find((l) => l["@message"] === m);
  const line = byMessage("building with");
  assert(line, "the trace line did not reach the host's log");
  assertEquals(line.token, HIDDEN);
  assertEquals(line.auth, { user: "alice", password: HIDDEN });
  assertEquals(line.vault, { key: HIDDEN });
  assertEquals(line.keys, [HIDDEN, HIDDEN]);
  assertEquals(line.headers, { "X-Auth": HIDDEN });
  assertEquals(line.nested, { deeper: [{ pin: HIDDEN, text: `pin ${HIDDEN}` }] });
  assertEquals(line.error, `bad token ${HIDDEN}`);
  const debug = byMessage(`using ${HIDDEN} and ${HIDDEN},${HIDDEN}`);
  assert(debug, "the debug line did not reach the host's log");
  assertEquals(debug.token, HIDDEN);
  assert(run.log.some((l) => String(l["@message"]).startsWith(`token on stdout: ${HIDDEN}`)));
  assertStringIncludes(run.stdout, `token ${HIDDEN}, password ${HIDDEN}`);
  const configSet = byMessage("configSet");
  assert(configSet, "the configSet trace line did not reach the host's log");
  assertEquals((configSet.cfg as { token: string }).token, HIDDEN);
});
