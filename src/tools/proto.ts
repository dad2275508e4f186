/**
 * `proto`: turns `.proto` files into typed TypeScript modules with
 * protobufjs — no protoc. `X.proto` becomes `gen/X.ts` next to it; the
 * generated files are meant to be committed, and `--check` fails when one
 * is out of date (drift).
 *
 * ```sh
 * deno run -A jsr:@x/waypoint-plugin/proto            # every .proto below the cwd
 * deno run -A jsr:@x/waypoint-plugin/proto --check    # CI: fail on drift
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { runCli, UsageError } from "./cli.ts";
import { moduleBeside, syncProtoModules } from "../codegen/proto_sync.ts";

/** The usage line errors end with. */
const USAGE = "Usage: deno run -A jsr:@x/waypoint-plugin/proto [options] [file.proto ...]";

/**
 * The tool's help text, what `--help` prints: its usage line and options.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { HELP } from "@x/waypoint-plugin/proto";
 * assert(HELP.includes("--check"));
 * ```
 */
export const HELP = `${USAGE}

Generates gen/<name>.ts next to each .proto file (default: every .proto below
the current directory, outside gen/, node_modules/ and dot-folders).

Options:
  --check            fail (exit 1) when a generated file is missing or out of date
  --runtime <spec>   module the generated code imports from (default: @x/waypoint-plugin)
  -I, --include <d>  extra folder for import "…" paths (repeatable)
  -h, --help         show this help
`;

const CLI = {
  usage: USAGE,
  help: HELP,
  positionals: true,
  options: {
    check: { type: "boolean", default: false },
    runtime: { type: "string", default: "@x/waypoint-plugin" },
    include: { type: "string", short: "I", multiple: true, default: [] as string[] },
  },
} as const;

async function findProtos(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "gen") continue;
    const p = join(dir, e.name);
    if (e.isDirectory) await findProtos(p, out);
    else if (e.isFile && e.name.endsWith(".proto")) out.push(p);
  }
  return out.sort();
}

/**
 * Runs the tool with `args` (as on its command line) and resolves to its exit
 * code: 0 generated (or, with `--check`, up to date), 1 out of date, 2 a usage
 * mistake. `deno task proto` in a scaffolded project runs it.
 *
 * @example Generate gen/output.ts next to an output.proto
 * ```ts
 * import assert from "node:assert";
 * import { main } from "@x/waypoint-plugin/proto";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/output.proto`,
 *   'syntax = "proto3";\npackage myplugin;\nmessage Binary { string location = 1; }\n',
 * );
 * assert.equal(await main([`${dir}/output.proto`]), 0);
 * assert((await Deno.readTextFile(`${dir}/gen/output.ts`)).includes("Binary"));
 * assert.equal(await main(["--check", `${dir}/output.proto`]), 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function main(args: string[]): Promise<number> {
  return runCli(CLI, args, async ({ values, positionals }) => {
    const files = positionals.length > 0 ? positionals : await findProtos(".");
    if (files.length === 0) {
      throw new UsageError(
        "No .proto files found below the current directory: name them, or run it in the folder " +
          "that holds them",
      );
    }
    const modules = files.map((f) =>
      moduleBeside(f, { runtimeImport: values.runtime, includeDirs: values.include })
    );
    const { stale, failed } = await syncProtoModules(modules, { check: values.check });
    return stale.length + failed.length > 0 ? 1 : 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
