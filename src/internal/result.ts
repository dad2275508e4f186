/**
 * What an operation returned, as the response carries it: the Any, its
 * protojson and its template data.
 */
import { Code, PluginError } from "../errors.ts";
import { type JsonValue, type MessageType, messageTypeOf } from "../proto/runtime.ts";
import { wellFormedJson } from "../well_formed.ts";
import { resultTemplateData, type TemplateShaper } from "./template_data.ts";

/** An encoded result: the Any plus its JSON and template data. */
export interface EncodedResult {
  result: { typeUrl: string; value: Uint8Array };
  resultJson: string;
  templateData: Uint8Array;
  /** The returned message itself (for the author's `url()`). */
  message: object;
}

/** The type a returned message has: its own tag, else the declared output type. */
export function resultType(
  value: unknown,
  declared: MessageType<object> | undefined,
  operation: string,
): MessageType<object> {
  const type = messageTypeOf(value) ?? declared;
  if (!type || value === null || typeof value !== "object") {
    throw new PluginError(
      `${operation} returned ${
        value === undefined
          ? "nothing"
          : typeof value === "object"
          ? "a plain object"
          : `a ${typeof value}`
      }, not a protobuf message: return YourMessage.create({ … }) from the module \`deno task proto\` generated, or declare \`output: YourMessage\``,
      Code.INTERNAL,
    );
  }
  return type;
}

function misfit(operation: string, type: MessageType<object>, err: unknown): PluginError {
  return new PluginError(
    `${operation} returned a value that does not fit ${type.typeName}: ${(err as Error).message}`,
    Code.INTERNAL,
  );
}

/**
 * Encodes an operation's return value, which must be a protobuf message;
 * `shape` is the author's `templateData`, if any.
 */
export function encodeResult(
  value: unknown,
  declared: MessageType<object> | undefined,
  operation: string,
  shape?: TemplateShaper,
): EncodedResult {
  const type = resultType(value, declared, operation);
  const message = value as object; // resultType() checked it is an object
  let bytes: Uint8Array;
  let json: JsonValue;
  try {
    bytes = type.encode(message);
    json = type.toJson(message);
  } catch (err) {
    throw misfit(operation, type, err);
  }
  let template: Record<string, JsonValue>;
  try {
    template = resultTemplateData(type, message, shape, operation);
  } catch (err) {
    if (err instanceof PluginError) throw err;
    throw misfit(operation, type, err);
  }
  return {
    result: { typeUrl: type.typeUrl, value: bytes },
    // Well-formed JSON text: no lone-surrogate escapes (the message bytes are already UTF-8).
    resultJson: JSON.stringify(json, wellFormedJson),
    templateData: Object.keys(template).length === 0
      ? new Uint8Array()
      : new TextEncoder().encode(JSON.stringify(template, wellFormedJson)),
    message,
  };
}
