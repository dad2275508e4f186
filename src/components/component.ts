/**
 * What every component definition shares: config, validation, docs,
 * authentication.
 *
 * @module
 */
import { checkSchema } from "../config/check.ts";
import type { InferShape, Schema, Shape } from "../config/schema.ts";
import type { JsonValue } from "../proto/runtime.ts";
import type { ConfigContext, OperationContext } from "./context.ts";

/**
 * Template data: the variables later stages see as `artifact.<key>` (or `deploy.<key>`).
 *
 * @example Publish a computed template variable
 * ```ts
 * import assert from "node:assert";
 * import { defineBuilder, protoFile, type TemplateData } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Image = file.message<{ ref: string }>("demo.Image");
 * // waypoint.hcl can then use `${artifact.ref}` and `${artifact.tag}`.
 * const withTag = (image: { ref: string }, fields: TemplateData): TemplateData => ({
 *   ...fields,
 *   tag: image.ref.split(":")[1] ?? "latest",
 * });
 * const builder = defineBuilder({
 *   output: Image,
 *   templateData: withTag,
 *   build: () => Image.create(),
 * });
 * assert.deepEqual(withTag({ ref: "app:v2" }, { ref: "app:v2" }), { ref: "app:v2", tag: "v2" });
 * assert(builder.definition.templateData);
 * ```
 */
export type TemplateData = Record<string, JsonValue>;

/**
 * Documentation of one template field.
 *
 * @example Document a template field
 * ```ts
 * import { defineBuilder, type TemplateFieldDoc } from "@x/waypoint-plugin";
 * const tag: TemplateFieldDoc = {
 *   synopsis: "the image's tag",
 *   summary: "The part after the colon, or `latest` when the reference has none.",
 *   type: "string",
 * };
 * defineBuilder({ docs: { templateFields: { tag } }, build: () => ({}) });
 * ```
 */
export interface TemplateFieldDoc {
  /** One line on what it holds. */
  synopsis?: string;
  /** More detail. */
  summary?: string;
  /** Its type, e.g. `string`. Default: the output field's type, or the type of the value `templateData` gives an empty output. */
  type?: string;
}

/**
 * Documentation of a component, served to `waypoint docs`.
 *
 * @example What `waypoint docs` shows for a builder
 * ```ts
 * import { type ComponentDocs, config, defineBuilder } from "@x/waypoint-plugin";
 * const docs: ComponentDocs = {
 *   description: "Builds a Go application with `go build`.",
 *   example: `build {\n  use "gobuilder" {\n    output_name = "app"\n  }\n}`,
 *   templateFields: { location: "where the binary was written" },
 * };
 * defineBuilder({
 *   config: config.object({ outputName: config.string({ default: "app" }) }),
 *   docs,
 *   build: () => ({}),
 * });
 * ```
 */
export interface ComponentDocs {
  /** What the component does. */
  description?: string;
  /** An example `use` block. */
  example?: string;
  /**
   * More examples. Waypoint has one example field: `example` and these reach
   * it together, separated by a blank line (Go's `doc.Example` keeps only the
   * last call's).
   */
  examples?: string[];
  /**
   * What the template fields hold, by name: a synopsis, or details. The
   * names themselves come from the output (see `templateData`); a name
   * given here only is listed too.
   */
  templateFields?: Record<string, string | TemplateFieldDoc>;
  /** What the component takes, e.g. `gobuilder.Binary`. Default: the input type's name. */
  input?: string;
  /** What it produces. Default: the output type's name. */
  output?: string;
}

/**
 * Authentication (`waypoint init` asks components that have it): `auth`
 * logs the user in, `validateAuth` checks the credentials and throws when
 * they do not work.
 *
 * @example Check credentials before use
 * ```ts
 * import {
 *   type AuthDefinition,
 *   Code,
 *   config,
 *   defineRegistry,
 *   PluginError,
 *   protoFile,
 * } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Image: { fields: { ref: { type: "string", id: 1 } } },
 *       },
 *     },
 *   },
 * });
 * const Image = file.message<{ ref: string }>("demo.Image");
 * const schema = config.object({ token: config.string({ sensitive: true, optional: true }) });
 * const auth: AuthDefinition<{ token?: string }> = {
 *   auth: (ctx) => ctx.config.token !== undefined,
 *   validateAuth(ctx) {
 *     if (!ctx.config.token) {
 *       throw new PluginError("set token in the registry block", Code.UNAUTHENTICATED);
 *     }
 *   },
 * };
 * defineRegistry({
 *   config: schema,
 *   auth,
 *   input: Image,
 *   output: Image,
 *   push: (ctx) => ctx.artifact,
 * });
 * ```
 */
export interface AuthDefinition<C> {
  /** Authenticates; returns whether the user is now authenticated. */
  auth(ctx: OperationContext<C>): boolean | Promise<boolean>;
  /** Throws when the current credentials do not work. */
  validateAuth(ctx: OperationContext<C>): void | Promise<void>;
}

/**
 * Shapes the template data of a component's output, as a Go output type's
 * `TemplateData()` does.
 *
 * @example Leave a field out of the template data
 * ```ts
 * import assert from "node:assert";
 * import { definePlatform, type OutputTemplate, protoFile } from "@x/waypoint-plugin";
 * const file = protoFile({
 *   nested: {
 *     demo: {
 *       nested: {
 *         Deployment: {
 *           fields: { url: { type: "string", id: 1 }, pid: { type: "int64", id: 2 } },
 *         },
 *       },
 *     },
 *   },
 * });
 * const Deployment = file.message<{ url: string; pid: number }>("demo.Deployment");
 * // Only `${deploy.url}` is published; the pid stays internal.
 * const template: OutputTemplate<{ url: string; pid: number }> = {
 *   templateData: (d) => ({ url: d.url }),
 * };
 * definePlatform({
 *   ...template,
 *   input: "demo.Binary",
 *   output: Deployment,
 *   deploy: () => Deployment.create({ url: "http://localhost:8080", pid: 1 }),
 * });
 * assert.deepEqual(template.templateData?.({ url: "u", pid: 2 }, {}), { url: "u" });
 * ```
 */
