/**
 * `deno task waypoint-cli`: the real Waypoint v0.11.4 CLI for the end-to-end
 * tests and the benchmark, built once and cached (src/tools/waypoint_cli.ts,
 * which plugin authors run as `jsr:@x/waypoint-plugin/waypoint-cli`).
 *
 * @module
 */
export { cacheDir, WAYPOINT_VERSION, waypointBinary } from "../src/tools/waypoint_cli.ts";
import { main } from "../src/tools/waypoint_cli.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));
