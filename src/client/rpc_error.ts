/** An error status a plugin answered an RPC with, as the host side sees it. */
import { Code, PluginError } from "../errors.ts";

const CODE_NAMES = Object.fromEntries(
  Object.entries(Code).map(([name, code]) => [code, name]),
) as Record<Code, keyof typeof Code>;

/**
 * An RPC the plugin answered with an error status. `code` is the gRPC code,
 * to compare with {@linkcode Code} (`Code.FAILED_PRECONDITION`); `codeName`
 * is its name there.
 *
 * @example Expect an operation to fail with a code
 * ```ts
 * import assert from "node:assert";
 * import { Code, launchPlugin, RpcError } from "@x/waypoint-plugin/testing";
 * const err = new RpcError(
 *   "hashicorp.waypoint.sdk.Builder/Build",
 *   Code.FAILED_PRECONDITION,
 *   "no go.mod",
 * );
 * assert.equal(err.codeName, "FAILED_PRECONDITION");
 * assert.equal(err.details, "no go.mod");
 * Deno.test("build fails without a go.mod", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", { source: "./empty" });
 *   await assert.rejects(
 *     () => plugin.build(),
 *     (e) => e instanceof RpcError && e.code === Code.FAILED_PRECONDITION,
 *   );
 * });
 * ```
 */
export class RpcError extends PluginError {
  /** `service/method`, e.g. `hashicorp.waypoint.sdk.Builder/Build`. */
  readonly rpc: string;
  /** The plugin's message, as Waypoint shows it after `desc =`. */
  readonly details: string;
  /** The code's name in {@linkcode Code}, e.g. `FAILED_PRECONDITION`. */
  readonly codeName: keyof typeof Code;

  /**
   * The error status `code` with message `details` that the plugin answered
   * `rpc` with.
   *
   * @param rpc the method that failed
   * @param code the gRPC status code
   * @param details the status message
   */
  constructor(rpc: string, code: Code, details: string) {
    super(`${rpc}: ${details}`, code);
    this.name = "RpcError";
    this.rpc = rpc;
    this.details = details;
    this.codeName = CODE_NAMES[code] ?? "UNKNOWN";
  }
}
