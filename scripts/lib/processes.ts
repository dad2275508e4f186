/**
 * Child processes: reading one's first output; finding processes a run left
 * behind is the test harness's (src/testing/waypoint/processes.ts).
 *
 * @module
 */

export { alive, processesIn, processesLeftIn } from "../../src/testing/waypoint/processes.ts";

/**
 * Reads the child's stdout until `done(text)` holds (default: a whole first
 * line) and returns the text; the rest of stdout is drained in the background.
 */
export async function readStdout(
  child: Deno.ChildProcess,
  done: (text: string) => boolean = (t) => t.includes("\n"),
): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!done(text)) {
    const { value, done: eof } = await reader.read();
    if (eof) break;
    text += value;
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return text;
}
