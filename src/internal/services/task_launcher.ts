/** `hashicorp.waypoint.sdk.TaskLauncher`, served from a {@linkcode TaskLauncher} definition. */
import type { TaskLauncher } from "../../components/task_launcher.ts";
import type { TaskLaunch_Resp, TaskWatch_Resp } from "../../gen/wire.ts";
import { encodeResult } from "../result.ts";
import type { ComponentService } from "./service.ts";

type Definition = TaskLauncher["definition"];

const state = (def: Definition) => [{ key: "state", type: def.output }];

/** The TaskLauncher service. Waypoint supplies only a logger (and the UI to watch). */
export const TASK_LAUNCHER_SERVICE: ComponentService<Definition> = {
  key: "taskLauncher",
  capabilities: {},
  operations: [
    {
      rpc: "StartTask",
      spec: "StartSpec",
      name: "startTask",
      args: ["logger", "task"],
      fn: (def) => def.startTask,
      respond: (value, _ctx, def): TaskLaunch_Resp => {
        const { result, resultJson } = encodeResult(value, def.output, "startTask");
        return { result, resultJson };
      },
    },
    {
      rpc: "StopTask",
      spec: "StopSpec",
      name: "stopTask",
      args: ["logger"],
      inputs: state,
      fn: (def) => def.stopTask,
      respond: () => ({}),
    },
    {
      rpc: "WatchTask",
      spec: "WatchSpec",
      name: "watchTask",
      args: ["logger", "ui"],
      inputs: state,
      fn: (def) => def.watchTask,
      respond: (code): TaskWatch_Resp => ({ exitCode: typeof code === "number" ? code : 0 }),
    },
  ],
};
