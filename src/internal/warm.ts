/**
 * First-use costs of an operation (protobufjs building the codecs of the
 * messages a Build carries, grpc-js loading its client stack for the UI
 * broker dial, the UI bridge's module) are paid in idle time instead: after
 * Configure answers, the host spends a while resolving arguments and
 * starting its UI server before it calls the operation.
 */
import * as grpc from "@grpc/grpc-js";
import { codec } from "./grpc.ts";

let warmed = false;

/** Schedules the warm-up once per process, after the current RPC's answer is sent. */
export function warmOperationPath(): void {
  if (warmed) return;
  warmed = true;
  setTimeout(() => {
    for (
      const t of [
        "hashicorp.waypoint.sdk.FuncSpec.Args",
        "hashicorp.waypoint.sdk.TerminalUI.Event",
        "hashicorp.waypoint.sdk.TerminalUI.Response",
        "hashicorp.waypoint.sdk.Args.TerminalUI",
        "hashicorp.waypoint.sdk.Args.Source",
        "hashicorp.waypoint.sdk.Args.JobInfo",
      ]
    ) {
      const c = codec(t);
      c.deserialize(c.serialize({}));
    }
    // A channel that is never used: grpc-js loads and JITs its client stack.
    new grpc.Client("unix:///nonexistent/warm-up", grpc.credentials.createInsecure()).close();
    // The terminal UI bridge, which only operations load.
    import("./ui_client.ts").catch(() => {});
  }, 0);
}
