/**
 * Typed configuration schemas. One declaration gives the HCL name, the type,
 * whether the field is optional, its default and its documentation; the
 * toolkit derives from it the Go struct description Waypoint decodes HCL
 * with, the decoder of the JSON Waypoint sends back, and the docs.
 *
 * @module
 */

/** Options shared by every field. */
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

/** Options of a list or map field. */
export interface CollectionOptions<T> extends FieldOptions<T> {
  /**
   * Whether an element may be `null` in `waypoint.hcl` (`["a", null]`). Such
   * an element decodes as `undefined`, and only then does the element type
   * include `undefined`. Default: `false` (HCL rejects a `null` element).
   */
  nullElements?: boolean;
}

/** The element type of a list or map of `Field<T>` declared with options `O`. */
export type Elem<T, O> = O extends { nullElements: true } ? Exclude<T, undefined> | undefined
  : Exclude<T, undefined>;

/** The kinds of field. */
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

/** One field of a config schema. `T` is its TypeScript type after defaults. */
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

/** A set of named fields. */
export type Shape = Record<string, Field<unknown>>;

/** The decoded value of a shape. */
export type Infer<S> = S extends Schema<infer Sh> ? InferShape<Sh>
  : S extends Shape ? InferShape<S>
  : never;

/** The decoded value of each field in a shape. */
export type InferShape<S extends Shape> = {
  [K in keyof S]: S[K] extends Field<infer T> ? T : never;
};

/** A whole config: the fields of the `use` block. */
export interface Schema<S extends Shape = Shape> {
  /** The fields. */
  readonly shape: S;
}

/** `T`, or `T | undefined` when the options give neither a default nor `required: true`. */
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

/** The field constructors of {@linkcode config}. */
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
