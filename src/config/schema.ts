/**
 * Typed configuration schemas. One declaration gives the HCL name, the type,
 * whether the field is optional, its default and its documentation; the
 * toolkit derives from it the Go struct description Waypoint decodes HCL
 * with, the decoder of the JSON Waypoint sends back, and the docs.
 *
 * @module
 */

/**
 * Options shared by every field.
 *
 * @example Every option of a field
 * ```ts
 * import assert from "node:assert";
 * import { config, type FieldOptions } from "@x/waypoint-plugin";
 * const tokenOptions = {
 *   hcl: "api_token", // the name in waypoint.hcl (default: the key in snake_case)
 *   doc: "The API token",
 *   summary: "Read from the environment when not set.",
 *   envVar: "DEMO_TOKEN",
 *   sensitive: true, // never logged or shown in errors
 * } satisfies FieldOptions<string>;
 * const schema = config.object({ token: config.string(tokenOptions) });
 * assert.equal(schema.shape.token.options.hcl, "api_token");
 * ```
 */
export interface FieldOptions<T> {
  /** The attribute or block name in `waypoint.hcl`. Default: the key in snake_case. */
  hcl?: string;
  /** One-line documentation, shown by `waypoint docs`. */
  doc?: string;
  /** Longer documentation. */
  summary?: string;
  /** The value used when `waypoint.hcl` does not set the field; makes the field optional. */
  default?: T;
  /** Whether `waypoint.hcl` must set the field. Default: `false`. */
  required?: boolean;
  /** An environment variable the plugin reads when the field is unset (documented only). */
  envVar?: string;
  /** Whether the value is secret: it is never logged or shown in errors. Default: `false`. */
  sensitive?: boolean;
}

/**
 * Options of a list or map field.
 *
 * @example A list that may hold null
 * ```ts
 * import assert from "node:assert";
 * import { type CollectionOptions, config } from "@x/waypoint-plugin";
 * const options = { nullElements: true, doc: "Extra arguments" } satisfies CollectionOptions<
 *   (string | undefined)[]
 * >;
 * const args = config.list(config.string(), options);
 * assert.equal(args.kind, "list");
 * ```
 */
export interface CollectionOptions<T> extends FieldOptions<T> {
  /**
   * Whether an element may be `null` in `waypoint.hcl` (`["a", null]`). Such
   * an element decodes as `undefined`, and only then does the element type
   * include `undefined`. Default: `false` (HCL rejects a `null` element).
   */
  nullElements?: boolean;
}

/**
 * The element type of a list or map of `Field<T>` declared with options `O`.
 *
 * @example The element type of a list
 * ```ts
 * import assert from "node:assert";
 * import type { Elem } from "@x/waypoint-plugin";
 * const strict: Elem<string | undefined, Record<never, never>> = "a"; // string
 * const loose: Elem<string, { nullElements: true }> = undefined; // string | undefined
 * assert.deepEqual([strict, loose], ["a", undefined]);
 * ```
 */
export type Elem<T, O> = O extends { nullElements: true } ? Exclude<T, undefined> | undefined
  : Exclude<T, undefined>;

/**
 * The kinds of field.
 *
 * @example Walk a schema by kind
 * ```ts
 * import assert from "node:assert";
 * import { config, type FieldKind } from "@x/waypoint-plugin";
 * const schema = config.object({
 *   source: config.string({ default: "./" }),
 *   port: config.blocks({ name: config.label(), number: config.int({ required: true }) }),
 * });
 * const kinds: Record<string, FieldKind> = Object.fromEntries(
 *   Object.entries(schema.shape).map(([k, f]) => [k, f.kind]),
 * );
 * assert.deepEqual(kinds, { source: "string", port: "blocks" });
 * ```
 */
export type FieldKind =
  | "string"
  | "bool"
  | "int"
  | "number"
  | "list"
  | "map"
  | "block"
  | "blocks"
  | "label";

