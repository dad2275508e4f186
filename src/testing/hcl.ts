/**
 * What Waypoint's HCL decoding (gohcl, into the struct `ConfigStruct`
 * describes) makes of a `use` block given as a plain object: the JSON Go's
 * encoder would send to `Configure`, or the diagnostics gohcl reports, in
 * its words — a missing required argument or block, an unsupported argument
 * (with hcl's "Did you mean" suggestion).
 *
 * @module
 */
import type { Struct } from "../gen/wire.ts";

/**
 * One HCL diagnostic: what Waypoint prints as `Error: <summary>` and the detail below it.
 *
 * @example Read a diagnostic
 * ```ts
 * import assert from "node:assert";
 * import { type HclDiagnostic, HclError } from "@x/waypoint-plugin/testing";
 * const missing: HclDiagnostic = {
 *   summary: "Missing required argument",
 *   detail: 'The argument "image" is required, but no definition was found.',
 * };
 * const err = new HclError([missing]);
 * assert.equal(err.diagnostics[0].summary, "Missing required argument");
 * ```
 */
export interface HclDiagnostic {
  /** e.g. `Missing required argument`. */
  summary: string;
  /** e.g. `The argument "name" is required, but no definition was found.` */
  detail: string;
}

/**
 * The `use` block would not decode: Waypoint stops before `Configure` and
 * shows these diagnostics. The message is each `summary: detail`, one per line.
 *
 * @example A use block Waypoint would refuse
 * ```ts
 * import assert from "node:assert";
 * import { HclError, launchPlugin } from "@x/waypoint-plugin/testing";
 * Deno.test("an unknown attribute is refused as Waypoint refuses it", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await assert.rejects(
 *     () => plugin.configure("builder", { sourse: "./app" }),
 *     (e) => e instanceof HclError && e.message.includes("Unsupported argument"),
 *   );
 * });
 * ```
 */
export class HclError extends Error {
  /** Every diagnostic, in the order gohcl reports them. */
  readonly diagnostics: HclDiagnostic[];

  /**
   * The block's diagnostics, in gohcl's order.
   *
   * @param diagnostics what gohcl reported
   */
  constructor(diagnostics: HclDiagnostic[]) {
    super(diagnostics.map((d) => `${d.summary}: ${d.detail}`).join("\n"));
    this.name = "HclError";
    this.diagnostics = diagnostics;
  }
}

// Go reflect.Kind numbers, as protostructure carries them.
const BOOL = 1;
const STRING = 24;
const PTR = 22;
const SLICE = 23;

type Type = NonNullable<Struct["fields"][number]["type"]>;

function tagOf(tag: string, key: string): string | undefined {
  return new RegExp(`${key}:"([^"]*)"`).exec(tag)?.[1];
}

/** A field's HCL name and kind (`attr`, `optional`, `block`, `label` …), from its `hcl:"…"` tag. */
function hclTag(f: Struct["fields"][number]): { name: string; kind: string } {
  const [name, kind = "attr"] = (tagOf(f.Tag, "hcl") ?? f.Name).split(",");
  return { name, kind };
}

/** The struct a block field holds, and whether the block must be present (not a pointer or slice). */
function blockOf(t: Type | undefined): { struct?: Struct; required: boolean } {
  if (t?.struct) return { struct: t.struct, required: true };
  const c = t?.container;
  if (c?.kind === PTR || c?.kind === SLICE) {
    const inner = c.elem?.struct ?? c.elem?.container?.elem?.struct;
    return { struct: inner, required: false };
  }
  return { required: false };
}

/** Levenshtein distance, as hcl's name suggestions measure it. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** hcl's nameSuggestion: the first candidate fewer than 3 edits away. */
function suggestion(given: string, candidates: string[]): string | undefined {
  return candidates.find((c) => distance(given, c) < 3);
}

/**
 * Decodes `config` (keyed by HCL names; a block is an object, repeated
 * blocks an array of objects) into the JSON Go's `encoding/json` writes for
 * `struct` (unset fields as their zero value or null), or throws an
 * {@linkcode HclError} with the diagnostics gohcl gives. `struct` undefined:
 * a component without a config struct, which takes no attributes at all.
 */
export function decodeUseBlock(
  struct: Struct | undefined,
  config: Record<string, unknown>,
): Record<string, unknown> {
  const diags: HclDiagnostic[] = [];
  const json = decodeBody(struct?.fields ?? [], config, diags);
  if (diags.length > 0) throw new HclError(diags);
  return json;
}

function decodeBody(
  fields: Struct["fields"],
  config: Record<string, unknown>,
  diags: HclDiagnostic[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const attrs = fields.map(hclTag).filter((t) => t.kind === "attr" || t.kind === "optional")
    .map((t) => t.name).sort();
  // 1. Required arguments left out, in schema order (gohcl sorts attribute names).
  for (const f of [...fields].sort((a, b) => hclTag(a).name.localeCompare(hclTag(b).name))) {
    const { name, kind } = hclTag(f);
    if (kind === "attr" && config[name] === undefined) {
      diags.push({
        summary: "Missing required argument",
        detail: `The argument "${name}" is required, but no definition was found.`,
      });
    }
  }
  // 2. Arguments the schema does not have.
  const known = new Set(fields.map((f) => hclTag(f).name));
  for (const key of Object.keys(config)) {
    if (known.has(key)) continue;
    // hcl suggests only arguments the body has not set yet.
    const near = suggestion(key, attrs.filter((a) => config[a] === undefined));
    const hint = near ? ` Did you mean "${near}"?` : "";
    diags.push({
      summary: "Unsupported argument",
      detail: `An argument named "${key}" is not expected here.${hint}`,
    });
  }
  // 3. Values, and blocks (required ones that are missing, then what is inside them).
  for (const f of fields) {
    const { name, kind } = hclTag(f);
    const key = tagOf(f.Tag, "json")?.split(",")[0] || f.Name;
    const v = config[name];
    if (kind === "block") {
      const { struct, required } = blockOf(f.type);
      const inner = struct?.fields ?? [];
      if (v === undefined || v === null) {
        if (required) {
          diags.push({ summary: `Missing ${name} block`, detail: `A ${name} block is required.` });
        }
        out[key] = f.type?.container?.kind === SLICE ? [] : null;
      } else if (Array.isArray(v)) {
        out[key] = v.map((item) => decodeBody(inner, item as Record<string, unknown>, diags));
      } else {
        out[key] = decodeBody(inner, v as Record<string, unknown>, diags);
      }
    } else if (v === undefined) {
      out[key] = zero(f.type);
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** What Go's encoding/json writes for an unset field of this type. */
function zero(t: Type | undefined): unknown {
  const kind = t?.primitive?.kind;
  if (kind === undefined) return null; // pointers, slices, maps: nil
  return kind === STRING ? "" : kind === BOOL ? false : 0;
}
