/**
 * The test host's terminal UI: serves TerminalUIService and records every
 * event in order, with text as the user would see it (`%%` printed as `%`).
 */
import type * as grpc from "@grpc/grpc-js";
import { serviceDefinition } from "../internal/grpc.ts";
import type { TerminalUI_Event } from "../gen/wire.ts";

/**
 * One thing the plugin showed, in order.
 *
 * @example Find the lines an operation printed
 * ```ts
 * import assert from "node:assert";
 * import { launchPlugin, type UIEvent } from "@x/waypoint-plugin/testing";
 * const lines = (events: UIEvent[]) =>
 *   events.flatMap((
 *     e,
 *   ) => (e.kind === "line" ? [e.text] : e.kind === "status" && e.step ? [e.text] : []));
 * Deno.test("build shows its steps", async () => {
 *   await using plugin = await launchPlugin({ entry: "main.ts" });
 *   await plugin.configure("builder", {});
 *   const { ui } = await plugin.build();
 *   assert(lines(ui).includes("Application built successfully"), JSON.stringify(ui));
 * });
 * ```
 */
export type UIEvent =
  | { kind: "line"; text: string; style: string }
  | { kind: "status"; text: string; status: string; step: boolean }
  | { kind: "namedValues"; values: { name: string; value: string }[] }
  | { kind: "raw"; data: Uint8Array; stderr: boolean }
  | { kind: "table"; headers: string[]; rows: string[][] }
  | { kind: "stepGroup"; id: number; close: boolean }
  | {
    kind: "step";
    group: number;
    id: number;
    text: string;
    status: string;
    output: string;
    close: boolean;
  }
  | { kind: "input"; prompt: string };

const unescape = (s: string) => s.replaceAll("%%", "%");
const decoder = new TextDecoder();

function toEvent(e: TerminalUI_Event): UIEvent | undefined {
  if (e.line) return { kind: "line", text: unescape(e.line.msg), style: e.line.style };
  if (e.status) {
    return { kind: "status", text: e.status.msg, status: e.status.status, step: e.status.step };
  }
  if (e.namedValues) {
    return {
      kind: "namedValues",
      values: e.namedValues.values.map((v) => ({ name: v.name, value: v.value })),
    };
  }
  if (e.raw) return { kind: "raw", data: new Uint8Array(e.raw.data ?? []), stderr: !!e.raw.stderr };
  if (e.table) {
    return {
      kind: "table",
      headers: [...e.table.headers],
      rows: e.table.rows.map((r) => r.entries.map((x) => x.value)),
    };
  }
  if (e.stepGroup) return { kind: "stepGroup", id: e.stepGroup.id, close: e.stepGroup.close };
  if (e.step) {
    return {
      kind: "step",
      group: e.step.stepGroup,
      id: e.step.id,
      text: unescape(e.step.msg),
      status: e.step.status,
      output: decoder.decode(new Uint8Array(e.step.output ?? [])),
      close: e.step.close,
    };
  }
  if (e.input) return { kind: "input", prompt: e.input.prompt };
  return undefined;
}

/** Records the UI of one operation. */
export class RecordingUI {
  /** Everything shown, in order. */
  readonly events: UIEvent[] = [];

  /** Registers TerminalUIService on `server`. */
  register(server: grpc.Server): void {
    server.addService(serviceDefinition("hashicorp.waypoint.sdk.TerminalUIService"), {
      Output: (
        call: grpc.ServerUnaryCall<{ lines: string[] }, unknown>,
        cb: grpc.sendUnaryData<unknown>,
      ) => {
        for (const l of call.request.lines) {
          this.events.push({ kind: "line", text: unescape(l), style: "" });
        }
        cb(null, {});
      },
      IsInteractive: (_call: unknown, cb: grpc.sendUnaryData<unknown>) =>
        cb(null, { interactive: false }),
      Events: (call: grpc.ServerDuplexStream<TerminalUI_Event, unknown>) => {
        call.on("data", (e: TerminalUI_Event) => {
          const ev = toEvent(e);
          if (!ev) return;
          this.events.push(ev);
          if (ev.kind === "input") {
            call.write({
              input: { input: "", error: { code: 9, message: "not interactive", details: [] } },
            });
          }
        });
        call.on("end", () => call.end());
      },
    });
  }
}