/**
 * One field of a config schema. `T` is its TypeScript type after defaults.
 *
 * @example Reuse a field in several schemas
 * ```ts
 * import assert from "node:assert";
 * import { config, type Field } from "@x/waypoint-plugin";
 * const region: Field<string> = config.string({ default: "eu-west-1", doc: "The region" });
 * const build = config.object({ region });
 * const deploy = config.object({ region, replicas: config.int({ default: 1 }) });
 * assert.equal(build.shape.region, deploy.shape.region);
 * ```
 */
export interface Field<T> {
  /** What kind of value the field holds. */
  readonly kind: FieldKind;
  /** The options the field was declared with. */
  readonly options: FieldOptions<unknown>;
  /** The element of a list or map field. */
  readonly elem?: Field<unknown>;
  /** The fields of a block. */
  readonly shape?: Shape;
  /** Type-level only: the decoded value's type. */
  readonly _type?: T;
}

/**
 * A set of named fields.
 *
 * @example A shape shared by components
 * ```ts
 * import { config, defineBuilder, type Shape } from "@x/waypoint-plugin";
 * const common = { source: config.string({ default: "./" }) } satisfies Shape;
 * defineBuilder({
 *   config: config.object({ ...common, tags: config.list(config.string()) }),
 *   build: (ctx) => ({ source: ctx.config.source, tags: ctx.config.tags }),
 * });
 * ```
 */
export type Shape = Record<string, Field<unknown>>;

/**
 * The decoded value of a shape.
 *
 * @example The type of a decoded config
 * ```ts
 * import assert from "node:assert";
 * import { config, type Infer } from "@x/waypoint-plugin";
 * const BuildConfig = config.object({
 *   outputName: config.string({ default: "app" }),
 *   source: config.string(),
 * });
 * type BuildConfig = Infer<typeof BuildConfig>; // { outputName: string; source: string | undefined }
 * const example: BuildConfig = { outputName: "app", source: undefined };
 * assert.equal(example.outputName, "app");
 * ```
 */
export type Infer<S> = S extends Schema<infer Sh> ? InferShape<Sh>
  : S extends Shape ? InferShape<S>
  : never;

/**
 * The decoded value of each field in a shape.
 *
 * @example The type of a shape's values
 * ```ts
 * import assert from "node:assert";
 * import { config, type InferShape } from "@x/waypoint-plugin";
 * const shape = {
 *   replicas: config.int({ default: 1 }),
 *   image: config.string({ required: true }),
 * };
 * const values: InferShape<typeof shape> = { replicas: 2, image: "nginx" };
 * assert.equal(values.replicas, 2);
 * ```
 */
