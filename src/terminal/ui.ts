/**
 * The terminal UI an operation writes to. Waypoint renders it in the user's
 * terminal (or the web UI); the toolkit carries each call over the wire in
 * order.
 *
 * @module
 */

/** Line styles the host knows. */
export type Style =
  | ""
  | "header"
  | "error"
  | "error-bold"
  | "warning"
  | "warning-bold"
  | "info"
  | "success"
  | "success-bold";

/** How a finished status line or step ended; shown as an icon. */
export type StepStatus = "ok" | "error" | "warn" | "timeout" | "abort";

/** A table cell, optionally coloured (`"green"`, `"red"`, `"yellow"` …). */
export interface TableEntry {
  /** The text. */
  value: string;
  /** A colour name the host knows. Default: none. */
  color?: string;
}

/** A status line with a spinner, e.g. `Building application`. */
export interface Status extends Disposable {
  /** Replaces the spinner's text. */
  update(message: string): void;
  /** Prints a finished line with an icon for `status`, e.g. `✓ Application built successfully`. */
  step(status: StepStatus, message: string): void;
  /** Stops the spinner. Also called by `using` at the end of the block. */
  close(): void;
}

/** One step of a {@linkcode StepGroup}. */
export interface Step extends Disposable {
  /** Replaces the step's text. */
  update(message: string): void;
  /** Sets the step's icon. */
  status(status: StepStatus): void;
  /** Appends to the step's output pane (the last lines are shown). */
  output(text: string | Uint8Array): void;
  /** Marks the step finished. Also called by `using` when the step is not yet done. */
  done(): void;
  /** Marks the step aborted and finished. */
  abort(): void;
}

/** A group of steps shown together, e.g. one per resource being created. */
export interface StepGroup extends Disposable {
  /** Adds a step with the text `message`. */
  add(message: string): Step;
  /** Finishes every step not yet done (as aborted) and closes the group. */
  wait(): void;
}

/** Options of {@linkcode TerminalUI.input}. */
export interface InputOptions {
  /** The prompt's style. */
  style?: Style;
  /** Whether to hide what the user types. Default: `false`. */
  secret?: boolean;
}

/**
 * The terminal UI. Calls are sent in order and never block; everything is
 * rendered before the operation's result reaches Waypoint.
 */
export interface TerminalUI {
  /** Prints a line. `%` is shown as is. */
  output(message: string, options?: { style?: Style }): void;
  /** Prints aligned `name: value` pairs. */
  namedValues(values: Record<string, string> | { name: string; value: string }[]): void;
  /**
   * Sends a table. Waypoint 0.11 renders only the headers of tables sent by
   * plugins (a host bug), so prefer {@linkcode namedValues} or lines.
   */
  table(headers: string[], rows: (string | TableEntry)[][]): void;
  /** Writes raw bytes to the host's stdout (or stderr). */
  raw(data: string | Uint8Array, options?: { stderr?: boolean }): void;
  /** Starts a status line with a spinner. */
  status(): Status;
  /** Starts a group of steps. */
  stepGroup(): StepGroup;
  /** Whether the user can answer {@linkcode input}. */
  isInteractive(): Promise<boolean>;
  /** Asks the user for a line of input; fails when the UI is not interactive. */
  input(prompt: string, options?: InputOptions): Promise<string>;
}
