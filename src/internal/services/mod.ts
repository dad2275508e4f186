/**
 * Every component service, by the component's key: what serving a present
 * component means. The mapped type makes a kind added to
 * `components/kinds.ts` without a service here a type error.
 */
import type { ComponentKey, ComponentTypes } from "../../components/kinds.ts";
import { BUILDER_SERVICE } from "./builder.ts";
import { CONFIG_SOURCER_SERVICE } from "./config_sourcer.ts";
import { PLATFORM_SERVICE } from "./platform.ts";
import { REGISTRY_SERVICE } from "./registry.ts";
import { RELEASE_MANAGER_SERVICE } from "./release_manager.ts";
import type { ComponentService } from "./service.ts";
import { TASK_LAUNCHER_SERVICE } from "./task_launcher.ts";

/** The service of each component kind, over its definition type. */
export const SERVICES: { [K in ComponentKey]: ComponentService<ComponentTypes[K]["definition"]> } =
  {
    builder: BUILDER_SERVICE,
    registry: REGISTRY_SERVICE,
    platform: PLATFORM_SERVICE,
    releaseManager: RELEASE_MANAGER_SERVICE,
    taskLauncher: TASK_LAUNCHER_SERVICE,
    configSourcer: CONFIG_SOURCER_SERVICE,
  };
