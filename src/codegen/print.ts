/**
 * A {@linkcode ProtoModel} as TypeScript: per enum a constant and its type,
 * per message an interface and a `messageType()` call holding the field
 * table, an encoder and a decoder written out field by field (what
 * protobufjs's static output does, on its minimal Writer and Reader), and
 * per file with services the service table the gRPC servers are registered
 * from. Pure: no protobufjs, no file system, so `init` prints the modules it
 * scaffolds with it.
 *
 * @module
 */
import { camelCase, type ModelField, type ModelMessage, type ProtoModel } from "./model.ts";

const MESSAGE = 11;
const ENUM = 14;
const STRING = 9;
const BYTES = 12;
const BOOL = 8;

const METHOD: Readonly<Record<number, string>> = {
  1: "double",
  2: "float",
  3: "int64",
  4: "uint64",
  5: "int32",
  6: "fixed64",
  7: "fixed32",
  8: "bool",
  9: "string",
  12: "bytes",
  13: "uint32",
  14: "int32",
  15: "sfixed32",
  16: "sfixed64",
  17: "sint32",
  18: "sint64",
};
const WIRE: Readonly<Record<number, number>> = {
  1: 1,
  2: 5,
  3: 0,
  4: 0,
  5: 0,
  6: 1,
  7: 5,
  8: 0,
  9: 2,
  11: 2,
  12: 2,
  13: 0,
  14: 0,
  15: 5,
  16: 1,
  17: 0,
  18: 0,
};
const LONG = new Set([3, 4, 6, 16, 18]);
const FLOATING = new Set([1, 2]);

/** Options for {@linkcode printProtoModule}. */
export interface PrintOptions {
  /** Module specifier the generated code imports `messageType` from. Default: `"@x/waypoint-plugin"`. */
  runtimeImport?: string;
}

function isIdent(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s);
}

function prop(obj: string, key: string): string {
  return isIdent(key) ? `${obj}.${key}` : `${obj}[${JSON.stringify(key)}]`;
}

function objKey(key: string): string {
  return isIdent(key) ? key : JSON.stringify(key);
}

