/**
 * The watchdog for Waypoint's GetJobStream stall (src/testing/waypoint/stall.ts)
 * fires only on its signature — a quiet CLI whose jobs all ended on the
 * server — and never on a CLI that is printing or whose job still runs.
 */
import { assertEquals, assertRejects } from "../support/assert.ts";
import type { CliResult, Job, RunningCli } from "./waypoint.ts";
import { StreamStall, watchForStall } from "../../src/testing/waypoint/stall.ts";

const FAST = { quietMs: 40, everyMs: 10 };

/** A CLI that prints nothing (or keeps printing) and ends only when interrupted. */
function fakeCli(printing: boolean): RunningCli & { interrupted: boolean } {
  let end: (r: CliResult) => void = () => {};
  const result = new Promise<CliResult>((r) => end = r);
  const cli = {
    pid: 1,
    interrupted: false,
    output: () => "-> Running push build v1\n",
    idleMs: () => printing ? 0 : 1_000,
    waitFor: () => Promise.resolve(""),
    interrupt() {
      cli.interrupted = true;
      end({ code: 1, stdout: "", stderr: "", output: "", ms: 0 });
    },
    result: () => result,
  };
  return cli;
}

const since = Date.now();
const job = (state: string, queuedAt = since + 5): Job => ({
  id: "01J",
  state,
  operation: "build",
  queuedAt,
});

Deno.test("a quiet CLI whose job ended on the server is a stall: StreamStall names the job, at once", async () => {
  const cli = fakeCli(false);
  const over = new AbortController();
  const err = await assertRejects(
    () =>
      watchForStall(
        cli,
        "build",
        since,
        () => Promise.resolve([job("SUCCESS")]),
        over.signal,
        FAST,
      ),
    StreamStall,
  );
  over.abort();
  // Interrupting is the caller's part (Waypoint.run), after the race is decided.
  assertEquals(cli.interrupted, false);
  assertEquals(err.message.split("\n")[0].includes("job 01J (build, SUCCESS)"), true, err.message);
});

for (
  const [what, printing, jobs] of [
    ["a quiet CLI whose job still runs", false, [job("RUNNING")]],
    ["a printing CLI whose job ended", true, [job("SUCCESS")]],
    ["a quiet CLI that queued no job (only older ones ended)", false, [
      job("SUCCESS", since - 60_000),
    ]],
  ] as const
) {
  Deno.test(`${what} is not a stall`, async () => {
    const cli = fakeCli(printing);
    const over = new AbortController();
    const watched = watchForStall(
      cli,
      "build",
      since,
      () => Promise.resolve([...jobs]),
      over.signal,
      FAST,
    );
    const settled = await Promise.race([
      watched.then(() => "settled", () => "settled"),
      new Promise((r) => setTimeout(() => r("still watching"), 300)),
    ]);
    over.abort();
    assertEquals(settled, "still watching");
    assertEquals(cli.interrupted, false);
  });
}
