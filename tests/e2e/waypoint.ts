/** The real Waypoint CLI and server for a test, from scripts/lib (shared with the benchmark). */
import { StreamStall } from "../../scripts/lib/waypoint.ts";

export * from "../../scripts/lib/waypoint.ts";

/** `err` if it is a {@linkcode StreamStall}, or the one it carries (as `await using` wraps a disposal's error). */
function stallIn(err: unknown): StreamStall | undefined {
  if (err instanceof StreamStall) return err;
  if (err instanceof SuppressedError) return stallIn(err.error) ?? stallIn(err.suppressed);
  return undefined;
}

/**
 * `Deno.test(name, fn)` for a test that drives the real Waypoint: a run hit
 * by Waypoint's GetJobStream stall (see src/testing/waypoint/stall.ts) —
 * the server finished the job, the CLI never heard — is said on stderr and
 * run once more from the start on a fresh server. Any other failure, or a
 * second stall, fails the test.
 */
export function waypointTest(name: string, fn: (t: Deno.TestContext) => Promise<void>): void {
  Deno.test(name, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const stall = stallIn(err);
      if (!stall) throw err;
      console.error(`warning: ${name}: ${stall.message.split("\n")[0]}; running it once more`);
      await fn(t);
    }
  });
}
