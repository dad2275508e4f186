/** The gobuilder plugin's entry point: `waypoint-plugin-gobuilder`. */
import { serve } from "@x/waypoint-plugin";
import { builder } from "./builder.ts";

await serve({ builder }, { name: "gobuilder" });
