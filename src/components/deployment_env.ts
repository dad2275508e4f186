/**
 * The environment a deployment's entrypoint needs to reach the Waypoint
 * server: what Go's `DeploymentConfig.Env()` returns.
 *
 * @module
 */
import type { DeploymentConfig } from "./context.ts";

/**
 * The environment variables to set in a deployment so that Waypoint's
 * entrypoint (`waypoint-entrypoint`) connects to the server, exactly as the
 * Go SDK's `DeploymentConfig.Env()` gives them: `WAYPOINT_DEPLOYMENT_ID`
 * always; without a server address `WAYPOINT_SERVER_DISABLE=1`; with one
 * `WAYPOINT_SERVER_ADDR`, plus `WAYPOINT_SERVER_TLS=1`,
 * `WAYPOINT_SERVER_TLS_SKIP_VERIFY=1` and `WAYPOINT_CEB_INVITE_TOKEN` when
 * set. The same map is what a `deploy` stanza sees as `entrypoint.env`.
 *
 * @example Set the entrypoint's environment for a container
 * ```ts
 * import assert from "node:assert";
 * import { deploymentEnv } from "@x/waypoint-plugin";
 * const env = deploymentEnv({
 *   id: "01DEPLOY",
 *   sequence: 1,
 *   serverAddr: "waypoint.example.com:9701",
 *   serverTls: true,
 *   serverTlsSkipVerify: false,
 *   entrypointInviteToken: "token",
 * });
 * assert(env.WAYPOINT_SERVER_TLS === "1");
 * ```
 */
export function deploymentEnv(config: DeploymentConfig): Record<string, string> {
  // Go's zero values for what a hand-made config leaves out.
  const env: Record<string, string> = { WAYPOINT_DEPLOYMENT_ID: config.id ?? "" };
  const addr = config.serverAddr ?? "";
  if (addr === "") {
    // No address means no server, and the entrypoint is told so.
    env.WAYPOINT_SERVER_DISABLE = "1";
    return env;
  }
  env.WAYPOINT_SERVER_ADDR = addr;
  if (config.serverTls) env.WAYPOINT_SERVER_TLS = "1";
  if (config.serverTlsSkipVerify) env.WAYPOINT_SERVER_TLS_SKIP_VERIFY = "1";
  const token = config.entrypointInviteToken ?? "";
  if (token !== "") env.WAYPOINT_CEB_INVITE_TOKEN = token;
  return env;
}
