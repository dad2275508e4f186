/**
 * A protobufjs root that holds only the types used so far. Building the
 * root of the whole wire descriptor costs 12–16 ms on a plugin's first
 * message (150 types, every service), and a plugin process uses a few
 * dozen. `lookup(name)` finds `name` in the JSON descriptor with
 * protobufjs's own lookup rules, adds the outermost message (or enum) that
 * holds it and everything its fields refer to, and resolves them
 * (tests/lazy_root_test.ts: every message of every descriptor comes out as
 * `Root.fromJSON` makes it).
 *
 * @module
 */
import protobuf from "protobufjs/light.js";

type Kind = "ns" | "type" | "enum" | "service";

interface Node {
  name: string;
  full: string;
  kind: Kind;
  json: Record<string, unknown>;
  parent: Node | undefined;
  nested: Node[];
}

const SCALARS = new Set([
  "double",
  "float",
  "int32",
  "uint32",
  "sint32",
  "fixed32",
  "sfixed32",
  "int64",
  "uint64",
  "sint64",
  "fixed64",
  "sfixed64",
  "bool",
  "string",
  "bytes",
]);

function kindOf(json: Record<string, unknown>): Kind {
  if ("fields" in json) return "type";
  if ("values" in json) return "enum";
  if ("methods" in json) return "service";
  return "ns";
}

function index(json: { nested?: Record<string, unknown> }): { root: Node; all: Map<string, Node> } {
  const all = new Map<string, Node>();
  const root: Node = { name: "", full: "", kind: "ns", json, parent: undefined, nested: [] };
  const walk = (node: Node) => {
    const nested = (node.json.nested ?? {}) as Record<string, Record<string, unknown>>;
    for (const [name, child] of Object.entries(nested)) {
      const full = node.full ? `${node.full}.${name}` : name;
      const n: Node = { name, full, kind: kindOf(child), json: child, parent: node, nested: [] };
      node.nested.push(n);
      all.set(full, n);
      walk(n);
    }
  };
  walk(root);
  return { root, all };
}

/** protobufjs's Namespace#_lookupImpl on the JSON tree (enums are not namespaces). */
function lookupBelow(ns: Node, path: string[]): Node | null {
  const found = ns.nested.find((n) => n.name === path[0]);
  if (found) {
    if (path.length === 1) return found;
    return found.kind === "enum" ? null : lookupBelow(found, path.slice(1));
  }
  let exact: Node | null = null;
  for (const child of ns.nested) {
    if (child.kind === "enum") continue;
    const f = lookupBelow(child, path);
    if (f) exact = f;
  }
  return exact;
}

/** A lazily filled protobufjs root for one JSON descriptor. */
export class LazyRoot {
  readonly root: protobuf.Root = new protobuf.Root();
  #index: { root: Node; all: Map<string, Node> };
  #added = new Set<Node>();
  #prepare: (json: unknown) => unknown;
  #onAdd: (obj: protobuf.ReflectionObject, json: Record<string, unknown>) => void;
  #complete = false;

  /**
   * `prepare` turns a unit's JSON into what protobufjs reads (the runtime
   * camelizes field names); `onAdd` sees each added type with its raw JSON.
   */
  constructor(
    json: { nested?: Record<string, unknown> },
    prepare: (json: unknown) => unknown,
    onAdd: (obj: protobuf.ReflectionObject, json: Record<string, unknown>) => void,
  ) {
    this.#index = index(json);
    this.#prepare = prepare;
    this.#onAdd = onAdd;
  }

  /** protobufjs's Namespace#lookup from `scope`, on the JSON tree. */
  #resolve(scope: Node, ref: string, accept: (n: Node) => boolean): Node | null {
    if (ref.startsWith(".")) {
      const n = lookupBelow(this.#index.root, ref.slice(1).split("."));
      return n && accept(n) ? n : null;
    }
    const path = ref.split(".");
    let found = lookupBelow(scope, path);
    if (found && accept(found)) return found;
    found = this.#index.all.get(ref) ?? null;
    if (found && accept(found)) return found;
    for (let s = scope.parent; s; s = s.parent) {
      found = lookupBelow(s, path);
      if (found && accept(found)) return found;
    }
    return null;
  }

  /** The reflection object `name` names from the root (as `root.lookup(name)`), or null. */
  lookup(name: string): protobuf.ReflectionObject | null {
    if (this.#complete) return this.root.lookup(name);
    const node = this.#resolve(this.#index.root, name, () => true);
    if (!node) return null;
    if (node.kind === "ns") return this.root.lookup(node.full) ?? this.root.define(node.full);
    this.#ensure(node);
    return this.root.lookup(`.${node.full}`);
  }

  /** Every type, enum and service, resolved: the root `Root.fromJSON` would build. */
  complete(): protobuf.Root {
    if (this.#complete) return this.root;
    const walk = (n: Node) => {
      for (const c of n.nested) {
        if (c.kind === "ns") walk(c);
        else this.#ensure(c);
      }
    };
    walk(this.#index.root);
    this.#complete = true;
    this.root.resolveAll();
    return this.root;
  }

  #ensure(node: Node): void {
    // The unit protobufjs builds at once: the outermost message (or enum, service) around it.
    let unit = node;
    while (unit.parent && unit.parent.kind !== "ns") unit = unit.parent;
    if (this.#added.has(unit)) return;
    const added: Node[] = [];
    this.#add(unit, added);
    for (const u of added) (this.root.lookup(`.${u.full}`) as protobuf.Namespace).resolveAll?.();
  }

  #add(unit: Node, added: Node[]): void {
    if (this.#added.has(unit)) return;
    this.#added.add(unit);
    const parent = unit.parent!;
    const ns: protobuf.Namespace = parent.full ? this.root.define(parent.full) : this.root;
    const json = this.#prepare(unit.json);
    const obj = unit.kind === "enum"
      ? protobuf.Enum.fromJSON(unit.name, json as protobuf.IEnum)
      : unit.kind === "service"
      ? protobuf.Service.fromJSON(unit.name, json as protobuf.IService)
      : protobuf.Type.fromJSON(unit.name, json as protobuf.IType);
    ns.add(obj);
    added.push(unit);
    // Everything the unit's fields (and its nested messages' fields) refer to, and for a
    // service its methods' messages.
    const refs = (n: Node) => {
      if (n.kind === "type") {
        for (const f of Object.values((n.json.fields ?? {}) as Record<string, { type: string }>)) {
          if (SCALARS.has(f.type)) continue;
          const dep = this.#resolve(n, f.type, (d) => d.kind === "type" || d.kind === "enum");
          if (dep) this.#addOuter(dep, added);
        }
      } else if (n.kind === "service") {
        const methods = (n.json.methods ?? {}) as Record<
          string,
          { requestType: string; responseType: string }
        >;
        for (const m of Object.values(methods)) {
          for (const t of [m.requestType, m.responseType]) {
            const dep = this.#resolve(n, t, (d) => d.kind === "type");
            if (dep) this.#addOuter(dep, added);
          }
        }
      }
      for (const c of n.nested) refs(c);
    };
    refs(unit);
    this.#onAdd(obj, unit.json);
  }

  #addOuter(node: Node, added: Node[]): void {
    let unit = node;
    while (unit.parent && unit.parent.kind !== "ns") unit = unit.parent;
    this.#add(unit, added);
  }
}
