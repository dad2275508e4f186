/**
 * `deno task proto`: regenerates every TypeScript module made from `.proto`
 * files in this repository; `deno task proto --check` fails when a committed
 * module differs from what the `.proto` files give (drift).
 *
 * With file arguments it generates just those: `deno task proto a/output.proto`
 * writes `a/gen/output.ts`.
 */
import { parseArgs } from "node:util";
import { basename, dirname, join } from "node:path";
import { generateProtoModule } from "../src/codegen/protogen.ts";

interface Target {
  inputs: string[];
  out: string;
  runtimeImport: string;
  includeDirs: string[];
}

const repo = join(dirname(new URL(import.meta.url).pathname), "..");

const sdkProtos = [
  "proto/go_plugin/grpc_broker.proto",
  "proto/go_plugin/grpc_controller.proto",
  "proto/go_plugin/grpc_stdio.proto",
  "proto/grpc/health/v1/health.proto",
  "proto/waypoint/plugin.proto",
];

const builtIn: Target[] = [
  {
    inputs: sdkProtos,
    out: "src/gen/wire.ts",
    runtimeImport: "../proto/runtime.ts",
    includeDirs: ["proto"],
  },
  // Waypoint's builtin plugins' messages, one module per package (@x/waypoint-plugin/builtin).
  ...["docker", "files", "pack", "ecr"].map((pkg) => ({
    inputs: [`proto/builtin/${pkg}.proto`],
    out: `src/gen/builtin/${pkg}.ts`,
    runtimeImport: "../../proto/runtime.ts",
    includeDirs: ["proto"],
  })),
  {
    inputs: ["examples/localdeploy/output.proto"],
    out: "examples/localdeploy/gen/output.ts",
    runtimeImport: "@x/waypoint-plugin",
    includeDirs: [],
  },
  {
    inputs: ["examples/gobuilder/output.proto"],
    out: "examples/gobuilder/gen/output.ts",
    runtimeImport: "@x/waypoint-plugin",
    includeDirs: [],
  },
];

const { values, positionals } = parseArgs({
  args: Deno.args,
  options: {
    check: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: true,
});
if (values.help) {
  console.log("usage: deno task proto [--check] [file.proto ...]");
  Deno.exit(0);
}

const targets: Target[] = positionals.length > 0
  ? positionals.map((p) => ({
    inputs: [p],
    out: join(dirname(p), "gen", basename(p, ".proto") + ".ts"),
    runtimeImport: "@x/waypoint-plugin",
    includeDirs: [dirname(p)],
  }))
  : builtIn.map((t) => ({
    ...t,
    inputs: t.inputs.map((i) => join(repo, i)),
    out: join(repo, t.out),
    includeDirs: t.includeDirs.map((d) => join(repo, d)),
  }));

let drift = 0;
for (const target of targets) {
  const source = generateProtoModule(target.inputs, {
    includeDirs: target.includeDirs,
    runtimeImport: target.runtimeImport,
  });
  let current: string | undefined;
  try {
    current = await Deno.readTextFile(target.out);
  } catch {
    current = undefined;
  }
  if (values.check) {
    if (current !== source) {
      console.error(
        `error: ${target.out} is out of date with ${
          target.inputs.join(", ")
        }: run \`deno task proto\` and commit the result`,
      );
      drift++;
    }
    continue;
  }
  if (current !== source) {
    await Deno.mkdir(dirname(target.out), { recursive: true });
    await Deno.writeTextFile(target.out, source);
    console.log(`wrote ${target.out}`);
  } else {
    console.log(`unchanged ${target.out}`);
  }
}
if (drift > 0) Deno.exit(1);
