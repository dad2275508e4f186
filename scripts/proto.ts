/**
 * `deno task proto`: regenerates every TypeScript module made from `.proto`
 * files in this repository; `deno task proto --check` fails when a committed
 * module differs from what the `.proto` files give (drift).
 *
 * With file arguments it generates just those: `deno task proto a/output.proto`
 * writes `a/gen/output.ts`.
 *
 * @module
 */
import { join } from "node:path";
import { runCli } from "../src/tools/cli.ts";
import { moduleBeside, type ProtoModule, syncProtoModules } from "../src/codegen/proto_sync.ts";
import { REPO } from "./lib/repo.ts";

const SDK_PROTOS = [
  "proto/go_plugin/grpc_broker.proto",
  "proto/go_plugin/grpc_controller.proto",
  "proto/go_plugin/grpc_stdio.proto",
  "proto/grpc/health/v1/health.proto",
  "proto/waypoint/plugin.proto",
];

/** Every generated module of this repository, paths relative to it. */
const REPO_PROTO_MODULES: readonly ProtoModule[] = [
  {
    inputs: SDK_PROTOS,
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
  // Every field kind, for the codec tests.
  {
    inputs: ["tests/fixtures/proto/kinds.proto"],
    out: "tests/fixtures/proto/gen/kinds.ts",
    runtimeImport: "../../../../mod.ts",
    includeDirs: [],
  },
  ...["localdeploy", "gobuilder"].map((example) => ({
    inputs: [`examples/${example}/output.proto`],
    out: `examples/${example}/gen/output.ts`,
    runtimeImport: "@x/waypoint-plugin",
    includeDirs: [],
  })),
];

/** Every generated module of this repository, with absolute paths. */
export function repoProtoModules(): ProtoModule[] {
  return REPO_PROTO_MODULES.map((m) => ({
    ...m,
    inputs: m.inputs.map((i) => join(REPO, i)),
    out: join(REPO, m.out),
    includeDirs: (m.includeDirs ?? []).map((d) => join(REPO, d)),
  }));
}

const CLI = {
  usage: "Usage: deno task proto [--check] [file.proto ...]",
  help: `Usage: deno task proto [--check] [file.proto ...]

Regenerates every module this repository makes from .proto files (src/gen/, the examples'
gen/), or just those of the files named.

Options:
  --check      write nothing; fail (exit 1) when a committed module is out of date
  -h, --help   show this help
`,
  positionals: true,
  options: { check: { type: "boolean", default: false } },
} as const;

/** Runs `deno task proto`; returns the exit status. */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, async ({ values, positionals }) => {
    const modules = positionals.length > 0
      ? positionals.map((p) => moduleBeside(p))
      : repoProtoModules();
    const { stale, failed } = await syncProtoModules(modules, { check: values.check });
    return stale.length + failed.length > 0 ? 1 : 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