export interface OutputTemplate<R> {
  /**
   * The variables later stages see as `artifact.<key>` (`deploy.<key>` for a
   * deployment): gets the output and its default template data (every field
   * under its proto name) and returns the map to publish — add computed keys,
   * leave fields out, or return `null` (or `{}`) to publish none. Default:
   * every field. It is also called on an empty output to document the
   * template fields, so it must not assume fields are set.
   */
  templateData?(output: R, fields: TemplateData): TemplateData | null | undefined;
}

/**
 * The parts every component definition may have.
 *
 * @example Parts shared by every definition
 * ```ts
 * import { type ComponentBase, config, ConfigError, defineBuilder } from "@x/waypoint-plugin";
 * const shape = { source: config.string({ default: "./" }) };
 * // One config, check and docs, reused by two builders.
 * const common: ComponentBase<typeof shape> = {
 *   config: config.object(shape),
 *   async configSet(cfg) {
 *     if (cfg.source === "") throw new ConfigError("source", cfg.source, "must not be empty");
 *   },
 *   docs: { description: "Builds from `source`." },
 * };
 * defineBuilder({ ...common, build: (ctx) => ({ from: ctx.config.source }) });
 * defineBuilder({ ...common, build: (ctx) => ({ from: `${ctx.config.source}/cmd` }) });
 * ```
 */
export interface ComponentBase<S extends Shape> {
  /** The schema of the `use` block. Default: no config (the block's contents are ignored). */
  config?: Schema<S>;
  /**
   * Validates the decoded config when Waypoint configures the plugin; throw a
   * `ConfigError` naming the field, the value and the fix.
   */
  configSet?(config: InferShape<S>, ctx: ConfigContext): void | Promise<void>;
  /** Documentation for `waypoint docs`. */
  docs?: ComponentDocs;
  /** Authentication, when the component needs credentials. */
  auth?: AuthDefinition<InferShape<S>>;
}

/** A definition's property `name`, whatever the definition is. */
function property(definition: object, name: string): unknown {
  return Reflect.get(definition, name);
}

/** Checks the parts all components share; throws a `TypeError` that says how to fix a mistake. */
export function checkComponent(
  kind: string,
  value: object,
  required: string[],
  optional: string[] = [],
): void {
  const define = `define${kind[0].toUpperCase()}${kind.slice(1)}()`;
  if (!value || typeof value !== "object") {
    throw new TypeError(`${define} needs a definition object`);
  }
  const definition = (name: string) => property(value, name);
  for (const name of required) {
    if (typeof definition(name) !== "function") {
      throw new TypeError(
        `The ${kind} has no ${name}() function: add \`async ${name}(ctx) { … }\` to its definition`,
      );
    }
  }
  for (const name of ["configSet", ...optional]) {
    if (definition(name) !== undefined && typeof definition(name) !== "function") {
      throw new TypeError(`The ${kind}'s ${name} must be a function`);
    }
  }
  const auth = definition("auth");
  if (auth !== undefined) {
    for (const name of ["auth", "validateAuth"]) {
      if (!auth || typeof auth !== "object" || typeof property(auth, name) !== "function") {
        throw new TypeError(
          `The ${kind}'s auth needs both auth() and validateAuth() functions`,
        );
      }
    }
  }
  const docs = definition("docs");
  const examples = docs && typeof docs === "object" ? property(docs, "examples") : undefined;
  if (
    examples !== undefined &&
    (!Array.isArray(examples) || examples.some((e) => typeof e !== "string"))
  ) {
    throw new TypeError(`The ${kind}'s docs.examples must be an array of strings`);
  }
  const schema = definition("config");
  if (schema !== undefined) {
    if (!schema || typeof schema !== "object" || !("shape" in schema)) {
      throw new TypeError(`The ${kind}'s config must be made with config.object({ … })`);
    }
    checkSchema(schema as Schema, `The ${kind}'s config`);
  }
}

/**
 * Checks a declared input or output type. `key` decides what is allowed
 * (`input` also takes a full name); `label` names it in the message.
 */
export function checkMessageType(
  kind: string,
  key: string,
  value: unknown,
  optional = false,
  label: string = key,
): void {
  if (value === undefined && optional) return;
  const ok = typeof value === "string"
    ? key === "input" && /^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(value)
    : !!value && typeof value === "object" && "typeName" in value && "decode" in value;
  const name = typeof value === "string"
    ? value
    : (value as { typeName?: string } | undefined)?.typeName;
  if (ok && key === "input" && name?.startsWith("hashicorp.waypoint.sdk.")) {
    // Waypoint supplies the SDK's standard arguments itself (on ctx); as an input the host
    // could never satisfy them (DataDir.Project, DataDir.Component are never sent at all).
    throw new TypeError(
      `The ${kind}'s ${label} is "${name}", one of Waypoint's own argument types: Waypoint never passes it as a previous stage's output. Take the previous stage's message type instead; source, job, labels and the app's data directory are on ctx`,
    );
  }
  if (!ok) {
    throw new TypeError(
      `The ${kind}'s ${label} must be a message type from a module \`deno task proto\` generated${
        key.startsWith("input") ? ', or a full message name such as "docker.Image"' : ""
      }, got ${typeof value === "string" ? JSON.stringify(value) : typeof value}`,
    );
  }
}
