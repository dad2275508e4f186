/**
 * A first-use cost of an operation (grpc-js loading its client stack for the
 * UI broker dial) is paid in idle time instead: after
 * Configure answers, the host spends a while resolving arguments and
 * starting its UI server before it calls the operation.
 */
import * as grpc from "@grpc/grpc-js";

let warmed = false;

/** Schedules the warm-up once per process, after the current RPC's answer is sent. */
export function warmOperationPath(): void {
  if (warmed) return;
  warmed = true;
  setTimeout(() => {
    // A channel that is never used: grpc-js loads and JITs its client stack.
    new grpc.Client("unix:///nonexistent/warm-up", grpc.credentials.createInsecure()).close();
  }, 0);
}
