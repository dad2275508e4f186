/**
 * Write HashiCorp Waypoint plugins in TypeScript. A plugin defines its
 * components, then calls {@linkcode serve}; Waypoint launches the executable
 * and drives it over go-plugin's gRPC protocol exactly as it drives a plugin
 * built with Go's waypoint-plugin-sdk.
 *
 * Start a project, with tests, a CI workflow and a release workflow:
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/init myplugin
 * cd waypoint-plugin-myplugin && deno task test
 * ```
 *
 * The entry points: this one (`serve`, the `define*` functions, `config`,
 * errors, the UI and logger types, typed protobuf messages), `./testing`
 * (a test host that drives a plugin over the real protocol), `./builtin`
 * (the messages of Waypoint's builtin plugins), and the tools `./init`,
 * `./proto`, `./compile`, `./install` and `./docs`, run with
 * `deno run -A jsr:@x/waypoint-plugin/<tool>`.
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

// For plugin authors, in the order a plugin is written: serve it, define its components, type
// their config. One export statement per group keeps this order on the docs page (`deno fmt`
// sorts the names inside one statement).
export { serve } from "./src/server/serve.ts";
export { defineBuilder } from "./src/components/builder.ts";
export { defineRegistry } from "./src/components/registry.ts";
export { definePlatform } from "./src/components/platform.ts";
export { defineReleaseManager } from "./src/components/release_manager.ts";
export { defineTaskLauncher } from "./src/components/task_launcher.ts";
export { defineConfigSourcer } from "./src/components/config_sourcer.ts";
export { defineMapper } from "./src/components/mapper.ts";
export { defineResources } from "./src/components/resource_manager.ts";
export { config } from "./src/config/schema.ts";
export { Code, ConfigError, PluginError } from "./src/errors.ts";
export { deploymentEnv } from "./src/components/deployment_env.ts";
export { messageType } from "./src/proto/runtime.ts";
export { protoFile } from "./src/proto/descriptor.ts";
export { createLogger } from "./src/logger.ts";

// What serve() and the define* functions take and make.
export type { PluginComponents, ServeOptions } from "./src/server/serve.ts";
export type { BuildContext, Builder, BuilderDefinition } from "./src/components/builder.ts";
export type { PushContext, Registry, RegistryDefinition } from "./src/components/registry.ts";
export type {
  DeployContext,
  DeploymentContext,
  ExecContext,
  GenerationContext,
  LogsContext,
  Platform,
  PlatformDefinition,
} from "./src/components/platform.ts";
export type {
  ReleaseContext,
  ReleaseManager,
  ReleaseManagerDefinition,
  ReleaseTargetContext,
} from "./src/components/release_manager.ts";
export type {
  StartTaskContext,
  StopTaskContext,
  TaskLauncher,
  TaskLauncherDefinition,
  WatchTaskContext,
} from "./src/components/task_launcher.ts";
export type {
  ConfigSourcer,
  ConfigSourcerDefinition,
  ConfigValue,
} from "./src/components/config_sourcer.ts";
export type { Mapper, MapperDefinition } from "./src/components/mapper.ts";
export type { ComponentTypes } from "./src/components/kinds.ts";
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
export type {
  ResourceDefinition,
  ResourceManager,
  ResourceStates,
} from "./src/components/resource_manager.ts";
export type { Health, StatusReport, StatusResource } from "./src/components/status.ts";
export type { ExecSession, LogEvent, LogViewer, WindowSize } from "./src/components/sessions.ts";

// Config schemas.
export type {
  CollectionOptions,
  ConfigFactory,
  Elem,
  Field,
  FieldKind,
  FieldOptions,
  Infer,
  InferShape,
  Opt,
  Schema,
  Shape,
} from "./src/config/schema.ts";

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
export type { LogFields, Logger, LoggerOptions, LogLevel } from "./src/logger.ts";

// Typed protobuf messages (what `deno task proto` generates code against).
export type {
  Decoder,
  Encoder,
  FieldRow,
  JsonValue,
  MessageInit,
  MessageType,
  ProtoReader,
  ProtoWriter,
  WireHelpers,
} from "./src/proto/runtime.ts";
export type { ProtoFile, ProtoJson } from "./src/proto/descriptor.ts";
export type { TypeRef } from "./src/proto/wire_io.ts";

// For embedders and tests: the serving core without the process side (no cookie check, no
// environment, no stdout guard, no signal handlers, no handshake line, no exit).
export { start } from "./src/server/core.ts";
export type { ListenEnv, RunningPlugin, StartOptions, Transport } from "./src/server/core.ts";
export { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "./src/server/serve.ts";
