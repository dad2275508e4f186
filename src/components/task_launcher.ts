/**
 * The TaskLauncher component: starts, watches and stops the tasks that run
 * Waypoint's on-demand runners.
 *
 * @module
 */
import type { InferShape, Shape } from "../config/schema.ts";
import type { MessageType } from "../proto/runtime.ts";
import type { TerminalUI } from "../terminal/ui.ts";
import type { TaskContext, TaskLaunchInfo } from "./context.ts";
import { checkComponent, checkMessageType, type ComponentBase } from "./component.ts";

/** The context of `startTask`. */
export interface StartTaskContext<C> extends TaskContext<C> {
  /** What to run. */
  task: TaskLaunchInfo;
}

/** The context of `stopTask`. */
export interface StopTaskContext<C, T> extends TaskContext<C> {
  /** What `startTask` returned. */
  state: T;
}

/** The context of `watchTask`. */
export interface WatchTaskContext<C, T> extends StopTaskContext<C, T> {
  /** The terminal UI. */
  ui: TerminalUI;
}

/** What {@linkcode defineTaskLauncher} takes. */
export interface TaskLauncherDefinition<S extends Shape, T extends object>
  extends Omit<ComponentBase<S>, "auth"> {
  /** The message type of a started task's state. */
  output: MessageType<T>;
  /** Starts a task; returns what identifies it. */
  startTask(ctx: StartTaskContext<InferShape<S>>): T | Promise<T>;
  /** Stops a task. */
  stopTask(ctx: StopTaskContext<InferShape<S>, T>): void | Promise<void>;
  /** Waits for a task to end; returns its exit code. */
  watchTask?(ctx: WatchTaskContext<InferShape<S>, T>): number | Promise<number>;
}

/** A TaskLauncher, ready for `serve({ taskLauncher })`. */
export interface TaskLauncher<S extends Shape = Shape, T extends object = object> {
  /** Always `"tasklauncher"`. */
  readonly kind: "tasklauncher";
  /** The definition it was made from. */
  readonly definition: TaskLauncherDefinition<S, T>;
}

/**
 * Defines a TaskLauncher.
 *
 * @example A task launcher running tasks as local processes
 * ```ts
 * import { defineTaskLauncher, protoFile } from "@x/waypoint-plugin";
 * // What `deno task proto` generates into gen/output.ts.
 * const file = protoFile({
 *   nested: { demo: { nested: { TaskState: { fields: { pid: { type: "int64", id: 1 } } } } } },
 * });
 * const TaskState = file.message<{ pid: number }>("demo.TaskState");
 *
 * const taskLauncher = defineTaskLauncher({
 *   output: TaskState,
 *   startTask(ctx) {
 *     const [cmd, ...args] = [...ctx.task.entrypoint, ...ctx.task.arguments];
 *     const child = new Deno.Command(cmd, { args }).spawn();
 *     return TaskState.create({ pid: child.pid });
 *   },
 *   stopTask(ctx) {
 *     Deno.kill(ctx.state.pid, "SIGTERM");
 *   },
 * });
 * ```
 */
export function defineTaskLauncher<
  S extends Shape = Record<never, never>,
  T extends object = object,
>(
  definition: TaskLauncherDefinition<S, T>,
): TaskLauncher<S, T> {
  checkComponent("taskLauncher", definition, ["startTask", "stopTask"], ["watchTask"]);
  checkMessageType("task launcher", "output", definition.output);
  return Object.freeze({ kind: "tasklauncher", definition });
}
