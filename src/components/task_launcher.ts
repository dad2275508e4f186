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

/**
 * The context of `startTask`.
 *
 * @example Start a task as a local process
 * ```ts
 * import { defineTaskLauncher, protoFile, type StartTaskContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         TaskState: { fields: { pid: { type: "int64", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const TaskState = file.message<{ pid: number }>("demo.TaskState");
 * function start(ctx: StartTaskContext<unknown>) {
 *   const [cmd, ...args] = [...ctx.task.entrypoint, ...ctx.task.arguments];
 *   ctx.logger.info("starting task", { image: ctx.task.ociUrl });
 *   const child = new Deno.Command(cmd, { args, env: ctx.task.environmentVariables }).spawn();
 *   return TaskState.create({ pid: child.pid });
 * }
 * defineTaskLauncher({
 *   output: TaskState,
 *   startTask: start,
 *   stopTask: (ctx) => Deno.kill(ctx.state.pid),
 * });
 * ```
 */
export interface StartTaskContext<C> extends TaskContext<C> {
  /** What to run. */
  task: TaskLaunchInfo;
}

/**
 * The context of `stopTask`.
 *
 * @example Stop what startTask started
 * ```ts
 * import { defineTaskLauncher, protoFile, type StopTaskContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         TaskState: { fields: { pid: { type: "int64", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const TaskState = file.message<{ pid: number }>("demo.TaskState");
 * function stop(ctx: StopTaskContext<unknown, { pid: number }>) {
 *   try {
 *     Deno.kill(ctx.state.pid, "SIGTERM");
 *   } catch (e) {
 *     if (!(e instanceof Deno.errors.NotFound)) throw e; // already gone: nothing to stop
 *   }
 * }
 * defineTaskLauncher({ output: TaskState, startTask: () => TaskState.create(), stopTask: stop });
 * ```
 */
export interface StopTaskContext<C, T> extends TaskContext<C> {
  /** What `startTask` returned. */
  state: T;
}

/**
 * The context of `watchTask`.
 *
 * @example Wait for a task and show its end
 * ```ts
 * import { defineTaskLauncher, protoFile, type WatchTaskContext } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         TaskState: { fields: { pid: { type: "int64", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const TaskState = file.message<{ pid: number }>("demo.TaskState");
 * async function watch(ctx: WatchTaskContext<unknown, { pid: number }>): Promise<number> {
 *   while (await Deno.stat(`/proc/${ctx.state.pid}`).then(() => true, () => false)) {
 *     await new Promise((r) => setTimeout(r, 500));
 *   }
 *   ctx.ui.output(`task ${ctx.state.pid} ended`);
 *   return 0;
 * }
 * defineTaskLauncher({
 *   output: TaskState,
 *   startTask: () => TaskState.create(),
 *   stopTask: () => {},
 *   watchTask: watch,
 * });
 * ```
 */
export interface WatchTaskContext<C, T> extends StopTaskContext<C, T> {
  /** The terminal UI. */
  ui: TerminalUI;
}

/**
 * What {@linkcode defineTaskLauncher} takes.
 *
 * @example A definition with config
 * ```ts
 * import {
 *   config,
 *   defineTaskLauncher,
 *   protoFile,
 *   type TaskLauncherDefinition,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         TaskState: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const TaskState = file.message<{ id: string }>("demo.TaskState");
 * const shape = { network: config.string({ default: "bridge" }) };
 * const definition: TaskLauncherDefinition<typeof shape, { id: string }> = {
 *   config: config.object(shape),
 *   output: TaskState,
 *   startTask: (ctx) => TaskState.create({ id: `${ctx.config.network}-${crypto.randomUUID()}` }),
 *   stopTask: (ctx) => ctx.logger.info("stopping", { id: ctx.state.id }),
 * };
 * defineTaskLauncher(definition);
 * ```
 */
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

/**
 * A TaskLauncher, ready for `serve({ taskLauncher })`.
 *
 * @example Serve a task launcher
 * ```ts
 * import assert from "node:assert";
 * import { defineTaskLauncher, protoFile, type TaskLauncher } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         TaskState: { fields: { id: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const TaskState = file.message<{ id: string }>("demo.TaskState");
 * const taskLauncher: TaskLauncher = defineTaskLauncher({
 *   output: TaskState,
 *   startTask: () => TaskState.create({ id: "t1" }),
 *   stopTask: () => {},
 * });
 * // main.ts: await serve({ taskLauncher });
 * assert.equal(taskLauncher.kind, "tasklauncher");
 * ```
 */
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
