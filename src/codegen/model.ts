/**
 * What a generated protobuf module describes, apart from how `.proto` files
 * are parsed: messages with their fields, enums and services. `protogen.ts`
 * fills it from protobufjs's parse of the files; `init` fills it by hand for
 * the messages it scaffolds (so it needs no protobufjs); `print.ts` turns it
 * into TypeScript.
 *
 * @module
 */

/** One field of a message. */
export interface ModelField {
  /** The name in the `.proto` file. */
  readonly name: string;
  /** The field number. */
  readonly no: number;
  /** Its kind: `FieldDescriptorProto.Type` numbers (9 string, 11 message, 14 enum …); a map's value kind. */
  readonly kind: number;
  /** The full name of the message or enum it holds (a map's value type). */
  readonly ref?: string;
  /** A repeated field. */
  readonly repeated?: boolean;
  /** A map field: its key kind. */
  readonly mapKey?: number;
  /** Explicit presence: a oneof member or a proto3 `optional`. */
  readonly presence?: boolean;
}

/** One message. */
export interface ModelMessage {
  /** The full proto name, e.g. `gobuilder.Binary`. */
  readonly full: string;
  /** Its package, e.g. `gobuilder` (the TypeScript name is the rest, `_` for `.`). */
  readonly pkg: string;
  /** Its fields, in declaration order. */
  readonly fields: readonly ModelField[];
}

/** One enum. */
export interface ModelEnum {
  /** The full proto name. */
  readonly full: string;
  /** Its package. */
  readonly pkg: string;
  /** Its values, in declaration order. */
  readonly values: readonly (readonly [string, number])[];
}

/** One service method: name, request and response types (full names), client and server streaming. */
export type ModelMethod = readonly [string, string, string, boolean, boolean];

/** One service. */
export interface ModelService {
  /** The full proto name. */
  readonly full: string;
  /** Its methods. */
  readonly methods: readonly ModelMethod[];
}

/** Everything one generated module holds. */
export interface ProtoModel {
  /** The `.proto` files, as the banner names them. */
  readonly inputs: string;
  /** Its messages, enums and services, in the order the files declare them. */
  readonly messages: readonly ModelMessage[];
  /** Its enums. */
  readonly enums: readonly ModelEnum[];
  /** Its services. */
  readonly services: readonly ModelService[];
}

/**
 * A field's TypeScript (and protojson) name: lowerCamelCase the way
 * protobufjs writes it, so `output_name` is `outputName` and `Name` stays
 * `Name` (an underscore before a lowercase letter goes, that letter is
 * capitalised).
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { camelCase } from "./model.ts";
 * assert.equal(camelCase("server_tls_skip_verify"), "serverTlsSkipVerify");
 * assert.equal(camelCase("PkgPath"), "PkgPath");
 * ```
 */
export function camelCase(name: string): string {
  return name.slice(0, 1) +
    name.slice(1).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
