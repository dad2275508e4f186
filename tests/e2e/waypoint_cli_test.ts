/** Getting the Waypoint CLI: where it is cached, and a clear failure when it cannot be had. */
import { assertEquals, assertRejects } from "../support/assert.ts";
import { cacheDir, waypointBinary } from "../../scripts/waypoint_cli.ts";
import { Waypoint } from "./waypoint.ts";

Deno.test("the CLI is cached per version under $XDG_CACHE_HOME, else ~/.cache", () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  assertEquals(
    cacheDir(env({ HOME: "/h", XDG_CACHE_HOME: "/x" })),
    "/x/waypoint-plugin-deno/waypoint-v0.11.4",
  );
  // adrg/xdg ignores a relative XDG_CACHE_HOME; so do we.
  assertEquals(
    cacheDir(env({ HOME: "/h", XDG_CACHE_HOME: "rel" })),
    "/h/.cache/waypoint-plugin-deno/waypoint-v0.11.4",
  );
});

Deno.test("an end-to-end test that cannot get the CLI fails with the reason", async () => {
  const before = Deno.env.get("WAYPOINT_BIN");
  Deno.env.set("WAYPOINT_BIN", "/nonexistent/waypoint");
  try {
    await assertRejects(
      () => waypointBinary(),
      Error,
      'WAYPOINT_BIN="/nonexistent/waypoint" is not Waypoint v0.11.4 ("cannot run: ',
    );
    await assertRejects(
      () => Waypoint.start(),
      Error,
      "Cannot get the Waypoint CLI for the end-to-end tests: WAYPOINT_BIN=",
    );
  } finally {
    if (before === undefined) Deno.env.delete("WAYPOINT_BIN");
    else Deno.env.set("WAYPOINT_BIN", before);
  }
});
