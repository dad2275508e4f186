/**
 * Nothing may reach stdout after the handshake line. This holds the plugin
 * runtime's module graph (what `mod.ts` loads) to two writers: the stdout
 * guard, which writes the handshake line once and sends everything else to
 * the log, and the permission check, which writes its one line *instead of*
 * the handshake (go-plugin shows it to the user) and then exits. Tools such
 * as `deno task proto` print to stdout, and must stay out of this graph.
 */
import { assertEquals } from "./support/assert.ts";
import { REPO } from "./support/host.ts";

const WRITES =
  /\bconsole\.(log|info|debug|table|dir)\s*\(|\bDeno\.stdout\.write|\bprocess\.stdout\.write\s*\(/;

Deno.test("in the plugin runtime's module graph only the stdout guard and the permission check write to stdout", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", "mod.ts"],
    cwd: REPO,
    stdout: "piped",
  }).output();
  const graph = JSON.parse(new TextDecoder().decode(out.stdout));
  const ours = (graph.modules as { specifier: string }[])
    .map((m) => m.specifier)
    .filter((s) => s.startsWith(`file://${REPO}/`))
    .map((s) => s.slice(`file://${REPO}/`.length));
  const writers: string[] = [];
  for (const rel of ours) {
    const code = (await Deno.readTextFile(`${REPO}/${rel}`)).split("\n")
      // Doc comments and line comments are not code.
      .filter((l) => !/^\s*(\*|\/\/)/.test(l));
    if (code.some((l) => WRITES.test(l))) writers.push(rel);
  }
  assertEquals(writers.sort(), ["src/internal/stdout_guard.ts", "src/server/permission_check.ts"]);
});
