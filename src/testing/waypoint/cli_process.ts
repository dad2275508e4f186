/**
 * One command of the Waypoint CLI as a child process: started in a process
 * group of its own (as a terminal starts a job, so Ctrl-C reaches all of
 * it), its output collected as it comes, and a run to its end with a time
 * limit that interrupts it (SIGINT) rather than killing it, so a job it holds
 * on the server ends properly.
 *
 * @module
 */

/**
 * What one CLI command did.
 *
 * @example Check a command's outcome
 * ```ts
 * import assert from "node:assert";
 * import { type CliResult, startWaypoint } from "@x/waypoint-plugin/testing";
 * const ok = (r: CliResult) =>
 *   assert.equal(r.code, 0, `exit ${r.code} after ${r.ms} ms:\n${r.output}`);
 * Deno.test("waypoint build succeeds", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   ok(await project.run("build"));
 * });
 * ```
 */
export interface CliResult {
  /** The exit code. */
  code: number;
  /** What it printed on stdout. */
  stdout: string;
  /** What it printed on stderr. */
  stderr: string;
  /** stdout then stderr, for messages. */
  output: string;
  /** Milliseconds from spawn to exit. */
  ms: number;
}

/**
 * A CLI command still running (for `logs` and Ctrl-C).
 *
 * @example Wait for output, then Ctrl-C
 * ```ts
 * import { type RunningCli, startWaypoint } from "@x/waypoint-plugin/testing";
 * Deno.test("waypoint logs streams the app's lines", async () => {
 *   await using wp = await startWaypoint();
 *   const project = await wp.project({
 *     hcl:
 *       'project = "e2e"\napp "web" {\n  build {\n    use "myplugin" {}\n  }\n  deploy {\n    use "myplugin" {}\n  }\n}\n',
 *     plugins: [{ name: "myplugin", entry: "main.ts" }],
 *   });
 *   await project.run("up");
 *   const logs: RunningCli = project.spawn(["logs"]);
 *   await logs.waitFor((out) => out.includes("listening"), 30_000);
 *   logs.interrupt(); // SIGINT to its process group, as a terminal's Ctrl-C
 *   await logs.result();
 *   await project.run("destroy", "-auto-approve");
 * });
 * ```
 */
export interface RunningCli {
  /** The command's pid (it leads its own process group). */
  readonly pid: number;
  /** What it has printed so far (stdout and stderr interleaved as read). */
  output(): string;
  /** Milliseconds since it last printed anything (or since it started). */
  idleMs(): number;
  /** Resolves once `test(output)` holds; rejects after `timeoutMs` or when the command ends first. */
  waitFor(test: (output: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Ctrl-C as a terminal sends it: SIGINT to the command's whole process group. */
  interrupt(): void;
  /** Waits for the end. */
  result(): Promise<CliResult>;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** What {@linkcode spawnCli} starts: the binary and its arguments, where, and with what. */
export interface CliCommand {
  bin: string;
  args: string[];
  cwd: string;
  /** The whole environment of the command. */
  env: Record<string, string>;
  /** Written to its stdin, which is then closed. Default: stdin is closed at once. */
  stdin?: string;
}

/** The output of a child as it comes: each stream, and both interleaved as read. */
interface Collected {
  stdout: string;
  stderr: string;
  both: string;
  /** `performance.now()` when the last chunk came. */
  lastAt: number;
  /** Resolves once both streams are read to the end. */
  read: Promise<void>;
}

function collect(child: Deno.ChildProcess): Collected {
  const out: Collected = {
    stdout: "",
    stderr: "",
    both: "",
    lastAt: performance.now(),
    read: Promise.resolve(),
  };
  const drain = async (stream: ReadableStream<Uint8Array>, key: "stdout" | "stderr") => {
    for await (const c of stream.pipeThrough(new TextDecoderStream())) {
      out[key] += c;
      out.both += c;
      out.lastAt = performance.now();
    }
  };
  out.read = Promise.all([drain(child.stdout, "stdout"), drain(child.stderr, "stderr")])
    .then(() => {});
  return out;
}

/** Starts `bin <args>` in a process group of its own. */
export function spawnCli(c: CliCommand): RunningCli {
  const started = performance.now();
  const child = new Deno.Command(c.bin, {
    args: c.args,
    cwd: c.cwd,
    env: c.env,
    detached: true,
    stdin: c.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (c.stdin !== undefined) {
    const w = child.stdin.getWriter();
    w.write(new TextEncoder().encode(c.stdin)).then(() => w.close()).catch(() => {});
  }
  const out = collect(child);
  let done = false;
  const result = (async (): Promise<CliResult> => {
    const s = await child.status;
    await out.read;
    done = true;
    const { stdout, stderr } = out;
    return {
      code: s.code,
      stdout,
      stderr,
      output: stdout + stderr,
      ms: performance.now() - started,
    };
  })();
  const what = `waypoint ${c.args[0]}`;
  return {
    pid: child.pid,
    output: () => out.both,
    idleMs: () => performance.now() - out.lastAt,
    async waitFor(test, timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      while (!test(out.both)) {
        if (done) throw new Error(`${what} ended before the expected output:\n${out.both}`);
        if (performance.now() > deadline) {
          throw new Error(`${what}: expected output not seen in ${timeoutMs} ms:\n${out.both}`);
        }
        await sleep(50);
      }
      return out.both;
    },
    interrupt() {
      try {
        Deno.kill(-child.pid, "SIGINT");
      } catch {
        // already gone
      }
    },
    result: () => result,
  };
}

/**
 * Waits for `cli` to end. After `timeoutMs` it is interrupted (SIGINT, then
 * SIGKILL after 20 s more) and this throws with what it printed.
 */
export async function runToEnd(
  cli: RunningCli,
  args: string[],
  timeoutMs: number,
): Promise<CliResult> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), timeoutMs));
  const first = await Promise.race([cli.result(), timedOut]);
  clearTimeout(timer);
  if (first !== "timeout") return first;
  cli.interrupt();
  const late = await Promise.race([cli.result(), sleep(20_000).then(() => undefined)]);
  if (!late) {
    try {
      Deno.kill(-cli.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  throw new Error(
    `waypoint ${args.join(" ")} did not end within ${timeoutMs / 1000} s; interrupted. ` +
      `Output:\n${cli.output()}`,
  );
}
