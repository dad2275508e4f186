/**
 * A prompt reaper for the apps the real-CLI rows deploy (scripts/bench_cli.ts).
 *
 * A platform plugin starts the deployed app in a session of its own and
 * exits; the app, orphaned, is adopted by init (or the nearest subreaper),
 * and when a later `waypoint up` prunes its deployment, the plugin that
 * stops it sends SIGTERM and waits until the process group is gone. An
 * exited app stays in its group as a zombie until whoever adopted it reaps
 * it: at once under systemd, 1.0–2.0 s after the exit under the init of
 * the machine these figures were first taken on (a Firecracker agent; 12
 * tries: 1.09 to 1.98 s), never under a container without an init. So the
 * prune's time, and `waypoint up`'s, was the init's, and varied by up to a
 * second from run to run, more between machines.
 *
 * While it runs, this makes the benchmark process the subreaper of
 * everything it starts (prctl PR_SET_CHILD_SUBREAPER, through libc by FFI),
 * so orphaned apps are adopted by it, and reaps each adopted zombie whose
 * name is one of the given ones (the deployed app's, which the benchmark
 * never starts itself: its own children are Deno's to wait for) on the
 * SIGCHLD its exit sends, as systemd would. Linux only.
 *
 * @module
 */

const PR_SET_CHILD_SUBREAPER = 36;
const WNOHANG = 1;

const SYMBOLS = {
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  waitpid: { parameters: ["i32", "pointer", "i32"], result: "i32" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>;

function openLibc(): Libc {
  let last: unknown;
  for (const name of ["libc.so.6", "libc.so"]) {
    try {
      return Deno.dlopen(name, SYMBOLS);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/** State letter and name (comm) of a process from /proc/<pid>/stat; undefined when it is gone. */
function stat(pid: number): { state: string; comm: string } | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  return { comm: text.slice(open + 1, close), state: text.slice(close + 2, close + 3) };
}

/** This process's children, from /proc/self/task/<tid>/children of every thread. */
function children(): number[] {
  const pids: number[] = [];
  for (const task of Deno.readDirSync("/proc/self/task")) {
    try {
      const text = Deno.readTextFileSync(`/proc/self/task/${task.name}/children`).trim();
      if (text) pids.push(...text.split(/\s+/).map(Number));
    } catch {
      // the thread ended
    }
  }
  return pids;
}

/** The reaper while it runs (see the module's doc). */
export class OrphanReaper {
  /** How many adopted zombies it reaped. */
  reaped = 0;
  #libc: Libc;
  #names: Set<string>;
  #onChild = () => this.#sweep();

  private constructor(libc: Libc, names: string[]) {
    this.#libc = libc;
    this.#names = new Set(names);
  }

  /**
   * Becomes the subreaper and reaps adopted zombies named as in `names`
   * (comm, at most 15 characters). Throws where it cannot (not Linux, no
   * libc to call); the caller says so in the method text.
   */
  static start(names: string[]): OrphanReaper {
    if (Deno.build.os !== "linux") throw new Error("a subreaper is a Linux thing");
    const libc = openLibc();
    if (libc.symbols.prctl(PR_SET_CHILD_SUBREAPER, 1n, 0n, 0n, 0n) !== 0) {
      libc.close();
      throw new Error("prctl(PR_SET_CHILD_SUBREAPER) failed");
    }
    const r = new OrphanReaper(libc, names);
    Deno.addSignalListener("SIGCHLD", r.#onChild);
    return r;
  }

  #sweep(): void {
    for (const pid of children()) {
      const s = stat(pid);
      if (s?.state === "Z" && this.#names.has(s.comm)) {
        if (this.#libc.symbols.waitpid(pid, null, WNOHANG) === pid) this.reaped++;
      }
    }
  }

  /** Reaps what is left to reap and stops being the subreaper. */
  stop(): void {
    Deno.removeSignalListener("SIGCHLD", this.#onChild);
    this.#sweep();
    this.#libc.symbols.prctl(PR_SET_CHILD_SUBREAPER, 0n, 0n, 0n, 0n);
    this.#libc.close();
  }
}
