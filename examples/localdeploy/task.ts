/**
 * The task launcher: runs an on-demand runner task as a local process (the
 * entrypoint and arguments; the image is recorded, not pulled).
 */
import { config, defineTaskLauncher } from "@x/waypoint-plugin";
import { Task } from "./gen/output.ts";
import { join } from "node:path";

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

/** The localdeploy TaskLauncher. */
export const taskLauncher = defineTaskLauncher({
  config: config.object({
    directory: config.string({ default: ".waypoint/tasks", doc: "Where task logs are kept" }),
  }),
  output: Task,
  docs: { description: "Runs on-demand runner tasks as local processes" },

  async startTask(ctx) {
    const command = [...ctx.task.entrypoint, ...ctx.task.arguments];
    if (command.length === 0) {
      throw new Error(`the task for ${ctx.task.ociUrl} has no entrypoint or arguments to run`);
    }
    await Deno.mkdir(ctx.config.directory, { recursive: true });
    const base = join(ctx.config.directory, `task-${Date.now()}`);
    const exitFile = `${base}.exit`;
    const logFile = `${base}.log`;
    // A shell wraps the task so its exit code outlives this plugin process.
    const script = `"$@" >"${logFile}" 2>&1; echo $? >"${exitFile}"`;
    const child = new Deno.Command("/bin/sh", {
      args: ["-c", script, "task", ...command],
      env: ctx.task.environmentVariables,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    child.unref();
    ctx.logger.info("task started", { pid: child.pid, image: ctx.task.ociUrl });
    return Task.create({ pid: child.pid, exitFile, logFile });
  },

  async watchTask(ctx) {
    ctx.ui.output(`Watching task ${ctx.state.pid}`);
    for (;;) {
      try {
        const code = Number((await Deno.readTextFile(ctx.state.exitFile)).trim());
        ctx.ui.output(`Task ${ctx.state.pid} exited with ${code}`);
        return code;
      } catch {
        if (!alive(ctx.state.pid)) return 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  },

  stopTask(ctx) {
    if (alive(ctx.state.pid)) Deno.kill(ctx.state.pid, "SIGTERM");
  },
});
