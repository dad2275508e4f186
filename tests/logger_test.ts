import { assertEquals, assertMatch } from "./support/assert.ts";
import { createLogger } from "../mod.ts";
import { formatLogLine, hclogTimestamp } from "../src/logger.ts";

Deno.test("hclogTimestamp() has exactly six fractional digits, as the host's parser needs", () => {
  assertEquals(
    hclogTimestamp(new Date(Date.UTC(2024, 4, 1, 10, 0, 0, 123))),
    "2024-05-01T10:00:00.123000Z",
  );
});

Deno.test("formatLogLine() writes string @level, @message, @module, @timestamp and the fields", () => {
  const line = formatLogLine("info", "plugin", "building", { path: "/src", "@level": 5 });
  assertMatch(line, /\n$/);
  const entry = JSON.parse(line);
  assertEquals(entry["@level"], "info");
  assertEquals(entry["@message"], "building");
  assertEquals(entry["@module"], "plugin");
  assertEquals(entry.path, "/src");
  assertMatch(entry["@timestamp"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});

Deno.test("createLogger() filters by level and names modules as hclog does", () => {
  const lines: string[] = [];
  const log = createLogger("plugin", { level: "info", write: (l) => lines.push(l) });
  log.debug("hidden");
  log.named("builder").info("shown");
  log.resetNamed("waypoint.app.build").warn("reset");
  assertEquals(lines.map((l) => JSON.parse(l)["@module"]), [
    "plugin.builder",
    "waypoint.app.build",
  ]);
});

Deno.test("formatLogLine() keeps the message when fields cannot be encoded", () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const entry = JSON.parse(formatLogLine("error", "plugin", "oops", { cyclic }));
  assertEquals(entry["@message"], "oops");
  assertEquals(entry.log_error, "fields could not be encoded as JSON");
});
