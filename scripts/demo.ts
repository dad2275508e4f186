/**
 * `deno task demo`: the tutorial end to end. The real Go client code that
 * Waypoint links (tests/conformance) launches the gobuilder plugin, runs
 * `waypoint build` against examples/gobuilder, shows the terminal UI, then
 * runs the app it built.
 */
import { join } from "node:path";
import { HOST_INTRO, hostBinary } from "./lib/conformance.ts";
import { makeLauncher } from "./lib/launcher.ts";
import { REPO } from "./lib/repo.ts";
import { BuildProgress } from "./lib/build_progress.ts";

const example = join(REPO, "examples", "gobuilder");
const dec = new TextDecoder();

console.log(
  "• the conformance host: tests/conformance, a Go program that plays Waypoint's part with the\n" +
    "  client code Waypoint 0.11.4 links (go-plugin v1.4.3, waypoint-plugin-sdk cb1d684e3cc5)",
);
// On a terminal the status line ticks in place; piped, it prints a line per phase and every 10 s.
const host = await hostBinary(new BuildProgress({ intro: HOST_INTRO }));
const plugin = await makeLauncher(
  join(example, ".waypoint", "plugins"),
  "gobuilder",
  join(example, "main.ts"),
);
console.log(`• plugin: ${plugin}`);
console.log("• waypoint build (examples/gobuilder/waypoint.hcl)\n");

const report = join(await Deno.makeTempDir(), "report.json");
const started = performance.now();
const run = await new Deno.Command(host, {
  args: [
    "build",
    "-plugin",
    plugin,
    "-config",
    join(example, "waypoint.hcl"),
    "-ui",
    Deno.stdout.isTerminal() ? "console" : "plain",
    "-report",
    report,
  ],
  cwd: example,
  stdin: "null",
  stdout: "inherit",
  stderr: "inherit",
}).output();
const r = JSON.parse(await Deno.readTextFile(report));
const ms = performance.now() - started;
if (!run.success || !r.ok) {
  console.error(`\nerror: the build failed at ${r.stage || "start"}: ${r.error}`);
  for (const d of r.configureDiagnostics ?? []) console.error(`  ${d}`);
  Deno.exit(1);
}
console.log(`\n• artifact: ${r.result.typeUrl}  ${r.result.json}`);
console.log(
  `• ${r.processes.length} plugin processes (${
    r.processes.map((p: { role: string }) => p.role).join(", ")
  }), session ${ms.toFixed(0)} ms`,
);
const binary = join(example, r.result.fields["1"]);
console.log(`• running ${r.result.fields["1"]}:`);
const out = await new Deno.Command(binary, { stdout: "piped" }).output();
console.log(`  ${dec.decode(out.stdout).trim()}`);
