/**
 * The mistakes in a config schema the host would only find later, or panic
 * on, found when the component is defined.
 *
 * @module
 */
import { goName, hclName, type Schema, type Shape } from "./schema.ts";

const GO_IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;
const HCL_IDENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Checks a schema for mistakes the host would only find later, or panic on;
 * throws a `TypeError` that says how to fix it.
 */
export function checkSchema(schema: Schema, where: string): void {
  checkShape(schema.shape, where, false);
}

function checkShape(shape: Shape, where: string, inBlock: boolean): void {
  const goNames = new Map<string, string>();
  const hclNames = new Map<string, string>();
  for (const [key, f] of Object.entries(shape)) {
    if (!f || typeof f !== "object" || !("kind" in f)) {
      throw new TypeError(
        `${where}: config field "${key}" is not a field: declare it with config.string(), config.bool(), config.block() …`,
      );
    }
    if (!GO_IDENT.test(key)) {
      throw new TypeError(
        `${where}: config key "${key}" is not a valid identifier: use letters, digits and "_", starting with a letter`,
      );
    }
    const go = goName(key);
    if (goNames.has(go)) {
      throw new TypeError(
        `${where}: config keys "${
          goNames.get(go)
        }" and "${key}" differ only in the case of their first letter: rename one`,
      );
    }
    goNames.set(go, key);
    const hcl = hclName(key, f);
    if (!HCL_IDENT.test(hcl)) {
      throw new TypeError(
        `${where}: config field "${key}" has the HCL name "${hcl}", which HCL cannot parse: use letters, digits, "_" and "-", starting with a letter`,
      );
    }
    if (hclNames.has(hcl)) {
      throw new TypeError(
        `${where}: config fields "${
          hclNames.get(hcl)
        }" and "${key}" share the HCL name "${hcl}": give one a different \`hcl\` option`,
      );
    }
    hclNames.set(hcl, key);
    if (f.kind === "label" && !inBlock) {
      throw new TypeError(
        `${where}: config field "${key}" is a label, which only a block can have: move it into config.block() or config.blocks()`,
      );
    }
    if (f.kind === "block" || f.kind === "blocks") {
      checkShape(f.shape!, `${where}: block "${hcl}"`, true);
    }
    if ((f.kind === "list" || f.kind === "map")) {
      const k = f.elem?.kind;
      if (k === "block" || k === "blocks" || k === "label" || k === "list" || k === "map") {
        throw new TypeError(
          `${where}: config field "${key}" is a ${f.kind} of ${k}, which HCL attributes cannot hold: use config.blocks() for repeated blocks`,
        );
      }
    }
  }
}
