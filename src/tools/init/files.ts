/**
 * Every file of a new project, and the toolkit imports its deno.json gets.
 *
 * @module
 */
import { resolve } from "node:path";
import { COMPONENTS, type TemplateParams } from "./params.ts";
import { componentModule } from "./components.ts";
import { outputModule, outputProto } from "./proto.ts";
import { denoJson, GITIGNORE, mainModule, readme } from "./project.ts";
import { pluginTest } from "./test_module.ts";
import { e2eTest, hasE2e } from "./e2e.ts";
import { ciWorkflow, DEPENDABOT } from "./workflow.ts";

/** The deno.json `imports` for a toolkit specifier (JSR, or a local checkout path/URL). */
export function toolkitImports(spec: string): Record<string, string> {
  if (spec.startsWith("jsr:")) return { "@x/waypoint-plugin": spec };
  const base = /^[a-z]+:\/\//.test(spec) ? spec.replace(/\/?$/, "/") : `${resolve(spec)}/`;
  // A checkout's own modules import these by bare name; JSR packages map them themselves.
  return {
    "@x/waypoint-plugin": `${base}mod.ts`,
    "@x/waypoint-plugin/testing": `${base}src/testing/mod.ts`,
    "@x/waypoint-plugin/builtin": `${base}src/builtin/mod.ts`,
    "@x/waypoint-plugin/docs": `${base}src/tools/docs.ts`,
    "@x/waypoint-plugin/proto": `${base}src/tools/proto.ts`,
    "@x/waypoint-plugin/compile": `${base}src/tools/compile.ts`,
    "@x/waypoint-plugin/install": `${base}src/tools/install.ts`,
    "@x/waypoint-plugin/waypoint-cli": `${base}src/tools/waypoint_cli.ts`,
    "@grpc/grpc-js": "npm:@grpc/grpc-js@1.14.7",
    "protobufjs": "npm:protobufjs@8.8.1",
  };
}

/** Every file of a new project, by path relative to its directory. */
export function projectFiles(params: TemplateParams): Map<string, string> {
  const files = new Map<string, string>();
  files.set("deno.json", denoJson(params));
  files.set("main.ts", mainModule(params));
  files.set("README.md", readme(params));
  files.set(".gitignore", GITIGNORE);
  files.set(".github/workflows/ci.yml", ciWorkflow(params));
  files.set(".github/dependabot.yml", DEPENDABOT);
  files.set("tests/plugin_test.ts", pluginTest(params));
  if (hasE2e(params)) files.set("tests/e2e_test.ts", e2eTest(params));
  for (const c of params.components) {
    const { dir } = COMPONENTS[c];
    files.set(`${dir}/${dir}.ts`, componentModule(params, c));
    files.set(`${dir}/output.proto`, outputProto(params, c));
    files.set(`${dir}/gen/output.ts`, outputModule(params, c));
  }
  return files;
}
