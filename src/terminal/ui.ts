/**
 * The terminal UI an operation writes to. Waypoint renders it in the user's
 * terminal (or the web UI); the toolkit carries each call over the wire in
 * order.
 *
 * @module
 */

/**
 * Line styles the host knows.
 *
 * @example Print a header and a warning
 * ```ts
 * import { defineBuilder, type Style } from "@x/waypoint-plugin";
 * const level: Style = Deno.env.get("CI") ? "warning" : "info";
 * defineBuilder({
 *   build(ctx) {
 *     ctx.ui.output("Building", { style: "header" });
 *     ctx.ui.output("no go.sum: dependencies are not pinned", { style: level });
 *     return {};
 *   },
 * });
 * ```
 */
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

/**
 * How a finished status line or step ended; shown as an icon.
 *
 * @example End a status line by the outcome
 * ```ts
 * import { defineBuilder, type StepStatus } from "@x/waypoint-plugin";
 * const outcome = (code: number): StepStatus => (code === 0 ? "ok" : "error");
 * defineBuilder({
 *   async build(ctx) {
 *     using status = ctx.ui.status();
 *     status.update("Running go build");
 *     const { code } = await new Deno.Command("go", { args: ["build"] }).output();
 *     status.step(outcome(code), code === 0 ? "Built" : `go build exited with ${code}`);
 *     return {};
 *   },
 * });
 * ```
 */
export type StepStatus = "ok" | "error" | "warn" | "timeout" | "abort";

/**
 * A table cell, optionally coloured (`"green"`, `"red"`, `"yellow"` …).
 *
 * @example A coloured table cell
 * ```ts
 * import { defineBuilder, type TableEntry } from "@x/waypoint-plugin";
 * const health = (ok: boolean): TableEntry => ({
 *   value: ok ? "ready" : "down",
 *   color: ok ? "green" : "red",
 * });
 * defineBuilder({
 *   build(ctx) {
 *     ctx.ui.table(["instance", "health"], [["web-1", health(true)], ["web-2", health(false)]]);
 *     return {};
 *   },
 * });
 * ```
 */
export interface TableEntry {
  /** The text. */
  value: string;
  /** A colour name the host knows. Default: none. */
  color?: string;
}

/**
 * A status line with a spinner, e.g. `Building application`.
 *
 * @example A spinner that ends with a step
 * ```ts
 * import { defineBuilder, type Status } from "@x/waypoint-plugin";
 * function fetchDependencies(status: Status) {
 *   status.update("Downloading modules");
 *   status.step("ok", "Modules downloaded");
 * }
 * defineBuilder({
 *   build(ctx) {
 *     using status = ctx.ui.status(); // closed at the end of the block
 *     fetchDependencies(status);
 *     status.update("Compiling");
 *     status.step("ok", "Application built successfully");
 *     return {};
 *   },
 * });
 * ```
 */
export interface Status extends Disposable {
  /** Replaces the spinner's text. */
  update(message: string): void;
  /** Prints a finished line with an icon for `status`, e.g. `✓ Application built successfully`. */
  step(status: StepStatus, message: string): void;
  /** Stops the spinner. Also called by `using` at the end of the block. */
  close(): void;
}

/**
 * One step of a {@linkcode StepGroup}.
 *
 * @example Stream a command's output into a step
 * ```ts
 * import { defineBuilder, type Step } from "@x/waypoint-plugin";
 * async function run(step: Step, cmd: string, args: string[]) {
 *   const out = await new Deno.Command(cmd, { args }).output();
 *   step.output(out.stdout);
 *   step.status(out.success ? "ok" : "error");
 *   step.done();
 * }
 * defineBuilder({
 *   async build(ctx) {
 *     using group = ctx.ui.stepGroup();
 *     await run(group.add("go vet"), "go", ["vet", "./..."]);
 *     return {};
 *   },
 * });
 * ```
 */
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

/**
 * A group of steps shown together, e.g. one per resource being created.
 *
 * @example One step per resource
 * ```ts
 * import { definePlatform, protoFile, type StepGroup } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ id: string }>("demo.Deployment");
 * function createAll(group: StepGroup, names: string[]) {
 *   for (const name of names) {
 *     using step = group.add(`Creating ${name}`);
 *     step.update(`Created ${name}`);
 *     step.status("ok");
 *   }
 *   group.wait();
 * }
 * definePlatform({
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy(ctx) {
 *     createAll(ctx.ui.stepGroup(), ["network", "container"]);
 *     return Deployment.create({ id: ctx.deploymentConfig.id });
 *   },
 * });
 * ```
 */
export interface StepGroup extends Disposable {
  /** Adds a step with the text `message`. */
  add(message: string): Step;
  /** Finishes every step not yet done (as aborted) and closes the group. */
  wait(): void;
}

/**
 * Options of {@linkcode TerminalUI.input}.
 *
 * @example Ask for a secret
 * ```ts
 * import { defineRegistry, type InputOptions, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const secret: InputOptions = { secret: true, style: "info" };
 * defineRegistry({
 *   input: Image,
 *   output: Image,
 *   auth: {
 *     async auth(ctx) {
 *       if (!(await ctx.ui.isInteractive())) return false;
 *       const token = await ctx.ui.input("Registry token: ", secret);
 *       return token !== "";
 *     },
 *     validateAuth() {},
 *   },
 *   push: (ctx) => ctx.artifact,
 * });
 * ```
 */
export interface InputOptions {
  /** The prompt's style. */
  style?: Style;
  /** Whether to hide what the user types. Default: `false`. */
  secret?: boolean;
}

/**
 * The terminal UI. Calls are sent in order and never block; everything is
 * rendered before the operation's result reaches Waypoint.
 *
 * @example A helper that reports to any operation's UI
 * ```ts
 * import { defineBuilder, type TerminalUI } from "@x/waypoint-plugin";
 * function summary(ui: TerminalUI, values: Record<string, string>) {
 *   ui.output("Build summary", { style: "header" });
 *   ui.namedValues(values);
 *   ui.raw("done\n", { stderr: true });
 * }
 * defineBuilder({
 *   build(ctx) {
 *     summary(ctx.ui, { source: ctx.source.path, workspace: ctx.job.workspace });
 *     return {};
 *   },
 * });
 * ```
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