export type InferShape<S extends Shape> = {
  [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

/**
 * A whole config: the fields of the `use` block.
 *
 * @example A schema as a parameter
 * ```ts
 * import assert from "node:assert";
 * import { config, type Schema } from "@x/waypoint-plugin";
 * const hclNames = (schema: Schema) =>
 *   Object.entries(schema.shape).map(([key, f]) => f.options.hcl ?? key);
 * assert.deepEqual(hclNames(config.object({ source: config.string({ hcl: "src" }) })), ["src"]);
 * ```
 */
export interface Schema<S extends Shape = Shape> {
  /** The fields. */
  readonly shape: S;
}

/**
 * `T`, or `T | undefined` when the options give neither a default nor `required: true`.
 *
 * @example When a field may be undefined
 * ```ts
 * import assert from "node:assert";
 * import type { Opt } from "@x/waypoint-plugin";
 * const withDefault: Opt<string, { default: string }> = "./"; // string
 * const required: Opt<string, { required: true }> = "app"; // string
 * const neither: Opt<string, Record<never, never>> = undefined; // string | undefined
 * assert.deepEqual([withDefault, required, neither], ["./", "app", undefined]);
 * ```
 */
export type Opt<T, O> = O extends { default: unknown } ? T
  : O extends { required: true } ? T
  : T | undefined;

function field<T>(
  kind: FieldKind,
  options: FieldOptions<unknown>,
  extra: Partial<Field<unknown>> = {},
): Field<T> {
  return Object.freeze({ kind, options: { ...options }, ...extra }) as Field<T>;
}

/**
 * The field constructors of {@linkcode config}.
 *
 * @example Every kind of field
 * ```ts
 * import assert from "node:assert";
 * import { config, type ConfigFactory } from "@x/waypoint-plugin";
 * const c: ConfigFactory = config;
 * const schema = c.object({
 *   image: c.string({ required: true }),
 *   privileged: c.bool({ default: false }),
 *   replicas: c.int({ default: 1 }),
 *   cpu: c.number({ default: 0.5 }),
 *   args: c.list(c.string()),
 *   env: c.map(c.string()),
 *   auth: c.block({ user: c.string(), password: c.string({ sensitive: true }) }),
 *   port: c.blocks({ name: c.label(), number: c.int({ required: true }) }),
 * });
 * assert.equal(schema.shape.port.kind, "blocks");
 * ```
 */
export interface ConfigFactory {
  /** The top-level schema of a component's `use` block. */
  object<S extends Shape>(shape: S): Schema<S>;
  /** A string attribute. */
  string<O extends FieldOptions<string>>(options?: O): Field<Opt<string, O>>;
  /** A boolean attribute. */
  bool<O extends FieldOptions<boolean>>(options?: O): Field<Opt<boolean, O>>;
  /** A whole-number attribute (Go `int64`). */
  int<O extends FieldOptions<number>>(options?: O): Field<Opt<number, O>>;
  /** A number attribute (Go `float64`). */
  number<O extends FieldOptions<number>>(options?: O): Field<Opt<number, O>>;
  /**
   * A list attribute, e.g. `args = ["-v"]`. Unset: `[]` unless a default is
   * given. `config.list(config.string())` is `string[]`: an element's own
   * optionality does not apply; `nullElements: true` allows `null` elements.
   */
  list<T, O extends CollectionOptions<Elem<T, O>[]>>(
    elem: Field<T>,
    options?: O,
  ): Field<Elem<T, O>[]>;
  /**
   * A map attribute with string keys, e.g. `env = { A = "1" }`. Unset: `{}`
   * unless a default is given. `config.map(config.string())` is
   * `Record<string, string>`; `nullElements: true` allows `null` values.
   */
  map<T, O extends CollectionOptions<Record<string, Elem<T, O>>>>(
    elem: Field<T>,
    options?: O,
  ): Field<Record<string, Elem<T, O>>>;
  /** A nested block, e.g. `auth { user = "x" }`; `undefined` when absent unless required. */
  block<S extends Shape, O extends FieldOptions<never>>(
    shape: S,
    options?: O,
  ): Field<Opt<InferShape<S>, O>>;
  /** A repeated block, e.g. several `port { ... }` blocks; `[]` when absent. */
  blocks<S extends Shape>(shape: S, options?: FieldOptions<never>): Field<InferShape<S>[]>;
  /** The label of a block, e.g. `"web"` in `port "web" { … }` (only inside `block`/`blocks`). */
  label(options?: Pick<FieldOptions<string>, "hcl" | "doc">): Field<string>;
}

/**
 * Field constructors.
 *
 * @example The gobuilder's config
 * ```ts
 * import { config } from "@x/waypoint-plugin";
 * const BuildConfig = config.object({
 *   outputName: config.string({ default: "app", doc: "Name of the binary to produce" }),
 *   source: config.string({ default: "./", doc: "Directory holding the Go sources" }),
 * });
 * ```
 */
export const config: ConfigFactory = {
  /**
   * The top-level schema of a component's `use` block.
   *
   * @example The gobuilder's config
   * ```ts
   * import { config } from "@x/waypoint-plugin";
   * const BuildConfig = config.object({
   *   outputName: config.string({ default: "app", doc: "Name of the binary to produce" }),
   *   source: config.string({ default: "./", doc: "Directory holding the Go sources" }),
   * });
   * ```
   */
  object<S extends Shape>(shape: S): Schema<S> {
    return Object.freeze({ shape });
  },
  /** A string attribute. */
  string<O extends FieldOptions<string>>(options?: O): Field<Opt<string, O>> {
    return field("string", options ?? {});
  },
  /** A boolean attribute. */
  bool<O extends FieldOptions<boolean>>(options?: O): Field<Opt<boolean, O>> {
    return field("bool", options ?? {});
  },
  /** A whole-number attribute (Go `int64`). */
  int<O extends FieldOptions<number>>(options?: O): Field<Opt<number, O>> {
    return field("int", options ?? {});
  },
  /** A number attribute (Go `float64`). */
  number<O extends FieldOptions<number>>(options?: O): Field<Opt<number, O>> {
    return field("number", options ?? {});
  },
  /** A list attribute, e.g. `args = ["-v"]`. Unset: `[]` unless a default is given. */
  list<T, O extends CollectionOptions<Elem<T, O>[]>>(
    elem: Field<T>,
    options?: O,
  ): Field<Elem<T, O>[]> {
    return field("list", options ?? {}, { elem: elem as Field<unknown> });
  },
  /** A map attribute with string keys, e.g. `env = { A = "1" }`. Unset: `{}` unless a default is given. */
  map<T, O extends CollectionOptions<Record<string, Elem<T, O>>>>(
    elem: Field<T>,
    options?: O,
  ): Field<Record<string, Elem<T, O>>> {
    return field("map", options ?? {}, { elem: elem as Field<unknown> });
  },
  /** A nested block, e.g. `auth { user = "x" }`; `undefined` when absent unless required. */
  block<S extends Shape, O extends FieldOptions<never>>(
    shape: S,
    options?: O,
  ): Field<Opt<InferShape<S>, O>> {
    return field("block", options ?? {}, { shape });
  },
  /** A repeated block, e.g. several `port { ... }` blocks; `[]` when absent. */
  blocks<S extends Shape>(
    shape: S,
    options?: FieldOptions<never>,
  ): Field<InferShape<S>[]> {
    return field("blocks", options ?? {}, { shape });
  },
  /** The label of a block, e.g. `"web"` in `port "web" { … }` (only inside `block`/`blocks`). */
  label(options?: Pick<FieldOptions<string>, "hcl" | "doc">): Field<string> {
    return field("label", { ...options, required: true });
  },
};

/** The HCL name of a field: its `hcl` option or the key in snake_case. */
export function hclName(key: string, f: Field<unknown>): string {
  return f.options.hcl ??
    key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
      .toLowerCase();
}

/** The Go field name of a schema key: exported, so the host's reflect.StructOf accepts it. */
export function goName(key: string): string {
  return key[0].toUpperCase() + key.slice(1);
}

/** Whether a field may be left out of `waypoint.hcl`. */
export function isOptional(f: Field<unknown>): boolean {
  if (f.kind === "label") return false;
  if (f.kind === "blocks") return true;
  return f.options.required !== true;
}

/** Whether the elements of a list or map field may be `null` (`nullElements: true`). */
export function nullElements(f: Field<unknown>): boolean {
  return (f.options as CollectionOptions<unknown>).nullElements === true;
}

/** A human-readable type, as `waypoint docs` shows it. */
export function typeName(f: Field<unknown>): string {
  switch (f.kind) {
    case "list":
      return `list of ${typeName(f.elem!)}`;
    case "map":
      return `map of string to ${typeName(f.elem!)}`;
    case "block":
      return "block";
    case "blocks":
      return "list of blocks";
    case "label":
      return "string";
    default:
      return f.kind;
  }
}
