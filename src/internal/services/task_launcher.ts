/** `hashicorp.waypoint.sdk.TaskLauncher`, served from a {@linkcode TaskLauncher} definition. */
import type * as grpc from "@grpc/grpc-js";
import type { TaskLauncher } from "../../components/task_launcher.ts";
import type { MessageType } from "../../proto/runtime.ts";
import { encodeResult } from "../operation.ts";
import { configHandlers, operation, type ServiceEnv } from "./common.ts";

/** Handlers of the TaskLauncher service. Waypoint supplies only a logger (and the UI to watch). */
export function taskLauncherHandlers(
  tl: TaskLauncher,
  env: ServiceEnv,
): Record<string, grpc.UntypedHandleCall> {
  const def = tl.definition;
  const output = def.output as MessageType<object>;
  const state = [{ key: "state", type: output }];
  return {
    ...configHandlers(env.runtime),
    ...operation(
      env,
      "StartTask",
      { name: "startTask", args: ["logger", "task"] },
      def.startTask,
      (value) => {
        const { result, resultJson } = encodeResult(value, output, "startTask");
        return { result, resultJson };
      },
      "StartSpec",
    ),
    ...operation(
      env,
      "StopTask",
      { name: "stopTask", args: ["logger"], inputs: state },
      def.stopTask,
      () => ({}),
      "StopSpec",
    ),
    ...(def.watchTask
      ? operation(
        env,
        "WatchTask",
        { name: "watchTask", args: ["logger", "ui"], inputs: state },
        def.watchTask,
        (code) => ({ exitCode: typeof code === "number" ? code : 0 }),
        "WatchSpec",
      )
      : {}),
  };
}
