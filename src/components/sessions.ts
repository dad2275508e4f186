/**
 * Interactive sessions Waypoint opens for `waypoint exec` and `waypoint logs`.
 *
 * @module
 */

/**
 * A terminal size.
 *
 * @example Pass the terminal size to a child process
 * ```ts
 * import assert from "node:assert";
 * import type { WindowSize } from "@x/waypoint-plugin";
 * const sttyArgs = (
 *   size: WindowSize,
 * ) => ["rows", String(size.height), "cols", String(size.width)];
 * assert.equal(sttyArgs({ height: 24, width: 80 }).join(" "), "rows 24 cols 80");
 * ```
 */
export interface WindowSize {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
}

/**
 * `ctx.exec` in a platform's exec: the user's command and terminal.
 *
 * @example Run the user's command for `waypoint exec`
 * ```ts
 * import { definePlatform, type ExecSession, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { dir: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ dir: string }>("demo.Deployment");
 * async function run(session: ExecSession, cwd: string): Promise<number> {
 *   const [cmd, ...args] = session.args;
 *   const env = Object.fromEntries(session.env.map((e) => e.split("=", 2)));
 *   const out = await new Deno.Command(cmd, { args, cwd, env }).output();
 *   await session.write(out.stdout);
 *   await session.write(out.stderr, { stderr: true });
 *   return out.code;
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ dir: "/srv/app" }),
 *   exec: (ctx) => run(ctx.exec, ctx.deployment.dir),
 * });
 * ```
 */
export interface ExecSession {
  /** The command and arguments the user gave (`waypoint exec <args…>`). */
  readonly args: string[];
  /** Environment entries `KEY=value` to set. */
  readonly env: string[];
  /** Whether the user's terminal is a TTY. */
  readonly tty: boolean;
  /** The terminal type, e.g. `xterm-256color` (TTY only). */
  readonly term: string;
  /** The terminal size when the session started (TTY only). */
  readonly initialWindow: WindowSize | undefined;
  /** The user's input, chunk by chunk, until they close it. */
  readonly input: AsyncIterable<Uint8Array>;
  /** Calls `fn` whenever the user's terminal is resized. */
  onResize(fn: (size: WindowSize) => void): void;
  /** Sends output to the user's terminal; resolves when the host took it. */
  write(data: string | Uint8Array, options?: { stderr?: boolean }): Promise<void>;
}

/**
 * One log line for `waypoint logs`.
 *
 * @example Turn a log file's lines into events
 * ```ts
 * import assert from "node:assert";
 * import type { LogEvent } from "@x/waypoint-plugin";
 * const toEvents = (text: string, partition: string): LogEvent[] =>
 *   text.split("\n").filter(Boolean).map((contents) => ({
 *     partition,
 *     timestamp: new Date(),
 *     contents,
 *   }));
 * assert.equal(toEvents("started\nlistening on :8080\n", "web-1").length, 2);
 * ```
 */
export interface LogEvent {
  /** Where it came from, e.g. an instance id. */
  partition: string;
  /** When it was logged. */
  timestamp: Date;
  /** The line. */
  contents: string;
}

/**
 * `ctx.logs` in a platform's logs: where to send log lines.
 *
 * @example Stream a deployment's logs
 * ```ts
 * import { definePlatform, type LogViewer, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { logFile: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ logFile: string }>("demo.Deployment");
 * async function sendFile(viewer: LogViewer, path: string) {
 *   let lines = (await Deno.readTextFile(path)).split("\n").filter(Boolean);
 *   if (viewer.limit > 0) lines = lines.slice(-viewer.limit);
 *   await viewer.send(
 *     lines.map((contents) => ({ partition: "app", timestamp: new Date(), contents })),
 *   );
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ logFile: "/srv/app/app.log" }),
 *   logs: (ctx) => sendFile(ctx.logs, ctx.deployment.logFile),
 * });
 * ```
 */
export interface LogViewer {
  /** Only lines logged at or after this time are wanted. */
  readonly startingAt: Date | undefined;
  /** At most this many lines are wanted (0: no limit). */
  readonly limit: number;
  /** Sends a batch of lines; resolves when the host took it. */
  send(events: LogEvent[]): Promise<void>;
}
