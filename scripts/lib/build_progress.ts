/**
 * Shows what a long `go build` is doing. go itself prints nothing while it
 * compiles, and a cold build of the conformance host (53 modules to
 * download, ~400 packages to compile) takes a minute or two: without this,
 * a first `deno task demo` looks hung.
 *
 * In a terminal one status line is rewritten in place, its elapsed time
 * ticking every second; anywhere else (CI logs, `deno test`) it prints
 * plain lines: one per phase, then one every ten seconds.
 */

/** What go reported so far. */
export interface BuildCounts {
  /** Modules downloaded (`go: downloading <module> <version>`). */
  downloaded: number;
  /** Packages compiled (`go build -v` names each one). */
  compiled: number;
  /** Packages go has to compile, when known (`go list`'s stale packages). */
  total?: number;
}

/** Receives a go build's events; {@linkcode BuildProgress} renders them. */
export interface Progress {
  /** go downloaded `module` (`path version`). */
  download(module: string, counts: BuildCounts): void;
  /** go compiled `pkg`. */
  compile(pkg: string, counts: BuildCounts): void;
  /** The build ended (`ok` false: it failed; go's own error follows). */
  finish(counts: BuildCounts, ok: boolean): void;
}

/** How progress is shown: rewritten in place (a terminal) or as plain lines. */
export type ProgressMode = "tty" | "lines";

/** Options of {@linkcode BuildProgress}. */
export interface BuildProgressOptions {
  /** Lines printed once, when go turns out to have real work to do: what is built, and why. */
  intro?: string[];
  /** Default: "tty" when stderr is a terminal, else "lines". */
  mode?: ProgressMode;
  /** Where to write. Default: stderr. */
  out?: { writeSync(p: Uint8Array): number };
  /** The clock, in ms. Default: `performance.now`. */
  now?: () => number;
  /** Seconds between two plain lines of the same phase. Default: 10. */
  lineEvery?: number;
}

const enc = new TextEncoder();

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** "53 modules downloaded, 412 packages compiled" (empty parts left out). */
export function describeCounts(c: BuildCounts): string {
  const parts: string[] = [];
  if (c.downloaded) parts.push(`${c.downloaded} module${c.downloaded === 1 ? "" : "s"} downloaded`);
  if (c.compiled) parts.push(`${c.compiled} package${c.compiled === 1 ? "" : "s"} compiled`);
  return parts.join(", ");
}

/** Renders a go build's progress; nothing at all when go has nothing to do. */
export class BuildProgress implements Progress {
  #intro: string[];
  #mode: ProgressMode;
  #out: { writeSync(p: Uint8Array): number };
  #now: () => number;
  #lineEvery: number;
  #started = 0;
  #begun = false;
  #phase: "download" | "compile" | undefined;
  #detail = "";
  #counts: BuildCounts = { downloaded: 0, compiled: 0 };
  #lastLine = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: BuildProgressOptions = {}) {
    this.#intro = options.intro ?? [];
    this.#mode = options.mode ?? (Deno.stderr.isTerminal() ? "tty" : "lines");
    this.#out = options.out ?? Deno.stderr;
    this.#now = options.now ?? (() => performance.now());
    this.#lineEvery = (options.lineEvery ?? 10) * 1000;
    this.#started = this.#now();
  }

  download(module: string, counts: BuildCounts): void {
    this.#event("download", module, counts);
  }

  compile(pkg: string, counts: BuildCounts): void {
    this.#event("compile", pkg, counts);
  }

  finish(counts: BuildCounts, ok: boolean): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#begun) return;
    this.#counts = { ...counts };
    const took = seconds(this.#now() - this.#started);
    const what = describeCounts(counts);
    const line = ok
      ? `  done in ${took}: ${what}`
      : `  failed after ${took} (${what || "nothing built"})`;
    this.#write(this.#mode === "tty" ? `\r\x1b[2K${line}\n` : `${line}\n`);
  }

  #event(phase: "download" | "compile", detail: string, counts: BuildCounts): void {
    this.#counts = { ...counts };
    this.#detail = detail;
    if (!this.#begun) {
      this.#begun = true;
      for (const l of this.#intro) this.#write(`${l}\n`);
      if (this.#mode === "tty") this.#timer = setInterval(() => this.#render(), 1000);
    }
    const changed = phase !== this.#phase;
    this.#phase = phase;
    if (this.#mode === "tty") this.#render();
    else if (changed || this.#now() - this.#lastLine >= this.#lineEvery) this.#line();
  }

  #status(): string {
    const c = this.#counts;
    const took = seconds(this.#now() - this.#started);
    if (this.#phase === "download") {
      return `  downloading Go modules: ${c.downloaded} (${this.#detail})  ${took}`;
    }
    const of = c.total !== undefined ? `/${Math.max(c.total, c.compiled)}` : "";
    return `  compiling: ${c.compiled}${of} packages (${this.#detail})  ${took}`;
  }

  #render(): void {
    let line = this.#status();
    const width = consoleWidth();
    if (line.length > width - 1) line = `${line.slice(0, width - 2)}…`;
    this.#write(`\r\x1b[2K${line}`);
  }

  #line(): void {
    this.#lastLine = this.#now();
    this.#write(`${this.#status()}\n`);
  }

  #write(text: string): void {
    this.#out.writeSync(enc.encode(text));
  }
}

function consoleWidth(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}
