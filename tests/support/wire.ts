/** Wire messages by full proto name, for tests that name them as the protocol does. */
import * as wire from "../../src/gen/wire.ts";
import type { MessageType } from "../../mod.ts";

const byName = new Map<string, MessageType<object>>();
for (const v of Object.values(wire)) {
  if (v && typeof v === "object" && "typeUrl" in v) {
    const t = v as MessageType<object>;
    byName.set(t.typeName, t);
  }
}

/** The wire message type called `name` (e.g. `hashicorp.waypoint.sdk.FuncSpec.Args`). */
export function wireType(name: string): MessageType<object> {
  const t = byName.get(name);
  if (!t) throw new Error(`no wire message ${name}`);
  return t;
}
