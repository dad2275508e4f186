/**
 * The terminal UI over the broker: the host serves TerminalUIService on the
 * id in `Args.TerminalUI`; every UI call becomes one Event on a single
 * Events stream, so order is kept. The stream is opened on first use and
 * closed (half-close, then wait for the host's end) before the operation's
 * response is sent, so everything is rendered first.
 */
import type * as grpc from "@grpc/grpc-js";
import type { TerminalUI_Event, TerminalUI_Response } from "../gen/wire.ts";
import type {
  InputOptions,
  Status,
  Step,
  StepGroup,
  StepStatus,
  Style,
  TableEntry,
  TerminalUI,
} from "../terminal/ui.ts";
import type { Broker } from "./broker.ts";
import { codec } from "./grpc.ts";
import { secrets } from "./secrets.ts";

const SERVICE = "/hashicorp.waypoint.sdk.TerminalUIService";
// The host's broker server takes at most 4 MiB per message; stay well below.
const MAX_CHUNK = 1024 * 1024;
const CLOSE_TIMEOUT_MS = 30_000;

/**
 * Characters of text per event: after `%` escaping (at most doubling) and
 * UTF-8 (at most 3 bytes per UTF-16 unit) an event stays under 4 MiB, the
 * most the host's broker server accepts.
 */
const CHUNK_CHARS = 512 * 1024;

/** Splits `s` into pieces of at most `n` UTF-16 units, never inside a surrogate pair. */
export function chunks(s: string, n: number = CHUNK_CHARS): string[] {
  if (s.length <= n) return [s];
  const out: string[] = [];
  for (let i = 0; i < s.length;) {
    let end = Math.min(i + n, s.length);
    const c = s.charCodeAt(end - 1);
    if (end < s.length && c >= 0xd800 && c <= 0xdbff) end--; // keep the pair together
    out.push(s.slice(i, end));
    i = end;
  }
  return out;
}

/** Cuts text that cannot be split (a status or step text) to what fits in one event. */
function fit(s: string): string {
  return s.length <= CHUNK_CHARS ? s : `${chunks(s)[0]}… (${s.length} characters, cut)`;
}

/** Groups items into batches whose text adds up to at most CHUNK_CHARS. */
function batches<T>(items: T[], size: (t: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && total + n > CHUNK_CHARS) {
      out.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += n;
  }
  if (current.length > 0 || out.length === 0) out.push(current);
  return out;
}

/** The host formats these strings with Go's fmt.Sprintf: a literal `%` must be doubled. */
export function escapePercent(s: string): string {
  return s.replaceAll("%", "%%");
}

const encoder = new TextEncoder();

function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

/** Hides the values of sensitive config fields in the text of `e` (raw bytes and step output stay). */
function redactEvent(e: TerminalUI_Event): void {
  const r = (text: string) => secrets.redact(text);
  if (e.line) e.line.msg = r(e.line.msg);
  if (e.status) e.status.msg = r(e.status.msg);
  if (e.step) e.step.msg = r(e.step.msg);
  if (e.input) e.input.prompt = r(e.input.prompt);
  for (const v of e.namedValues?.values ?? []) {
    v.name = r(v.name);
    v.value = r(v.value);
  }
  if (e.table) {
    e.table.headers = e.table.headers.map(r);
    for (const row of e.table.rows) for (const entry of row.entries) entry.value = r(entry.value);
  }
}

/** The operation-scoped UI bridge; `close()` must be awaited before the RPC answers. */
export class BrokerUI implements TerminalUI {
  #broker: Broker;
  #id: number;
  #signal: AbortSignal | undefined;
  #client: grpc.Client | undefined;
  #stream: grpc.ClientDuplexStream<TerminalUI_Event, TerminalUI_Response> | undefined;
  #connecting: Promise<void> | undefined;
  #pending: TerminalUI_Event[] = [];
  #failure: Error | undefined;
  #ended: Promise<void> | undefined;
  #inputs: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  #status: BrokerStatus | undefined;
  #groups: BrokerStepGroup[] = [];
  #nextGroup = 0;
  #closed = false;
  #lines: string[] = [];
  #lineChars = 0;
  #flushQueued = false;

  constructor(broker: Broker, id: number, signal?: AbortSignal) {
    this.#broker = broker;
    this.#id = id;
    this.#signal = signal;
  }

  /**
   * Dials the host's UI and opens the Events stream now, while the author's
   * code starts, so the first line does not wait for a connection (the Go SDK
   * connects while mapping arguments, too).
   */
  open(): void {
    void this.#connect();
  }

  /** Sends one event, opening the stream first if needed. */
  send(event: TerminalUI_Event): void {
    if (this.#closed) {
      throw new Error("the terminal UI was used after its operation returned");
    }
    this.#flushLines();
    this.#write(event);
  }

