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
import { parseArgs } from "node:util";
import { basename, dirname, join } from "node:path";
import { generateProtoModule } from "../codegen/protogen.ts";

/** The help text. */
export const HELP = `Usage: proto [options] [file.proto ...]

Generates gen/<name>.ts next to each .proto file (default: every .proto below
the current directory, outside gen/, node_modules/ and dot-folders).

Options:
  --check            fail (exit 1) when a generated file is missing or out of date
  --runtime <spec>   module the generated code imports from (default: @x/waypoint-plugin)
  -I, --include <d>  extra folder for import "…" paths (repeatable)
  -h, --help         show this help
`;

async function findProtos(dir: string, out: string[] = []): Promise<string[]> {
  for await (const e of Deno.readDir(dir)) {
    if (e.name.startsWith(".") || e.name === "node_modules" || e.name === "gen") continue;
    const p = join(dir, e.name);
    if (e.isDirectory) await findProtos(p, out);
    else if (e.isFile && e.name.endsWith(".proto")) out.push(p);
  }
  return out.sort();
}

/** Runs the tool; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        check: { type: "boolean", default: false },
        runtime: { type: "string", default: "@x/waypoint-plugin" },
        include: { type: "string", short: "I", multiple: true, default: [] },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
    });
  } catch (err) {
    console.error(HELP);
    console.error(`error: ${(err as Error).message}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  const files = parsed.positionals.length > 0 ? parsed.positionals : await findProtos(".");
  if (files.length === 0) {
    console.error("error: no .proto files found below the current directory");
    return 2;
  }
  let stale = 0;
  for (const f of files) {
    const out = join(dirname(f), "gen", basename(f, ".proto") + ".ts");
    let source: string;
    try {
      source = generateProtoModule([f], {
        includeDirs: [dirname(f), ...parsed.values.include],
        runtimeImport: parsed.values.runtime,
      });
    } catch (err) {
      console.error(`error: ${f}: ${(err as Error).message}`);
      return 1;
    }
    const current = await Deno.readTextFile(out).catch(() => undefined);
    if (parsed.values.check) {
      if (current !== source) {
        console.error(
          `error: ${out} is out of date with ${f}: run the proto task and commit the result`,
        );
        stale++;
      }
    } else if (current !== source) {
      await Deno.mkdir(dirname(out), { recursive: true });
      await Deno.writeTextFile(out, source);
      console.log(`wrote ${out}`);
    } else {
      console.log(`unchanged ${out}`);
    }
  }
  return stale > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
