/**
 * Write HashiCorp Waypoint plugins in TypeScript. A plugin defines its
 * components, then calls {@linkcode serve}; Waypoint launches the executable
 * and drives it over go-plugin's gRPC protocol exactly as it drives a plugin
 * built with Go's waypoint-plugin-sdk.
 *
 * @example A complete builder plugin
 * ```ts
 * import { config, ConfigError, defineBuilder, protoFile, serve } from "@x/waypoint-plugin";
 *
 * // What `deno task proto` generates from output.proto (`message Binary { string location = 1; }`)
 * // into gen/output.ts; a plugin imports it from there.
 * const file = protoFile({
 *   nested: { gobuilder: { nested: { Binary: { fields: { location: { type: "string", id: 1 } } } } } },
 * });
 * const Binary = file.message<{ location: string }>("gobuilder.Binary");
 *
 * const builder = defineBuilder({
 *   config: config.object({
 *     outputName: config.string({ default: "app", doc: "Name of the binary to produce" }),
 *     source: config.string({ default: "./", doc: "Directory holding the Go sources" }),
 *   }),
 *   async configSet(cfg) {
 *     try {
 *       await Deno.stat(cfg.source);
 *     } catch {
 *       throw new ConfigError("source", cfg.source, "must name an existing directory", "was not found");
 *     }
 *   },
 *   async build(ctx) {
 *     using status = ctx.ui.status();
 *     status.update("Building application");
 *     const out = await new Deno.Command("go", {
 *       args: ["build", "-o", ctx.config.outputName],
 *       cwd: ctx.config.source,
 *       signal: ctx.signal,
 *     }).output();
 *     if (!out.success) {
 *       status.step("error", "Build failed");
 *       throw new Error(new TextDecoder().decode(out.stderr));
 *     }
 *     status.step("ok", "Application built successfully");
 *     return Binary.create({ location: `${ctx.config.source}/${ctx.config.outputName}` });
 *   },
 * });
 *
 * if (import.meta.main) await serve({ builder });
 * ```
 *
 * @module
 */

// For plugin authors: components and serving.
export { type PluginComponents, serve, type ServeOptions } from "./src/server/serve.ts";
export {
  type BuildContext,
  type Builder,
  type BuilderDefinition,
  defineBuilder,
} from "./src/components/builder.ts";
export {
  defineRegistry,
  type PushContext,
  type Registry,
  type RegistryDefinition,
} from "./src/components/registry.ts";
export {
  definePlatform,
  type DeployContext,
  type DeploymentContext,
  type ExecContext,
  type GenerationContext,
  type LogsContext,
  type Platform,
  type PlatformDefinition,
} from "./src/components/platform.ts";
export {
  defineReleaseManager,
  type ReleaseContext,
  type ReleaseManager,
  type ReleaseManagerDefinition,
  type ReleaseTargetContext,
} from "./src/components/release_manager.ts";
export {
  defineTaskLauncher,
  type StartTaskContext,
  type StopTaskContext,
  type TaskLauncher,
  type TaskLauncherDefinition,
  type WatchTaskContext,
} from "./src/components/task_launcher.ts";
export {
  type ConfigSourcer,
  type ConfigSourcerDefinition,
  type ConfigValue,
  defineConfigSourcer,
} from "./src/components/config_sourcer.ts";
export { defineMapper, type Mapper, type MapperDefinition } from "./src/components/mapper.ts";
export { deploymentEnv } from "./src/components/deployment_env.ts";
export type {
  AuthDefinition,
  ComponentBase,
  ComponentDocs,
  OutputTemplate,
  TemplateData,
  TemplateFieldDoc,
} from "./src/components/component.ts";
export type {
  AnyMessage,
  ConfigContext,
  DataDir,
  Decoded,
  DeploymentConfig,
  InputType,
  JobInfo,
  OperationContext,
  ResourceContext,
  Source,
  TaskContext,
  TaskLaunchInfo,
} from "./src/components/context.ts";
export type { ResourceCategory, Resources, ResourceSpec } from "./src/components/resources.ts";
export {
  defineResources,
  type ResourceDefinition,
  type ResourceManager,
  type ResourceStates,
} from "./src/components/resource_manager.ts";
export type { Health, StatusReport, StatusResource } from "./src/components/status.ts";
export type { ExecSession, LogEvent, LogViewer, WindowSize } from "./src/components/sessions.ts";

// Config schemas.
export {
  type CollectionOptions,
  config,
  type Field,
  type FieldOptions,
  type Infer,
  type Schema,
  type Shape,
} from "./src/config/schema.ts";

// Errors.
export { Code, ConfigError, PluginError } from "./src/errors.ts";

// Terminal UI and logging.
export type {
  InputOptions,
  Status,
  Step,
  StepGroup,
  StepStatus,
  Style,
  TableEntry,
  TerminalUI,
} from "./src/terminal/ui.ts";
export { createLogger, type LogFields, type Logger, type LogLevel } from "./src/logger.ts";

// Typed protobuf messages (what `deno task proto` generates code against).
export {
  type JsonValue,
  type MessageInit,
  type MessageType,
  type ProtoFile,
  protoFile,
  type ProtoJson,
} from "./src/proto/runtime.ts";

// For embedders and tests: the serving core without the process side (no cookie check, no
// environment, no stdout guard, no signal handlers, no handshake line, no exit).
export {
  type ListenEnv,
  type RunningPlugin,
  start,
  type StartOptions,
  type Transport,
} from "./src/server/core.ts";
export { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "./src/server/serve.ts";
