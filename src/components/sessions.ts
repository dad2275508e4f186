/**
 * Interactive sessions Waypoint opens for `waypoint exec` and `waypoint logs`.
 *
 * @module
 */

/** A terminal size. */
export interface WindowSize {
  /** Rows. */
  height: number;
  /** Columns. */
  width: number;
}

/** `ctx.exec` in a platform's exec: the user's command and terminal. */
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

/** One log line for `waypoint logs`. */
export interface LogEvent {
  /** Where it came from, e.g. an instance id. */
  partition: string;
  /** When it was logged. */
  timestamp: Date;
  /** The line. */
  contents: string;
}

/** `ctx.logs` in a platform's logs: where to send log lines. */
export interface LogViewer {
  /** Only lines logged at or after this time are wanted. */
  readonly startingAt: Date | undefined;
  /** At most this many lines are wanted (0: no limit). */
  readonly limit: number;
  /** Sends a batch of lines; resolves when the host took it. */
  send(events: LogEvent[]): Promise<void>;
}
