/**
 * The localdeploy plugin's entry point: `waypoint-plugin-localdeploy`, a
 * registry, platform, release manager, task launcher and mapper in one.
 */
import { serve } from "@x/waypoint-plugin";
import { registry } from "./registry.ts";
import { platform } from "./platform.ts";
import { releaseManager } from "./release.ts";
import { taskLauncher } from "./task.ts";
import { binaryToPushed } from "./mappers.ts";

await serve(
  { registry, platform, releaseManager, taskLauncher, mappers: [binaryToPushed] },
  { name: "localdeploy" },
);