  #write(event: TerminalUI_Event): void {
    if (secrets.active) redactEvent(event);
    if (this.#stream) {
      this.#stream.write(event);
      return;
    }
    this.#pending.push(event);
    this.#connect();
  }

  async #client_(): Promise<grpc.Client> {
    if (!this.#client) {
      try {
        this.#client = await this.#broker.dial(this.#id, this.#signal);
      } catch (err) {
        throw new Error(
          `Cannot reach the host's terminal UI (broker id ${this.#id}): ${(err as Error).message}`,
        );
      }
    }
    return this.#client;
  }

  #connect(): Promise<void> {
    this.#connecting ??= (async () => {
      const client = await this.#client_();
      const ev = codec("hashicorp.waypoint.sdk.TerminalUI.Event");
      const res = codec("hashicorp.waypoint.sdk.TerminalUI.Response");
      const stream = client.makeBidiStreamRequest(
        `${SERVICE}/Events`,
        ev.serialize as (v: TerminalUI_Event) => Buffer,
        res.deserialize as (b: Buffer) => TerminalUI_Response,
      );
      this.#ended = new Promise<void>((resolve) => {
        stream.on("status", () => resolve());
        stream.on("error", (err: Error) => {
          this.#failure ??= err;
          resolve();
        });
      });
      stream.on("data", (resp: TerminalUI_Response) => {
        const waiter = this.#inputs.shift();
        if (!waiter) return;
        const r = resp.input;
        if (r?.error && r.error.code) waiter.reject(new Error(r.error.message));
        else waiter.resolve(r?.input ?? "");
      });
      this.#stream = stream;
      for (const e of this.#pending.splice(0)) stream.write(e);
    })().catch((err) => {
      this.#failure ??= err;
      for (const w of this.#inputs.splice(0)) w.reject(err);
    });
    return this.#connecting;
  }

  output(message: string, options?: { style?: Style }): void {
    const style = options?.style ?? "";
    if (style === "" && message.length < CHUNK_CHARS) {
      // Plain lines written back to back travel as one event of several lines: the host prints
      // it exactly as it would print them one by one, and each event costs a gRPC message.
      if (this.#closed) throw new Error("the terminal UI was used after its operation returned");
      if (this.#lineChars + message.length + 1 > CHUNK_CHARS) this.#flushLines();
      this.#lines.push(escapePercent(message));
      this.#lineChars += message.length + 1;
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        queueMicrotask(() => this.#flushLines());
      }
      return;
    }
    // A line longer than one event allows is sent as several lines.
    for (const part of chunks(message)) {
      this.send({ line: { msg: escapePercent(part), style } });
    }
  }

  /** Sends the buffered plain lines as one Line event, before anything that follows them. */
  #flushLines(): void {
    this.#flushQueued = false;
    if (this.#lines.length === 0) return;
    const msg = this.#lines.join("\n");
    this.#lines = [];
    this.#lineChars = 0;
    this.#write({ line: { msg, style: "" } });
  }

  namedValues(values: Record<string, string> | { name: string; value: string }[]): void {
    const list = Array.isArray(values)
      ? values
      : Object.entries(values).map(([name, value]) => ({ name, value }));
    const pieces = list.flatMap(({ name, value }) =>
      chunks(value).map((v) => ({ name: fit(name), value: v }))
    );
    for (const batch of batches(pieces, (v) => v.name.length + v.value.length)) {
      this.send({ namedValues: { values: batch } });
    }
  }

  table(headers: string[], rows: (string | TableEntry)[][]): void {
    const entries = rows.map((r) => ({
      entries: r.map((e) =>
        typeof e === "string"
          ? { value: fit(e), color: "" }
          : { color: "", ...e, value: fit(e.value) }
      ),
    }));
    const size = (r: { entries: { value: string }[] }) =>
      r.entries.reduce((n, e) => n + e.value.length + 8, 0);
    // A table too large for one event is sent as several, each with the headers.
    for (const batch of batches(entries, size)) {
      this.send({ table: { headers: headers.map(fit), rows: batch } });
    }
  }

  raw(data: string | Uint8Array, options?: { stderr?: boolean }): void {
    const bytes = toBytes(data);
    for (let off = 0; off < bytes.length || off === 0; off += MAX_CHUNK) {
      this.send({ raw: { data: bytes.subarray(off, off + MAX_CHUNK), stderr: !!options?.stderr } });
      if (bytes.length === 0) break;
    }
  }

  status(): Status {
    // The host keeps one status per UI; a new one replaces (and closes) the old.
    this.#status?.close();
    this.#status = new BrokerStatus(this);
    return this.#status;
  }

  stepGroup(): StepGroup {
    const group = new BrokerStepGroup(this, this.#nextGroup++);
    this.#groups.push(group);
    return group;
  }

  async isInteractive(): Promise<boolean> {
    const client = await this.#client_();
    const empty = codec("google.protobuf.Empty");
    const res = codec("hashicorp.waypoint.sdk.TerminalUI.IsInteractiveResponse");
    return await new Promise<boolean>((resolve, reject) => {
      client.makeUnaryRequest(
        `${SERVICE}/IsInteractive`,
        empty.serialize,
        res.deserialize,
        {},
        (err, value) =>
          err ? reject(err) : resolve(!!(value as { interactive?: boolean })?.interactive),
      );
    });
  }

  async input(prompt: string, options?: InputOptions): Promise<string> {
    if (!(await this.isInteractive())) {
      throw new Error(
        `Cannot ask for input ("${prompt}"): the terminal is not interactive; take the value from the config instead`,
      );
    }
    const answer = new Promise<string>((resolve, reject) => this.#inputs.push({ resolve, reject }));
    this.send({
      input: { prompt: fit(prompt), style: options?.style ?? "", secret: !!options?.secret },
    });
    return await answer;
  }

  /**
   * Finishes what the author left open (status, steps, groups — an open group
   * would block the host forever), half-closes the stream and waits for the
   * host to end it, then closes the connection.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#status?.close();
    for (const g of this.#groups) g.wait();
    this.#flushLines();
    this.#closed = true;
    if (this.#connecting) {
      await this.#connecting;
      if (this.#stream && this.#signal?.aborted) {
        // Cancelled (or the plugin is stopping because the host went away): nobody is waiting
        // for the rest of the output, so don't wait for the host to end the stream either.
        this.#stream.cancel();
      } else if (this.#stream) {
        this.#stream.end();
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([
          this.#ended,
          new Promise<void>((resolve) => timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)),
        ]);
        clearTimeout(timer);
      }
    }
    this.#client?.close();
    if (this.#failure) throw this.#failure;
  }
}

class BrokerStatus implements Status {
  #ui: BrokerUI;
  #open = true;
  constructor(ui: BrokerUI) {
    this.#ui = ui;
  }
  update(message: string): void {
    this.#ui.send({ status: { msg: fit(message), status: "", step: false } });
    this.#open = true;
  }
  step(status: StepStatus, message: string): void {
    this.#ui.send({ status: { msg: fit(message), status, step: true } });
  }
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#ui.send({ status: { msg: "", status: "", step: false } });
  }
  [Symbol.dispose](): void {
    this.close();
  }
}

class BrokerStepGroup implements StepGroup {
  #ui: BrokerUI;
  #id: number;
  #steps: BrokerStep[] = [];
  #closed = false;
  #opened = false;
  constructor(ui: BrokerUI, id: number) {
    this.#ui = ui;
    this.#id = id;
  }
  add(message: string): Step {
    if (this.#closed) throw new Error("cannot add a step to a step group that was closed");
    if (!this.#opened) {
      this.#opened = true;
      this.#ui.send({ stepGroup: { id: this.#id, close: false } });
    }
    const step = new BrokerStep(this.#ui, this.#id, this.#steps.length, message);
    this.#steps.push(step);
    return step;
  }
  wait(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#opened) return;
    for (const s of this.#steps) s.finishIfOpen();
    this.#ui.send({ stepGroup: { id: this.#id, close: true } });
  }
  [Symbol.dispose](): void {
    this.wait();
  }
}

class BrokerStep implements Step {
  #ui: BrokerUI;
  #group: number;
  #id: number;
  #done = false;
  constructor(ui: BrokerUI, group: number, id: number, message: string) {
    this.#ui = ui;
    this.#group = group;
    this.#id = id;
    this.#send({ msg: escapePercent(fit(message)) });
  }
  #send(fields: { msg?: string; status?: string; output?: Uint8Array; close?: boolean }): void {
    if (this.#done) return;
    this.#ui.send({
      step: {
        stepGroup: this.#group,
        id: this.#id,
        msg: fields.msg ?? "",
        status: fields.status ?? "",
        output: fields.output ?? new Uint8Array(),
        close: !!fields.close,
      },
    });
  }
  update(message: string): void {
    this.#send({ msg: escapePercent(fit(message)) });
  }
  status(status: StepStatus): void {
    this.#send({ status });
  }
  output(text: string | Uint8Array): void {
    const bytes = toBytes(text);
    for (let off = 0; off < bytes.length; off += MAX_CHUNK) {
      this.#send({ output: bytes.subarray(off, off + MAX_CHUNK) });
    }
  }
  done(): void {
    this.#send({ close: true });
    this.#done = true;
  }
  abort(): void {
    this.#send({ close: true, status: "abort" });
    this.#done = true;
  }
  /** Used by the group: a step left open when the group closes is aborted. */
  finishIfOpen(): void {
    if (!this.#done) this.abort();
  }
  [Symbol.dispose](): void {
    if (!this.#done) this.done();
  }
}
