/**
 * Imported for its effect, before grpc-js: grpc-js reads `GRPC_*`
 * variables while it is loaded, so a plugin started without env permission
 * dies there, before `serve()` can check anything, with a bare NotCapable
 * stack on stderr and nothing for the host to show. This module is
 * evaluated first (serve.ts imports it before anything that loads grpc-js)
 * and turns that into serve()'s report of a missing permission. It reads
 * the variable as grpc-js would, so it stops exactly the processes grpc-js
 * would have stopped.
 *
 * @module
 */
import { missingEnv, reportMissingPermission } from "./permission_check.ts";

const PROBE = "GRPC_NODE_VERBOSITY";

try {
  Deno.env.get(PROBE);
} catch (err) {
  if (!(err instanceof Deno.errors.NotCapable)) throw err;
  reportMissingPermission(missingEnv(PROBE), Deno.args.includes("--debug"));
  Deno.exit(1);
}
