/** Which config paths are sensitive, and what redaction replaces (see sensitive_test.ts for the wire). */
import { assertEquals } from "./support/assert.ts";
import { config, ConfigError, PluginError } from "../mod.ts";
import { pathShowsSecrets, Secrets } from "../src/internal/secrets.ts";
import { toStatus } from "../src/internal/grpc.ts";
import { formatLogLine } from "../src/logger.ts";

const Schema = config.object({
  name: config.string(),
  token: config.string({ sensitive: true, default: "default-token" }),
  auth: config.block({ user: config.string(), password: config.string({ sensitive: true }) }),
  vault: config.block({ key: config.string() }, { sensitive: true }),
  keys: config.list(config.string(), { sensitive: true }),
  headers: config.map(config.string({ sensitive: true })),
  ports: config.blocks({ name: config.label(), secret: config.string({ sensitive: true }) }),
  env: config.map(config.string()),
});
const shape = Schema.shape;

Deno.test("pathShowsSecrets() follows blocks, lists, maps and repeated blocks", () => {
  const yes = [
    "token",
    "auth",
    "auth.password",
    "vault",
    "vault.key",
    "keys",
    "keys[3]",
    "headers",
    "headers.X-Auth",
    "ports",
    "ports[0].secret",
    "config",
  ];
  const no = ["name", "auth.user", "env", "env.HOME", "ports[0].name", "nope", "auth.nope"];
  for (const p of yes) assertEquals(pathShowsSecrets(shape, p), true, p);
  for (const p of no) assertEquals(pathShowsSecrets(shape, p), false, p);
  assertEquals(pathShowsSecrets(config.object({ a: config.string() }).shape, "config"), false);
});

Deno.test("Secrets redacts every configured value, JSON- and %-escaped forms too, defaults included", () => {
  const s = new Secrets();
  s.remember(shape, {
    name: "plain-name",
    auth: { user: "alice", password: 'pa"ss%word' },
    keys: ["k-one", "k-two"],
    headers: { A: "h-value" },
    ports: [{ name: "web", secret: "port-secret" }],
    env: { HOME: "/home/alice" },
  });
  const H = "(sensitive value hidden)";
  assertEquals(
    s.redact("default-token k-one k-two h-value port-secret"),
    `${H} ${H} ${H} ${H} ${H}`,
  );
  assertEquals(s.redact(JSON.stringify({ p: 'pa"ss%word' })), `{"p":"${H}"}`);
  assertEquals(s.redact('pa"ss%%word'), H);
  assertEquals(s.redact("plain-name alice /home/alice web"), "plain-name alice /home/alice web");
});

Deno.test("values shorter than four characters are masked as a field's value, not searched for in text", () => {
  const s = new Secrets();
  s.remember(shape, { token: "ab" });
  assertEquals(s.redact("a cab ab"), "a cab ab");
  const wrapped = new PluginError(
    `Cannot configure: ${new ConfigError("token", "ab", "is too short").message}`,
    3,
    { cause: new ConfigError("token", "ab", "is too short") },
  );
  assertEquals(
    s.message(wrapped),
    'Cannot configure: field "token" is too short: (sensitive value hidden)',
  );
});

Deno.test("toStatus() and log lines use the server's secrets", () => {
  const secrets = new Secrets();
  secrets.remember(shape, { token: "status-secret" });
  assertEquals(
    toStatus(new Error("refused status-secret"), secrets).details,
    "refused (sensitive value hidden)",
  );
  const line = JSON.parse(
    formatLogLine("info", "p", "x", { deep: [{ t: "status-secret" }] }, (t) => secrets.redact(t)),
  );
  assertEquals(line.deep, [{ t: "(sensitive value hidden)" }]);
});
