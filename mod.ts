/**
 * Write HashiCorp Waypoint plugins in TypeScript. A plugin defines its
 * components, then calls {@linkcode serve}; Waypoint launches the executable
 * and drives it over go-plugin's gRPC protocol exactly as it drives a plugin
 * built with Go's waypoint-plugin-sdk.
 *
 * @example A complete builder plugin
 * ```ts ignore
 * import { config, ConfigError, defineBuilder, serve } from "@x/waypoint-plugin";
 * import { Binary } from "./gen/output.ts"; // from output.proto by `deno task proto`
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
 * await serve({ builder });
 * ```
 *
 * @module
 */

// For plugin authors: components and serving.
export { type PluginComponents, serve, type ServeOptions } from "./src/serve.ts";
export {
  type BuildContext,
  type Builder,
  type BuilderDefinition,
  defineBuilder,
} from "./src/components/builder.ts";
export type { ComponentDocs } from "./src/components/component.ts";
export type {
  ConfigContext,
  DataDir,
  JobInfo,
  OperationContext,
  Source,
} from "./src/components/context.ts";

// Config schemas.
export {
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

// For embedders and tests: the serving core without the process side.
export { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, type RunningPlugin, start } from "./src/serve.ts";
