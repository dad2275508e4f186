/**
 * A mapper: without a registry, Waypoint hands the platform the build's
 * `gobuilder.Binary`; this converts it into the `Pushed` the platform takes.
 */
import { defineMapper } from "@x/waypoint-plugin";
import { Binary } from "../gobuilder/gen/output.ts";
import { Pushed } from "./gen/output.ts";
import { digestOf } from "./registry.ts";

/** gobuilder.Binary → localdeploy.Pushed, pointing at the built file itself. */
export const binaryToPushed = defineMapper({
  input: Binary,
  output: Pushed,
  description: "Uses a built binary in place when no registry is configured",
  map: async (b) => Pushed.create({ path: b.location, digest: await digestOf(b.location) }),
});
