/** Everything one benchmark run measured, for the table and the notes. */
import type { BuildsMemory } from "../bench_memory.ts";
import type { CliBench } from "../bench_cli.ts";
import type { Compiled, Payload, TargetPayload } from "./compiled.ts";
import type { Floor } from "./floor.ts";
import type { Options } from "./options.ts";
import type { Handshake, RPC, Sessions, UI } from "./plugin_cases.ts";
import type { Problems, Sides } from "./problems.ts";
import type { Startup } from "./startup.ts";

/** The figures of a run; `undefined` where a measurement failed (the problems say why). */
export interface Results {
  o: Options;
  problems: Problems;
  /** When it started: `performance.now()` and the date. */
  started: number;
  date: Date;
  /** The machine, one line each. */
  host: string[];
  floor: Floor;
  /** The start-up case (issue 13). */
  startup?: Startup;
  compiled: Compiled;
  handshake: Sides<Handshake>;
  sessions: Sides<Sessions>;
  rpc: Sides<RPC>;
  ui: Sides<UI>;
  /** Peak RSS of a no-op build session, KiB. */
  rss: Sides<number>;
  memory?: BuildsMemory;
  /** The same for the plugin's bundle, run as compiled (compile's V8 flags). */
  memoryBundled?: BuildsMemory;
  payload?: Payload;
  /** The compiled payload per target (not with --quick). */
  targets?: TargetPayload[];
  cli: CliBench;
  /** Sizes of the Go reference plugin and the trivial Go binary. */
  goSize: number;
  trivialSize: number;
}
