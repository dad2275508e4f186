/**
 * After the handshake line nothing may reach fd 1: the host reads only that
 * line and then drains stdout without looking, and one line over 64 KiB
 * stops its reader so the plugin blocks on its next write. So `console.*`,
 * `Deno.stdout` and `process.stdout` are pointed at the hclog logger.
 */
import type { Logger } from "../logger.ts";
import { format } from "./format.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let original: ((p: Uint8Array) => number) | undefined;

/** Writes the whole of `text` to the real stdout (only the handshake uses this). */
export function writeStdoutOnce(text: string): void {
  const write = original ?? Deno.stdout.writeSync.bind(Deno.stdout);
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += write(bytes.subarray(off));
}

/** Sends everything written to stdout or the console to `logger` instead. */
export function installStdoutGuard(logger: Logger): void {
  if (original) return;
  original = Deno.stdout.writeSync.bind(Deno.stdout);
  const log = logger.named("stdout");
  const asLog = (level: "trace" | "debug" | "info" | "warn" | "error") => (...args: unknown[]) =>
    log[level](format(...args));
  console.log = asLog("info");
  console.info = asLog("info");
  console.debug = asLog("debug");
  console.trace = asLog("trace");
  console.warn = asLog("warn");
  console.error = asLog("error");
  console.dir = (obj: unknown) => log.info(format("%o", obj));
  console.table = (data: unknown) => log.info(format("%o", data));

  let partial = "";
  const sink = (bytes: Uint8Array): number => {
    partial += decoder.decode(bytes, { stream: true });
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) log.info(line);
    return bytes.length;
  };
  const stdout = Deno.stdout as unknown as Record<string, unknown>;
  stdout.writeSync = sink;
  stdout.write = (bytes: Uint8Array) => Promise.resolve(sink(bytes));
  // Deno makes `process.stdout` (a Node stream) and `Deno.Command` on first use, which costs
  // about 1.5 and 2 ms of every start; most plugins use neither before their first operation,
  // or ever, so each is guarded when it is first read.
  onFirstRead(Deno, "Command", () => guardChildProcesses(log));
  onFirstRead(globalThis.process, "stdout", () => {
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sink(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      cb?.();
      return true;
    }) as typeof process.stdout.write;
  });
}

/**
 * Runs `guard` when `owner[key]` is first read, with the property as it was; a value assigned
 * before any read replaces it unguarded, as it would have replaced a guarded one. Where the
 * property is not a getter that can be redefined, `guard` runs at once.
 */
function onFirstRead(owner: object, key: string, guard: () => void): void {
  const made = Object.getOwnPropertyDescriptor(owner, key);
  if (!made?.get || !made.configurable) return guard();
  const restore = () => Object.defineProperty(owner, key, made);
  Object.defineProperty(owner, key, {
    configurable: true,
    enumerable: made.enumerable,
    get(): unknown {
      restore();
      guard();
      return Reflect.get(owner, key);
    },
    set(value: unknown) {
      restore();
      Reflect.set(owner, key, value);
    },
  });
}

/**
 * A child started with `Deno.Command` inherits fd 1 by default on `spawn()`
 * (and on request with `stdout: "inherit"`): that would write to the host's
 * handshake pipe. Such children get a pipe instead, read into the log.
 */
function guardChildProcesses(log: Logger): void {
  const Original = Deno.Command;
  const pump = async (stream: ReadableStream<Uint8Array>, cmd: string) => {
    let partial = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      partial += chunk;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) log.info(line, { command: cmd });
    }
    if (partial) log.info(partial, { command: cmd });
  };
  class GuardedCommand extends Original {
    #cmd: string;
    #inherit: boolean;
    #explicit: boolean;
    constructor(command: string | URL, options?: Deno.CommandOptions) {
      const inherit = options?.stdout === undefined || options.stdout === "inherit";
      super(command, inherit ? { ...options, stdout: "piped" } : options);
      this.#cmd = String(command);
      this.#inherit = inherit;
      this.#explicit = options?.stdout === "inherit";
    }
    override spawn(): Deno.ChildProcess {
      const child = super.spawn();
      // spawn() inherits by default; output() pipes by default.
      if (this.#inherit) pump(child.stdout, this.#cmd).catch(() => {});
      return child;
    }
    override async output(): Promise<Deno.CommandOutput> {
      const out = await super.output();
      if (this.#explicit) await pump(ReadableStream.from([out.stdout]), this.#cmd);
      return out;
    }
    override outputSync(): Deno.CommandOutput {
      const out = super.outputSync();
      if (this.#explicit) {
        for (const line of decoder.decode(out.stdout).split("\n").filter(Boolean)) {
          log.info(line, { command: this.#cmd });
        }
      }
      return out;
    }
  }
  (Deno as unknown as { Command: typeof Deno.Command }).Command = GuardedCommand;
}
