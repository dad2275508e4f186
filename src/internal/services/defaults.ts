/**
 * What a Go plugin answers for a component it does not have: the probes the
 * SDK client makes at dispense time succeed (`Is*` → false, no config
 * struct, empty docs), and the operation calls fail UNIMPLEMENTED with the
 * SDK's own wording. Without this, Waypoint cannot even dispense the
 * component to find out it is absent.
 */
import type * as grpc from "@grpc/grpc-js";
import { methodNames, unary } from "../grpc.ts";

/** The SDK services a plugin serves, by the name in `hashicorp.waypoint.sdk.<name>`. */
export const SDK_SERVICES = [
  "Builder",
  "Registry",
  "Platform",
  "ReleaseManager",
  "TaskLauncher",
  "ConfigSourcer",
] as const;

/** One of {@linkcode SDK_SERVICES}. */
export type SdkService = typeof SDK_SERVICES[number];

/** The UNIMPLEMENTED message the Go SDK sends for each service's operations. */
export const NOT_IMPLEMENTED: Record<SdkService, string> = {
  Builder: "plugin does not implement: builder",
  Registry: "plugin does not implement: registry",
  Platform: "plugin does not implement: platform",
  ReleaseManager: "plugin does not implement: release manager",
  TaskLauncher: "plugin does not implement: taskLauncher",
  ConfigSourcer: "plugin does not implement: ConfigSourcer",
};

const EMPTY_DOCS = {
  description: "",
  example: "",
  input: "",
  output: "",
  fields: {},
  mappers: [],
  templateFields: {},
  requestFields: {},
};

/** Handlers for the probe and config RPCs of `service` when the plugin lacks that component. */
export function absentComponentHandlers(
  service: SdkService,
): Record<string, grpc.UntypedHandleCall> {
  const handlers: Record<string, grpc.UntypedHandleCall> = {};
  for (const method of methodNames(`hashicorp.waypoint.sdk.${service}`)) {
    if (/^Is[A-Z]/.test(method)) handlers[method] = unary(() => ({ implements: false }));
  }
  handlers.ConfigStruct = unary(() => ({}));
  handlers.Configure = unary(() => ({}));
  handlers.Documentation = unary(() => EMPTY_DOCS);
  return handlers;
}
