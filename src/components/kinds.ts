/**
 * The component kinds a plugin can serve, described once. Serving, the
 * probes of absent components, the test host, the docs tool and the
 * scaffolder all iterate this list instead of keeping tables of their own.
 *
 * @module
 */
import type { Builder } from "./builder.ts";
import type { ConfigSourcer } from "./config_sourcer.ts";
import type { Platform } from "./platform.ts";
import type { Registry } from "./registry.ts";
import type { ReleaseManager } from "./release_manager.ts";
import type { TaskLauncher } from "./task_launcher.ts";

/**
 * The value each key of `serve({ … })` holds: what its `define*()` makes.
 *
 * @example A function that accepts any component
 * ```ts
 * import assert from "node:assert";
 * import { type ComponentTypes, defineBuilder } from "@x/waypoint-plugin";
 * type AnyComponent = ComponentTypes[keyof ComponentTypes];
 * const describe = (c: AnyComponent) => `a ${c.kind}`;
 * const builder: ComponentTypes["builder"] = defineBuilder({ build: () => ({}) });
 * assert.equal(describe(builder), "a builder");
 * ```
 */
export interface ComponentTypes {
  /** The Builder (`build { use "<name>" { … } }`), made by `defineBuilder()`. */
  builder: Builder;
  /** The Registry (`registry { use "<name>" { … } }` inside `build`), made by `defineRegistry()`. */
  registry: Registry;
  /** The Platform (`deploy { use "<name>" { … } }`), made by `definePlatform()`. */
  platform: Platform;
  /** The ReleaseManager (`release { use "<name>" { … } }`), made by `defineReleaseManager()`. */
  releaseManager: ReleaseManager;
  /** The TaskLauncher (runner profiles' `plugin_type`), made by `defineTaskLauncher()`. */
  taskLauncher: TaskLauncher;
  /**
   * The ConfigSourcer (`config { … }` dynamic sources; see its docs for Waypoint 0.11's
   * limits), made by `defineConfigSourcer()`.
   */
  configSourcer: ConfigSourcer;
}

/** The key a component has in `serve({ … })`. */
export type ComponentKey = keyof ComponentTypes;

/** The name Waypoint dispenses a component by; also the tag of a `define*()` value. */
export type ComponentKindName = ComponentTypes[ComponentKey]["kind"];

/** What every layer knows about one component kind. */
export interface ComponentKind {
  /** The key in `serve({ … })`, e.g. `releaseManager`. */
  readonly key: ComponentKey;
  /** The dispense name and the `define*()` value's `kind`, e.g. `releasemanager`. */
  readonly kind: ComponentKindName;
  /** The gRPC service: `hashicorp.waypoint.sdk.<service>`. */
  readonly service: string;
  /** How messages name it, e.g. `release manager`. */
  readonly title: string;
  /** The function that defines one, e.g. `defineReleaseManager`. */
  readonly define: string;
  /** Where `waypoint.hcl` uses it, e.g. `release`. */
  readonly stanza: string;
  /** The main operation's Spec RPC: answered when the component is there, UNIMPLEMENTED otherwise. */
  readonly probe: string;
  /** What the Go SDK answers, UNIMPLEMENTED, to an operation of a component the plugin lacks. */
  readonly notImplemented: string;
}

/** Every component kind, in the order Waypoint's lifecycle uses them. */
export const COMPONENT_KINDS: readonly ComponentKind[] = Object.freeze([
  {
    key: "builder",
    kind: "builder",
    service: "Builder",
    title: "builder",
    define: "defineBuilder",
    stanza: "build",
    probe: "BuildSpec",
    notImplemented: "plugin does not implement: builder",
  },
  {
    key: "registry",
    kind: "registry",
    service: "Registry",
    title: "registry",
    define: "defineRegistry",
    stanza: "registry (inside build)",
    probe: "PushSpec",
    notImplemented: "plugin does not implement: registry",
  },
  {
    key: "platform",
    kind: "platform",
    service: "Platform",
    title: "platform",
    define: "definePlatform",
    stanza: "deploy",
    probe: "DeploySpec",
    notImplemented: "plugin does not implement: platform",
  },
  {
    key: "releaseManager",
    kind: "releasemanager",
    service: "ReleaseManager",
    title: "release manager",
    define: "defineReleaseManager",
    stanza: "release",
    probe: "ReleaseSpec",
    notImplemented: "plugin does not implement: release manager",
  },
  {
    key: "taskLauncher",
    kind: "tasklauncher",
    service: "TaskLauncher",
    title: "task launcher",
    define: "defineTaskLauncher",
    stanza: "runner profile",
    probe: "StartSpec",
    notImplemented: "plugin does not implement: taskLauncher",
  },
  {
    key: "configSourcer",
    kind: "configsourcer",
    service: "ConfigSourcer",
    title: "config sourcer",
    define: "defineConfigSourcer",
    stanza: "config (dynamic sources)",
    probe: "ReadSpec",
    notImplemented: "plugin does not implement: ConfigSourcer",
  },
]);

/** The kind with dispense name `kind`. */
export function componentKind(kind: ComponentKindName): ComponentKind {
  const k = COMPONENT_KINDS.find((c) => c.kind === kind);
  if (!k) throw new TypeError(`No component kind "${kind}"`);
  return k;
}
