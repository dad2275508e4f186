/**
 * The terminal UI over the broker: the host serves TerminalUIService on the
 * id in `Args.TerminalUI`; every UI call becomes one Event on a single
 * Events stream, so order is kept. The stream is opened on first use and
 * closed (half-close, then wait for the host's end) before the operation's
 * response is sent, so everything is rendered first.
 */
import type * as grpc from "@grpc/grpc-js";
import {
  GoogleProtobuf_Empty,
  TerminalUI_Event,
  TerminalUI_IsInteractiveResponse,
  TerminalUI_Response,
} from "../gen/wire.ts";
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
import type { Secrets } from "./secrets.ts";
import {
  batches,
  CHUNK_CHARS,
  chunks,
  escapePercent,
  fit,
  MAX_CHUNK,
  redactEvent,
  toBytes,
} from "./ui_text.ts";

const SERVICE = "/hashicorp.waypoint.sdk.TerminalUIService";
const CLOSE_TIMEOUT_MS = 30_000;
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

  #secrets: Secrets;

  constructor(broker: Broker, id: number, secrets: Secrets, signal?: AbortSignal) {
    this.#broker = broker;
    this.#id = id;
    this.#secrets = secrets;
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
    if (this.#secrets.active) redactEvent(event, this.#secrets);
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
      const ev = codec(TerminalUI_Event);
      const res = codec(TerminalUI_Response);
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
    const empty = codec(GoogleProtobuf_Empty);
    const res = codec(TerminalUI_IsInteractiveResponse);
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
   * Finishes what the author left open (status, steps, groups: an open group
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
