/**
 * The lazily filled root (src/proto/lazy_root.ts) must
 * build every message exactly as `Root.fromJSON` of the whole descriptor
 * does: the same fields, the same resolved types, and the same generated
 * encoder and decoder, for every descriptor in the repository.
 */
import protobuf from "protobufjs/light.js";
import { LazyRoot } from "../src/proto/lazy_root.ts";
import { assertEquals } from "./support/assert.ts";
import { REPO } from "./support/host.ts";
import { join } from "./support/path.ts";

const FILES = [
  "src/gen/wire.ts",
  "src/gen/builtin/docker.ts",
  "src/gen/builtin/ecr.ts",
  "src/gen/builtin/files.ts",
  "src/gen/builtin/pack.ts",
  "examples/gobuilder/gen/output.ts",
  "examples/localdeploy/gen/output.ts",
];

async function descriptor(path: string): Promise<{ nested?: Record<string, unknown> }> {
  const text = await Deno.readTextFile(join(REPO, path));
  const m = /protoFile\((\{.*?\})\);\n/s.exec(text);
  if (!m) throw new Error(`no descriptor in ${path}`);
  return JSON.parse(m[1]);
}

function types(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const n of ns.nestedArray) {
    if (n instanceof protobuf.Type) out.push(n);
    if (n instanceof protobuf.Namespace) types(n, out);
  }
  return out;
}

function shape(t: protobuf.Type): unknown {
  return {
    fields: t.fieldsArray.map((f) => ({
      name: f.name,
      id: f.id,
      type: f.type,
      resolved: f.resolvedType?.fullName ?? null,
      repeated: f.repeated,
      packed: f.packed,
      map: f.map,
      oneof: f.partOf?.name ?? null,
      typeDefault: String(f.typeDefault),
    })),
    encoder: protobuf.encoder(t).toString(),
    decoder: protobuf.decoder(t).toString(),
  };
}

for (const path of FILES) {
  Deno.test(`the lazy root builds every message of ${path} as Root.fromJSON does`, async () => {
    const json = await descriptor(path);
    const full = protobuf.Root.fromJSON(json as protobuf.INamespace);
    const all = types(full);
    if (all.length === 0) throw new Error(`${path}: no message types`);
    for (const t of all) {
      // A fresh lazy root per type: each must pull in exactly what it needs on its own.
      const lazy = new LazyRoot(json, (j) => j, () => {});
      const found = lazy.lookup(t.fullName.slice(1));
      if (!(found instanceof protobuf.Type)) throw new Error(`${t.fullName}: not found lazily`);
      assertEquals(shape(found), shape(t), t.fullName);
    }
    // And one lazy root filled type after type, then completed, matches too.
    const lazy = new LazyRoot(json, (j) => j, () => {});
    for (const t of all) lazy.lookup(t.fullName.slice(1));
    const root = lazy.complete();
    assertEquals(types(root).map((t) => t.fullName).sort(), all.map((t) => t.fullName).sort());
    for (const t of all) assertEquals(shape(root.lookupType(t.fullName)), shape(t), t.fullName);
  });
}
