/** How the real-Waypoint harness reads the CLI's -vv stderr, and the flags it adds to a command. */
import { assertEquals } from "./support/assert.ts";
import { splitLog, withHarnessFlags } from "../src/testing/waypoint/harness.ts";

Deno.test("a plugin's hclog line relayed by the CLI becomes a PluginLogLine; the rest stays", () => {
  const line = "2026-12-07T12:09:47.552Z [INFO]  waypoint.runner.app.hello.builder." +
    'waypoint-plugin-gobuilder: running go build: job_id=01M9 job_op="*gen.Job_Build" ' +
    'source=./app note="two words: here" @module=waypoint.runner.app.hello.build';
  const cli = "2026-12-07T12:09:47.264Z [DEBUG] waypoint.runner: searching for plugin: " +
    "plugin_name=gobuilder";
  const { rest, cliLog, plugins } = splitLog(`${cli}\n! something the user should see\n${line}\n`);
  assertEquals(rest, "! something the user should see\n");
  assertEquals(cliLog, `${cli}\n${line}`);
  assertEquals(plugins.length, 1);
  assertEquals(plugins[0].plugin, "gobuilder");
  assertEquals(plugins[0].level, "INFO");
  assertEquals(plugins[0].message, "running go build");
  assertEquals(plugins[0].fields.source, "./app");
  assertEquals(plugins[0].fields.note, "two words: here");
  assertEquals(plugins[0].fields.job_op, "*gen.Job_Build");
  // A message without fields, with a colon in it.
  const bare = "2026-12-07T12:09:47.552Z [WARN]  x.waypoint-plugin-p: careful: now";
  assertEquals(splitLog(bare).plugins[0].message, "careful: now");
});

Deno.test("-plain, -vv and -local=true go after the command's name, unless given", () => {
  assertEquals(withHarnessFlags(["up"]), ["up", "-plain", "-vv", "-local=true"]);
  assertEquals(withHarnessFlags(["destroy", "-auto-approve"]), [
    "destroy",
    "-plain",
    "-vv",
    "-local=true",
    "-auto-approve",
  ]);
  assertEquals(withHarnessFlags(["deployment", "list"]), ["deployment", "list", "-plain", "-vv"]);
  assertEquals(withHarnessFlags(["build", "-local=false", "-v"]), [
    "build",
    "-plain",
    "-local=false",
    "-v",
  ]);
  assertEquals(withHarnessFlags(["status", "-app=web"]), ["status", "-plain", "-vv", "-app=web"]);
});
