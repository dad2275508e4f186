/**
 * The generate-or-check loop over generated protobuf modules, written once
 * for the `proto` tool, this repository's `deno task proto` and the drift
 * tests: each module is generated from its `.proto` files and written when
 * it differs from the file, or, with `check`, only compared (drift).
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { generateProtoModule } from "./protogen.ts";

/** One generated module: the `.proto` files it is made from and where it goes. */
export interface ProtoModule {
  /** The `.proto` files. */
  readonly inputs: readonly string[];
  /** The TypeScript file. */
  readonly out: string;
  /** Module the generated code imports its runtime from. Default: `@x/waypoint-plugin`. */
  readonly runtimeImport?: string;
  /** Folders searched for `import "…"` paths. Default: none. */
  readonly includeDirs?: readonly string[];
}

/** A `.proto` file that cannot be turned into a module: its message names the files. */
export class ProtoGenerationError extends Error {
  /**
   * Makes the error.
   *
   * @param message the module, its inputs and protobufjs's reason
   */
  constructor(message: string) {
    super(message);
    this.name = "ProtoGenerationError";
  }
}

/**
 * The module of one `.proto` file: `X.proto` → `gen/X.ts` beside it, with
 * the file's folder searched first for its imports.
 *
 * @example
 * ```ts
 * import assert from "node:assert";
 * import { moduleBeside } from "./proto_sync.ts";
 * const m = moduleBeside("builder/output.proto");
 * assert(m.out === "builder/gen/output.ts");
 * ```
 */
export function moduleBeside(
  proto: string,
  options: { runtimeImport?: string; includeDirs?: readonly string[] } = {},
): ProtoModule {
  return {
    inputs: [proto],
    out: join(dirname(proto), "gen", basename(proto, ".proto") + ".ts"),
    runtimeImport: options.runtimeImport,
    includeDirs: [dirname(proto), ...(options.includeDirs ?? [])],
  };
}

/** What a module's file holds, next to what its `.proto` files give. */
export interface ProtoModuleState {
  /** The generated source. */
  readonly source: string;
  /** The file's text; `undefined` when there is no file. */
  readonly current: string | undefined;
}

/** Generates `m` and reads its file; throws {@linkcode ProtoGenerationError}. */
export async function protoModuleState(m: ProtoModule): Promise<ProtoModuleState> {
  let source: string;
  try {
    source = generateProtoModule([...m.inputs], {
      includeDirs: [...(m.includeDirs ?? [])],
      runtimeImport: m.runtimeImport,
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ProtoGenerationError(`Cannot generate ${m.out} from ${m.inputs.join(", ")}: ${why}`);
  }
  const current = await Deno.readTextFile(m.out).catch(() => undefined);
  return { source, current };
}

/** Options of {@linkcode syncProtoModules}. */
export interface SyncOptions {
  /** Compare only, write nothing. Default: `false`. */
  readonly check?: boolean;
  /**
   * Receives a line per module: `wrote …`, `unchanged …`, or (`error`) the
   * error for a module out of date or that cannot be generated. Default:
   * stdout, errors to stderr.
   */
  readonly log?: (line: string, error: boolean) => void;
}

function print(line: string, error: boolean): void {
  if (error) console.error(line);
  else console.log(line);
}

/** What {@linkcode syncProtoModules} found. */
export interface SyncResult {
  /** With `check`: the modules out of date. */
  readonly stale: ProtoModule[];
  /** The modules whose `.proto` files could not be read or resolved. */
  readonly failed: ProtoModule[];
}

/**
 * Generates every module in turn and writes the ones that changed; with
 * `check`, writes nothing and reports each that is out of date. A module
 * that cannot be generated is reported (`error: Cannot generate …`) and
 * the others still run.
 */
export async function syncProtoModules(
  modules: readonly ProtoModule[],
  options: SyncOptions = {},
): Promise<SyncResult> {
  const log = options.log ?? print;
  const result: SyncResult = { stale: [], failed: [] };
  for (const m of modules) {
    let state: ProtoModuleState;
    try {
      state = await protoModuleState(m);
    } catch (err) {
      if (!(err instanceof ProtoGenerationError)) throw err;
      log(`error: ${err.message}`, true);
      result.failed.push(m);
      continue;
    }
    const { source, current } = state;
    if (current === source) {
      if (!options.check) log(`unchanged ${m.out}`, false);
    } else if (options.check) {
      log(
        `error: ${m.out} is out of date with ${m.inputs.join(", ")}: ` +
          "run `deno task proto` and commit the result",
        true,
      );
      result.stale.push(m);
    } else {
      await Deno.mkdir(dirname(m.out), { recursive: true });
      await Deno.writeTextFile(m.out, source);
      log(`wrote ${m.out}`, false);
    }
  }
  return result;
}
