/**
 * What every component definition shares: config, validation, docs.
 *
 * @module
 */
import { checkSchema } from "../internal/config.ts";
import type { Schema } from "../config/schema.ts";

/** Documentation of a component, served to `waypoint docs`. */
export interface ComponentDocs {
  /** What the component does. */
  description?: string;
  /** An example `use` block. */
  example?: string;
  /** What the component takes, e.g. `gobuilder.Binary`. */
  input?: string;
  /** What it produces. */
  output?: string;
}

/** Checks the parts all components share; throws a `TypeError` that says how to fix a mistake. */
export function checkComponent(
  kind: string,
  definition: Record<string, unknown> & { config?: Schema },
  required: string[],
): void {
  if (!definition || typeof definition !== "object") {
    throw new TypeError(
      `define${kind[0].toUpperCase()}${kind.slice(1)}() needs a definition object`,
    );
  }
  for (const name of required) {
    if (typeof definition[name] !== "function") {
      throw new TypeError(
        `The ${kind} has no ${name}() function: add \`async ${name}(ctx) { … }\` to its definition`,
      );
    }
  }
  for (const name of ["configSet"]) {
    if (definition[name] !== undefined && typeof definition[name] !== "function") {
      throw new TypeError(`The ${kind}'s ${name} must be a function`);
    }
  }
  if (definition.config !== undefined) {
    if (
      !definition.config || typeof definition.config !== "object" || !("shape" in definition.config)
    ) {
      throw new TypeError(
        `The ${kind}'s config must be made with config.object({ … })`,
      );
    }
    checkSchema(definition.config, `The ${kind}'s config`);
  }
}
