/**
 * Each component's `output.proto`, and the module `deno task proto` makes
 * of it, written out here so that `init` needs no protobufjs.
 *
 * @module
 */
import { printProtoModule } from "../../codegen/print.ts";
import { COMPONENTS, type TemplateComponent, type TemplateParams } from "./params.ts";

/** The field kinds of the templates' messages (`FieldDescriptorProto.Type` numbers). */
const KINDS = { string: 9, int32: 5 } as const;

/** `<component>/output.proto`. */
export function outputProto(p: TemplateParams, c: TemplateComponent): string {
  const m = COMPONENTS[c].message;
  return `syntax = "proto3";

// Output of the ${p.name} plugin's ${c}: Waypoint stores it and hands it to the next stage.
package ${p.pkg}.${COMPONENTS[c].dir};

// ${m.doc}
message ${m.name} {
${m.fields.map((f, i) => `  // ${f.doc}\n  ${f.type} ${f.name} = ${i + 1};`).join("\n")}
}
`;
}

/**
 * `<component>/gen/output.ts`: exactly what `deno task proto` makes from
 * {@linkcode outputProto} (a test holds the two equal), printed from the
 * same model with the generator's own printer, so `init` needs no
 * protobufjs.
 */
export function outputModule(p: TemplateParams, c: TemplateComponent): string {
  const { dir, message: m } = COMPONENTS[c];
  const pkg = `${p.pkg}.${dir}`;
  return printProtoModule({
    inputs: "output.proto",
    messages: [{
      full: `${pkg}.${m.name}`,
      pkg,
      fields: m.fields.map((f, i) => ({ name: f.name, no: i + 1, kind: KINDS[f.type] })),
    }],
    enums: [],
    services: [],
  });
}