/** TypeScript names: the name inside the package, qualified by the package only where two packages clash. */
function tsNames(objs: readonly { full: string; pkg: string }[]): Map<string, string> {
  const local = (o: { full: string; pkg: string }) =>
    (o.pkg ? o.full.slice(o.pkg.length + 1) : o.full).replaceAll(".", "_");
  const pascal = (s: string) =>
    s.split(/[._]/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join("");
  const byLocal = new Map<string, { full: string; pkg: string }[]>();
  for (const o of objs) byLocal.set(local(o), [...(byLocal.get(local(o)) ?? []), o]);
  const out = new Map<string, string>();
  for (const [name, list] of byLocal) {
    for (const o of list) out.set(o.full, list.length === 1 ? name : `${pascal(o.pkg)}_${name}`);
  }
  return out;
}

function tag(f: ModelField, wire = WIRE[f.kind]): number {
  return ((f.no << 3) | wire) >>> 0;
}

class Printer {
  #names: Map<string, string>;

  constructor(model: ProtoModel) {
    this.#names = tsNames([...model.enums, ...model.messages]);
  }

  name(full: string): string {
    const n = this.#names.get(full);
    if (!n) throw new Error(`type "${full}" is not in the generated module`);
    return n;
  }

  tsType(f: ModelField): string {
    const one = f.kind === MESSAGE
      ? this.name(f.ref!)
      : f.kind === ENUM
      ? "number"
      : f.kind === STRING
      ? "string"
      : f.kind === BOOL
      ? "boolean"
      : f.kind === BYTES
      ? "Uint8Array"
      : "number";
    if (f.mapKey !== undefined) return `Record<string, ${one}>`;
    return f.repeated ? `${one}[]` : one;
  }

  optional(f: ModelField): boolean {
    return !f.repeated && f.mapKey === undefined && (f.kind === MESSAGE || !!f.presence);
  }

  row(f: ModelField): string {
    const key = camelCase(f.name);
    const flags = (f.repeated ? 1 : 0) | (f.mapKey !== undefined ? 2 | (f.mapKey << 3) : 0) |
      (f.presence ? 4 : 0);
    const ref = f.kind === MESSAGE || f.kind === ENUM ? this.name(f.ref!) : "0";
    const parts = [String(f.no), JSON.stringify(key), String(f.kind), ref, String(flags)];
    if (key !== f.name) parts.push(JSON.stringify(f.name));
    // Trailing defaults are left out: `0` flags, then `0` for no type.
    while (parts.length > 3 && parts.at(-1) === "0") parts.pop();
    return `[${parts.join(", ")}]`;
  }

  encodeLine(f: ModelField): string {
    const v = prop("m", camelCase(f.name));
    const ref = f.ref ? this.name(f.ref) : "";
    if (f.mapKey !== undefined) {
      const typeArg = f.kind === MESSAGE ? `, ${ref}` : "";
      return `if (${v}) $.map(w, ${tag(f, 2)}, ${v}, ${f.mapKey}, ${f.kind}${typeArg});`;
    }
    if (f.repeated) {
      if (f.kind === MESSAGE) {
        return `if (${v}) for (const x of ${v}) $.msg(w, ${tag(f)}, x, ${ref});`;
      }
      if (f.kind === STRING || f.kind === BYTES) {
        return `if (${v}) for (const x of ${v}) w.uint32(${tag(f)}).${METHOD[f.kind]}(x);`;
      }
      return `if (${v}?.length) $.packed(w, ${tag(f, 2)}, ${v}, ${f.kind});`;
    }
    if (f.kind === MESSAGE) return `if (${v} != null) $.msg(w, ${tag(f)}, ${v}, ${ref});`;
    const write = `w.uint32(${tag(f)}).${METHOD[f.kind]}(${v})`;
    if (f.presence) return `if (${v} != null) ${write};`;
    if (f.kind === BYTES) return `if (${v}?.length) ${write};`;
    if (FLOATING.has(f.kind)) return `if (${v} != null && !Object.is(${v}, 0)) ${write};`;
    return `if (${v}) ${write};`;
  }

  read(f: ModelField): string {
    return LONG.has(f.kind) ? `$.long(r, ${f.kind})` : `r.${METHOD[f.kind]}()`;
  }

  decodeCases(f: ModelField): string[] {
    const v = prop("m", camelCase(f.name));
    const ref = f.ref ? this.name(f.ref) : "";
    const c = (t: number, body: string) => [`        case ${t}: ${body} break;`];
    if (f.mapKey !== undefined) {
      const typeArg = f.kind === MESSAGE ? `, ${ref}` : "";
      return c(tag(f, 2), `$.entry(r, ${v}, ${f.mapKey}, ${f.kind}${typeArg});`);
    }
    if (f.repeated) {
      if (f.kind === MESSAGE) return c(tag(f), `${v}.push($.sub(r, ${ref}));`);
      if (f.kind === STRING || f.kind === BYTES) return c(tag(f), `${v}.push(${this.read(f)});`);
      return [
        ...c(tag(f, 2), `$.unpack(r, ${v}, ${f.kind});`),
        ...c(tag(f), `${v}.push(${this.read(f)});`),
      ];
    }
    if (f.kind === MESSAGE) return c(tag(f), `${v} = $.sub(r, ${ref}, ${v});`);
    return c(tag(f), `${v} = ${this.read(f)};`);
  }

  initValue(f: ModelField): string | undefined {
    if (f.mapKey !== undefined) return "{}";
    if (f.repeated) return "[]";
    if (f.kind === MESSAGE || f.presence) return undefined;
    if (f.kind === STRING) return '""';
    if (f.kind === BOOL) return "false";
    if (f.kind === BYTES) return "new Uint8Array(0)";
    return "0";
  }

  message(msg: ModelMessage): string[] {
    const name = this.name(msg.full);
    const init = msg.fields.flatMap((f) => {
      const v = this.initValue(f);
      return v === undefined ? [] : [`${objKey(camelCase(f.name))}: ${v}`];
    });
    const byNumber = [...msg.fields].sort((a, b) => a.no - b.no);
    return [
      `/** Message \`${msg.full}\`. */`,
      `export interface ${name} {`,
      ...msg.fields.flatMap((f) => [
        `  /** Field ${f.no}: \`${f.name}\`. */`,
        `  ${objKey(camelCase(f.name))}${this.optional(f) ? "?" : ""}: ${this.tsType(f)};`,
      ]),
      "}",
      `/** The type of \`${msg.full}\` messages. */`,
      `export const ${name}: MessageType<${name}> = messageType<${name}>(`,
      `  ${JSON.stringify(msg.full)},`,
      `  () => [${msg.fields.map((f) => this.row(f)).join(", ")}],`,
      msg.fields.length === 0 ? "  () => {}," : "  (m, w, $) => {",
      ...(msg.fields.length === 0 ? [] : [
        ...byNumber.map((f) => `    ${this.encodeLine(f)}`),
        "  },",
      ]),
      "  (r, end, $, into) => {",
      `    const m: ${name} = into ?? { ${init.join(", ")} };`,
      "    while (r.pos < end) {",
      "      const t = r.uint32();",
      ...(msg.fields.length === 0 ? ["      $.skipUnknown(r, t);"] : [
        "      switch (t) {",
        ...msg.fields.flatMap((f) => this.decodeCases(f)),
        "        default: $.skipUnknown(r, t);",
        "      }",
      ]),
      "    }",
      "    return m;",
      "  },",
      ");",
      "",
    ];
  }
}

/** The source of the TypeScript module describing `model`. */
export function printProtoModule(model: ProtoModel, options: PrintOptions = {}): string {
  const p = new Printer(model);
  const runtime = JSON.stringify(options.runtimeImport ?? "@x/waypoint-plugin");
  const lines = [
    `// Code generated by \`deno task proto\` from ${model.inputs}. DO NOT EDIT.`,
    "// @generated",
    "// deno-lint-ignore-file",
    "",
    `import { type MessageType, messageType } from ${runtime};`,
    "",
  ];
  for (const e of model.enums) {
    const name = p.name(e.full);
    lines.push(
      `/** Enum \`${e.full}\`. */`,
      `export const ${name} = {`,
      ...e.values.map(([key, value]) => `  ${objKey(key)}: ${value},`),
      "} as const;",
      `/** Values of \`${e.full}\`. */`,
      `export type ${name} = typeof ${name}[keyof typeof ${name}];`,
      "",
    );
  }
  for (const m of model.messages) lines.push(...p.message(m));
  if (model.services.length > 0) {
    const table = model.services.map((s) =>
      `  ${JSON.stringify(s.full)}: {\n${
        s.methods.map(([name, req, res, cs, ss]) =>
          `    ${objKey(name)}: [${p.name(req)}, ${p.name(res)}, ${cs}, ${ss}],`
        ).join("\n")
      }\n  },`
    );
    lines.push(
      "/** Each service's methods: request type, response type, client streaming, server streaming. */",
      "export const services: Record<",
      "  string,",
      "  Record<string, [MessageType<object>, MessageType<object>, boolean, boolean]>",
      "> = {",
      ...table,
      "};",
      "",
    );
  }
  return lines.join("\n");
}
